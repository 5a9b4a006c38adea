"""Featuring and taking off are kept in the story's history, and a refused publish
or send-back says why on the page."""

import datetime
import re

import pytest
from django.utils import translation

from showcase import services
from showcase.models import Story
from tests.api_answers import url as api_url
from tests.showcase.api import STORIES, sign_in
from tests.showcase.pages import url as page_url
from tests.showcase.pages import zh
from tests.showcase.story_checks import fresh

pytestmark = pytest.mark.django_db

Status = Story.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- 9. Featuring in the history -----------------------------------------------------------------


def history(story: Story) -> list[tuple]:
    return list(
        fresh(story).events.order_by("at", "id").values_list("from_state", "to_state", "actor_id")
    )


class TestFeaturingHistory:
    def test_featuring_and_taking_off_each_write_a_row(self, showcase):
        # Given a published story that is not featured
        s = showcase
        story = s.published_b
        before = history(story)

        # When one official features it and another takes it off
        services.story_feature(story_id=story.pk, by=s.org.official_b, featured=True)
        services.story_feature(story_id=story.pk, by=s.org.group_official, featured=False)

        # Then the history holds both, from published to published, with who did it
        assert history(story) == [
            *before,
            (Status.PUBLISHED, Status.PUBLISHED, s.org.official_b.pk),
            (Status.PUBLISHED, Status.PUBLISHED, s.org.group_official.pk),
        ]
        notes = list(fresh(story).events.order_by("at", "id").values_list("note", flat=True))
        assert notes[-1] and notes[-2] and notes[-1] != notes[-2]
        assert fresh(story).status == Status.PUBLISHED

    def test_featuring_an_already_featured_story_writes_nothing(self, showcase):
        s = showcase
        before = history(s.featured_a)
        services.story_feature(story_id=s.featured_a.pk, by=s.org.official_a, featured=True)
        assert history(s.featured_a) == before
        assert fresh(s.featured_a).featured is True

    def test_taking_off_a_story_that_is_not_featured_writes_nothing(self, showcase):
        s = showcase
        before = history(s.published_b)
        services.story_feature(story_id=s.published_b.pk, by=s.org.official_b, featured=False)
        assert history(s.published_b) == before

    def test_the_api_history_shows_who_featured_the_story(self, api, showcase):
        s = showcase
        sign_in(api, s, "official_b")
        featured = api.post(
            api_url(STORIES, s.published_b, "feature"), {"featured": True}, format="json"
        )
        assert featured.status_code == 200, featured.content
        last = api.get(api_url(STORIES, s.published_b, "events")).json()[-1]
        assert (last["from_state"], last["to_state"], last["actor"]["id"]) == (
            Status.PUBLISHED,
            Status.PUBLISHED,
            s.org.official_b.pk,
        )


# --- 10. A refused move says why on the page -----------------------------------------------------


def danger_alerts(html: str) -> list[str]:
    return [
        text.strip()
        for text in re.findall(
            r'<div class="alert alert-danger[^"]*" role="alert">(.*?)<button', html, re.S
        )
    ]


def state_label(status: str) -> str:
    with translation.override("zh-hans"):
        return str(Status(status).label)


class TestRefusedMovesSayWhy:
    def test_a_publish_after_another_official_sent_it_back_says_why(self, as_person, showcase):
        # Given a story in review that another official has meanwhile sent back
        s = showcase
        story = s.in_review_a
        services.story_return(story_id=story.pk, by=s.org.group_official, reason="补充")

        # When official_a presses publish on the page they still had open
        response = as_person(s.org.official_a).post(page_url("story-publish", story.pk), {})

        # Then the page says why, and the story stays the author's draft
        assert response.status_code == 400
        html = response.content.decode()
        assert danger_alerts(html) == [zh("The author has not sent this draft for review yet.")]
        assert "alert-success" not in html
        assert fresh(story).status == Status.DRAFT

    def test_a_publish_after_another_official_published_it_says_why(self, as_person, showcase):
        s = showcase
        story = s.in_review_a
        services.story_publish(
            story_id=story.pk, by=s.org.group_official, published_on=datetime.date(2024, 3, 1)
        )
        response = as_person(s.org.official_a).post(page_url("story-publish", story.pk), {})
        assert response.status_code == 400
        label = state_label(Status.PUBLISHED)
        assert danger_alerts(response.content.decode()) == [
            zh("Cannot move from “%(state)s” to “%(target)s”.", state=label, target=label)
        ]
        assert fresh(story).published_on == datetime.date(2024, 3, 1)

    def test_a_send_back_after_another_official_archived_it_says_why(self, as_person, showcase):
        # Given a story in review that another official published and archived meanwhile
        s = showcase
        story = s.in_review_a
        services.story_publish(story_id=story.pk, by=s.org.group_official)
        services.story_archive(story_id=story.pk, by=s.org.group_official)
        events = len(history(story))

        # When official_a sends it back from the page they still had open
        response = as_person(s.org.official_a).post(
            page_url("story-return", story.pk), {"reason": "请补充现场照片"}
        )

        # Then the page says why and nothing moved
        assert response.status_code == 400
        html = response.content.decode()
        assert danger_alerts(html) == [zh("Only a story in review can be sent back.")]
        assert "alert-success" not in html
        assert fresh(story).status == Status.ARCHIVED
        assert len(history(story)) == events
