"""The showcase services for submitting, sending back, publishing, archiving
and featuring a story."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from core.exceptions import Conflict
from showcase import services
from showcase.models import Story
from tests.roles import person
from tests.showcase.conftest import days_ago, make_story
from tests.showcase.services import (
    fresh,
    media_root,  # noqa: F401 - autouse fixture
    moves,
    mp3,
    snapshot,
)

pytestmark = pytest.mark.django_db

Status = Story.Status


# --- Submitting and sending back ----------------------------------------------------------


class TestReview:
    def test_the_author_submits_their_draft(self, showcase):
        s = showcase
        services.story_submit(story_id=s.draft_a.pk, by=s.studios.lead_a)
        story = fresh(s.draft_a)
        assert story.status == Status.IN_REVIEW
        assert story.status_changed_at is not None
        assert moves(story) == [("", Status.DRAFT), (Status.DRAFT, Status.IN_REVIEW)]

    def test_an_official_submits_their_own_draft_for_review(self, showcase):
        s = showcase
        story = make_story(s.org.official_a, studios=[s.studios.dust])
        services.story_submit(story_id=story.pk, by=s.org.official_a)
        assert fresh(story).status == Status.IN_REVIEW

    def test_an_official_sends_a_story_back_with_the_reason_on_the_event(self, showcase):
        s = showcase
        services.story_return(story_id=s.in_review_a.pk, by=s.org.official_a, reason="  补充数据 ")
        story = fresh(s.in_review_a)
        assert story.status == Status.DRAFT
        last = story.events.order_by("-at", "-id").first()
        assert (last.from_state, last.to_state) == (Status.IN_REVIEW, Status.DRAFT)
        assert (last.actor, last.note) == (s.org.official_a, "补充数据")

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_sending_back_without_a_reason_is_refused(self, showcase, reason):
        s = showcase
        before = snapshot(s.in_review_a)
        with pytest.raises(ValidationError) as refused:
            services.story_return(story_id=s.in_review_a.pk, by=s.org.official_a, reason=reason)
        assert set(refused.value.message_dict) == {"reason"}
        assert snapshot(s.in_review_a) == before

    def test_a_full_life_writes_one_event_per_move(self, showcase):
        s = showcase
        lead, official = s.studios.lead_a, s.org.official_a
        story = make_story(lead, people=[s.studios.member_a], studios=[s.studios.dust])
        services.story_submit(story_id=story.pk, by=lead)
        services.story_return(story_id=story.pk, by=official, reason="补充照片")
        services.story_submit(story_id=story.pk, by=lead)
        services.story_publish(story_id=story.pk, by=official)
        services.story_archive(story_id=story.pk, by=official)
        services.story_publish(story_id=story.pk, by=s.org.group_official)
        assert moves(story) == [
            ("", Status.DRAFT),
            (Status.DRAFT, Status.IN_REVIEW),
            (Status.IN_REVIEW, Status.DRAFT),
            (Status.DRAFT, Status.IN_REVIEW),
            (Status.IN_REVIEW, Status.PUBLISHED),
            (Status.PUBLISHED, Status.ARCHIVED),
            (Status.ARCHIVED, Status.PUBLISHED),
        ]
        actors = list(fresh(story).events.order_by("at", "id").values_list("actor", flat=True))
        assert actors == [
            lead.pk,
            lead.pk,
            official.pk,
            lead.pk,
            official.pk,
            official.pk,
            s.org.group_official.pk,
        ]


# --- Publishing ----------------------------------------------------------------------------


class TestPublish:
    def test_the_date_defaults_to_today(self, showcase):
        s = showcase
        services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_a)
        story = fresh(s.in_review_a)
        assert (story.status, story.published_on) == (Status.PUBLISHED, timezone.localdate())
        assert moves(story)[-1] == (Status.IN_REVIEW, Status.PUBLISHED)

    def test_an_earlier_date_is_kept(self, showcase):
        s = showcase
        services.story_publish(
            story_id=s.in_review_a.pk, by=s.org.official_a, published_on=days_ago(30)
        )
        assert fresh(s.in_review_a).published_on == days_ago(30)

    def test_an_official_publishes_their_own_draft_at_once(self, showcase):
        s = showcase
        story = make_story(s.org.official_a, studios=[s.studios.dust])
        services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert moves(story) == [("", Status.DRAFT), (Status.DRAFT, Status.PUBLISHED)]

    def test_a_leads_draft_is_not_published_before_the_lead_submits_it(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(Conflict):
            services.story_publish(story_id=s.draft_a.pk, by=s.org.official_a)
        assert snapshot(s.draft_a) == before

    def test_a_date_that_has_not_come_is_refused(self, showcase):
        s = showcase
        before = snapshot(s.in_review_a)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as refused:
            services.story_publish(
                story_id=s.in_review_a.pk, by=s.org.official_a, published_on=tomorrow
            )
        assert set(refused.value.message_dict) == {"published_on"}
        assert snapshot(s.in_review_a) == before

    @pytest.mark.parametrize("body", ["", "  \n\t "])
    def test_an_empty_story_is_refused(self, showcase, body):
        s = showcase
        # given a draft without text, media link or file
        story = make_story(s.org.official_a, studios=[s.studios.dust], body=body)
        before = snapshot(story)
        with pytest.raises(ValidationError) as refused:
            services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert set(refused.value.message_dict) == {"body"}
        assert snapshot(story) == before

    def test_a_media_link_alone_is_enough(self, showcase):
        s = showcase
        story = make_story(
            s.org.official_a,
            studios=[s.studios.dust],
            body="",
            media_link="https://video.intranet.example/dust.mp4",
        )
        services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert fresh(story).status == Status.PUBLISHED

    def test_a_file_alone_is_enough(self, showcase):
        s = showcase
        story = make_story(
            s.org.official_a, form=Story.Form.SONG, studios=[s.studios.dust], body=""
        )
        services.story_attach(record=story, by=s.org.official_a, upload=mp3())
        services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert fresh(story).status == Status.PUBLISHED

    def test_republishing_an_archived_story_keeps_its_first_date(self, showcase):
        s = showcase
        first = fresh(s.archived_a).published_on
        services.story_publish(story_id=s.archived_a.pk, by=s.org.official_a)
        story = fresh(s.archived_a)
        assert (story.status, story.published_on) == (Status.PUBLISHED, first)
        assert moves(story)[-1] == (Status.ARCHIVED, Status.PUBLISHED)

    def test_an_official_of_another_company_cannot_find_the_draft(self, showcase):
        s = showcase
        before = snapshot(s.in_review_a)
        with pytest.raises(Http404):
            services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_b)
        assert snapshot(s.in_review_a) == before

    def test_a_story_that_does_not_exist_is_404(self, showcase):
        with pytest.raises(Http404):
            services.story_publish(story_id=99_999_999, by=showcase.org.admin)


# --- Archiving and featuring ----------------------------------------------------------------


class TestArchiveAndFeature:
    def test_archiving_takes_a_story_off_the_home_page(self, showcase):
        s = showcase
        assert fresh(s.featured_a).featured
        services.story_archive(story_id=s.featured_a.pk, by=s.org.official_a)
        story = fresh(s.featured_a)
        assert (story.status, story.featured) == (Status.ARCHIVED, False)
        assert moves(story)[-1] == (Status.PUBLISHED, Status.ARCHIVED)

    def test_republishing_does_not_feature_the_story_again(self, showcase):
        s = showcase
        services.story_archive(story_id=s.featured_a.pk, by=s.org.official_a)
        services.story_publish(story_id=s.featured_a.pk, by=s.org.official_a)
        assert fresh(s.featured_a).featured is False

    def test_an_official_features_and_unfeatures_a_published_story(self, showcase):
        s = showcase
        services.story_feature(story_id=s.published_b.pk, by=s.org.official_b, featured=True)
        assert fresh(s.published_b).featured is True
        services.story_feature(story_id=s.published_b.pk, by=s.org.group_official, featured=False)
        assert fresh(s.published_b).featured is False

    @pytest.mark.parametrize("role", ["lead_a", "worker_a", "official_b"])
    def test_who_does_not_run_the_story_may_not_feature_it(self, showcase, role):
        s = showcase
        before = snapshot(s.featured_a)
        with pytest.raises(PermissionDenied):
            services.story_feature(story_id=s.featured_a.pk, by=person(s, role), featured=False)
        assert snapshot(s.featured_a) == before

    def test_the_lead_may_not_publish_or_archive_their_own_story(self, showcase):
        s = showcase
        lead = s.studios.lead_a
        before = snapshot(s.in_review_a)
        with pytest.raises(PermissionDenied):
            services.story_publish(story_id=s.in_review_a.pk, by=lead)
        assert snapshot(s.in_review_a) == before
        services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_a)
        before = snapshot(s.in_review_a)
        with pytest.raises(PermissionDenied):
            services.story_archive(story_id=s.in_review_a.pk, by=lead)
        with pytest.raises(PermissionDenied):
            services.story_feature(story_id=s.in_review_a.pk, by=lead, featured=True)
        assert snapshot(s.in_review_a) == before
