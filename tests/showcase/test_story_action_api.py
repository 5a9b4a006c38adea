"""The stories API's review actions: who may submit, send back, publish,
archive and feature which story in which state, and what a refused move answers."""

import datetime

import pytest
from django.utils import timezone

from showcase.models import Story
from tests.api_answers import field_errors, ids, refused, url
from tests.roles import person
from tests.showcase.api import STORIES, sign_in, snapshot
from tests.showcase.conftest import days_ago, make_story

pytestmark = pytest.mark.django_db


# --- The review actions -------------------------------------------------------------

# For each action: the story it is tried on, the body sent, and every role's answer.
ACTIONS = {
    "submit": (
        "draft_a",
        {},
        {
            "lead_a": 200,  # the author
            "official_a": 403,
            "group_official": 403,
            "admin": 403,  # they see it, it is not theirs
            "worker_a": 404,
            "worker_b": 404,
            "member_a": 404,
            "official_b": 404,
        },
    ),
    "return": (
        "in_review_a",
        {"reason": "请补充现场照片"},
        {
            "official_a": 200,
            "group_official": 200,
            "admin": 200,
            "lead_a": 403,
            "worker_a": 404,
            "worker_b": 404,
            "member_a": 404,
            "official_b": 404,
        },
    ),
    "publish": (
        "in_review_a",
        {},
        {
            "official_a": 200,
            "group_official": 200,
            "admin": 200,
            "lead_a": 403,
            "worker_a": 404,
            "worker_b": 404,
            "member_a": 404,
            "official_b": 404,
        },
    ),
    "archive": (
        "featured_a",
        {},
        {
            "official_a": 200,
            "group_official": 200,
            "admin": 200,
            "lead_a": 403,
            "worker_a": 403,
            "worker_b": 403,
            "member_a": 403,
            "official_b": 403,
        },
    ),
    "feature": (
        "featured_a",
        {"featured": False},
        {
            "official_a": 200,
            "group_official": 200,
            "admin": 200,
            "lead_a": 403,
            "worker_a": 403,
            "worker_b": 403,
            "member_a": 403,
            "official_b": 403,
        },
    ),
}

# What a successful action leaves: (status, featured).
AFTER = {
    "submit": ("in_review", False),
    "return": ("draft", False),
    "publish": ("published", False),
    "archive": ("archived", False),
    "feature": ("published", False),
}


class TestStoryActions:
    @pytest.mark.parametrize(
        ("action", "role", "status"),
        [
            (action, role, status)
            for action, (_story, _body, roles) in ACTIONS.items()
            for role, status in roles.items()
        ],
    )
    def test_action_by_every_role(self, api, showcase, action, role, status):
        s = showcase
        story_name, body, _roles = ACTIONS[action]
        story = getattr(s, story_name)
        before = snapshot(story)
        events = story.events.count()
        response = sign_in(api, s, role).post(url(STORIES, story, action), body, format="json")
        if status != 200:
            refused(response, status)
            assert snapshot(story) == before
            return
        assert response.status_code == 200, response.content
        fresh = Story.objects.get(pk=story.pk)
        assert (fresh.status, fresh.featured) == AFTER[action]
        answer = response.json()
        assert (answer["id"], answer["status"], answer["featured"]) == (
            story.pk,
            fresh.status,
            fresh.featured,
        )
        if action == "feature":
            # Featuring keeps the status and is written into the history.
            last = fresh.events.order_by("at", "id").last()
            assert fresh.events.count() == events + 1
            assert (last.from_state, last.to_state, last.actor) == (
                story.status,
                story.status,
                person(s, role),
            )
            return
        last = fresh.events.order_by("at", "id").last()
        assert fresh.events.count() == events + 1
        assert (last.from_state, last.to_state, last.actor) == (
            story.status,
            fresh.status,
            person(s, role),
        )
        if action == "return":
            assert last.note == "请补充现场照片"
        if action == "publish":
            assert fresh.published_on == timezone.localdate()
            assert answer["published_on"] == timezone.localdate().isoformat()

    def test_an_official_features_a_published_story_in_their_company(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "official_b").post(
            url(STORIES, s.published_b, "feature"), {"featured": True}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["featured"] is True
        assert Story.objects.get(pk=s.published_b.pk).featured is True
        listed = ids(sign_in(api, s, "worker_a").get(STORIES, {"featured": "true"}))
        assert listed == {s.featured_a.pk, s.published_b.pk}

    def test_a_returned_story_is_the_authors_to_edit_and_submit_again(self, api, showcase):
        s = showcase
        sign_in(api, s, "official_a").post(
            url(STORIES, s.in_review_a, "return"), {"reason": "改"}, format="json"
        )
        sign_in(api, s, "lead_a")
        response = api.patch(url(STORIES, s.in_review_a), {"title": "新版"}, format="json")
        assert response.status_code == 200, response.content
        response = api.post(url(STORIES, s.in_review_a, "submit"), {}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "in_review"

    def test_an_official_publishes_with_a_past_date(self, api, showcase):
        s = showcase
        day = days_ago(30).isoformat()
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.in_review_a, "publish"), {"published_on": day}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["published_on"] == day
        assert Story.objects.get(pk=s.in_review_a.pk).published_on.isoformat() == day

    def test_an_official_publishes_their_own_draft_at_once(self, api, showcase):
        s = showcase
        own = make_story(s.org.official_a, people=[s.org.worker_a])
        response = sign_in(api, s, "official_a").post(
            url(STORIES, own, "publish"), {}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "published"

    def test_a_leads_draft_is_not_published_before_it_is_submitted_409(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.draft_a, "publish"), {}, format="json"
        )
        refused(response, 409)
        assert snapshot(s.draft_a) == before


class TestStoryActionsInvalid:
    @pytest.mark.parametrize("days_ahead", [1, 365])
    def test_publishing_with_a_future_date_is_400(self, api, showcase, days_ahead):
        s = showcase
        before = snapshot(s.in_review_a)
        day = (timezone.localdate() + datetime.timedelta(days=days_ahead)).isoformat()
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.in_review_a, "publish"), {"published_on": day}, format="json"
        )
        assert set(field_errors(response)) == {"published_on"}
        assert snapshot(s.in_review_a) == before

    @pytest.mark.parametrize("value", ["yesterday", "2024-02-30", "1e400"])
    def test_publishing_with_a_malformed_date_is_400(self, api, showcase, value):
        s = showcase
        before = snapshot(s.in_review_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.in_review_a, "publish"), {"published_on": value}, format="json"
        )
        assert set(field_errors(response)) == {"published_on"}
        assert snapshot(s.in_review_a) == before

    @pytest.mark.parametrize("body", [{"featured": "maybe"}, {"featured": 7}, {}])
    def test_feature_without_a_boolean_is_400(self, api, showcase, body):
        s = showcase
        before = snapshot(s.featured_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.featured_a, "feature"), body, format="json"
        )
        assert set(field_errors(response)) == {"featured"}
        assert snapshot(s.featured_a) == before

    @pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
    def test_return_without_a_reason_is_400(self, api, showcase, body):
        s = showcase
        before = snapshot(s.in_review_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.in_review_a, "return"), body, format="json"
        )
        assert set(field_errors(response)) == {"reason"}
        assert snapshot(s.in_review_a) == before

    def test_publishing_a_story_with_nothing_in_it_is_400(self, api, showcase):
        s = showcase
        empty = make_story(s.org.official_a, people=[s.org.worker_a], body="  ")
        response = sign_in(api, s, "official_a").post(
            url(STORIES, empty, "publish"), {}, format="json"
        )
        assert "body" in field_errors(response)
        assert Story.objects.get(pk=empty.pk).status == "draft"


class TestStoryStates:
    def test_archiving_a_draft_is_409(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.draft_a, "archive"), {}, format="json"
        )
        refused(response, 409)
        assert snapshot(s.draft_a) == before

    @pytest.mark.parametrize("story", ["draft_a", "in_review_a", "archived_a"])
    def test_featuring_an_unpublished_story_is_409(self, api, showcase, story):
        s = showcase
        record = getattr(s, story)
        before = snapshot(record)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, record, "feature"), {"featured": True}, format="json"
        )
        refused(response, 409)
        assert snapshot(record) == before

    def test_submitting_twice_is_409(self, api, showcase):
        s = showcase
        sign_in(api, s, "lead_a")
        first = api.post(url(STORIES, s.draft_a, "submit"), {}, format="json")
        assert first.status_code == 200, first.content
        before = snapshot(s.draft_a)
        refused(api.post(url(STORIES, s.draft_a, "submit"), {}, format="json"), 409)
        assert snapshot(s.draft_a) == before

    def test_returning_a_story_not_in_review_is_409(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.draft_a, "return"), {"reason": "x"}, format="json"
        )
        refused(response, 409)
        assert snapshot(s.draft_a) == before

    def test_publishing_a_published_story_again_is_409(self, api, showcase):
        s = showcase
        before = snapshot(s.featured_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.featured_a, "publish"), {}, format="json"
        )
        refused(response, 409)
        assert snapshot(s.featured_a) == before

    def test_the_author_cannot_submit_a_published_story_409(self, api, showcase):
        s = showcase
        before = snapshot(s.featured_a)
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.featured_a, "submit"), {}, format="json"
        )
        refused(response, 409)
        assert snapshot(s.featured_a) == before

    def test_publishing_an_archived_story_republishes_it_with_its_date(self, api, showcase):
        s = showcase
        first_published = s.archived_a.published_on
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.archived_a, "publish"), {}, format="json"
        )
        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["featured"]) == ("published", False)
        fresh = Story.objects.get(pk=s.archived_a.pk)
        assert (fresh.status, fresh.published_on) == ("published", first_published)
        assert s.archived_a.pk in ids(sign_in(api, s, "worker_b").get(STORIES))

    def test_archiving_takes_a_story_off_the_home_pages_and_out_of_workers_sight(
        self, api, showcase
    ):
        s = showcase
        response = sign_in(api, s, "official_a").post(
            url(STORIES, s.featured_a, "archive"), {}, format="json"
        )
        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["featured"]) == ("archived", False)
        refused(sign_in(api, s, "worker_a").get(url(STORIES, s.featured_a)), 404)
