"""The showcase services for creating and editing a story and attaching media."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from core import attachments
from core.exceptions import Conflict
from core.models import Attachment
from showcase import services
from showcase.models import Story, StoryEvent
from studios import services as studio_services
from studios.models import Membership
from tests.roles import person
from tests.showcase.conftest import make_story
from tests.showcase.services import (
    MP3,
    MP4,
    fresh,
    media_root,  # noqa: F401 - autouse fixture
    moves,
    mp3,
    mp4,
    snapshot,
)

pytestmark = pytest.mark.django_db

Status = Story.Status

# A Windows program (its "MZ" header) renamed to look like a video.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 1000


# --- Creating a story -------------------------------------------------------------------


class TestStoryCreate:
    def test_an_official_drafts_a_story_in_their_unit_with_one_creation_event(self, showcase):
        s = showcase
        # when company A's official drafts a story about the dust studio's leader
        story = make_story(s.org.official_a, people=[s.studios.lead_a], studios=[s.studios.dust])
        # then it is a draft of theirs in the studio's unit, about those subjects
        story = fresh(story)
        assert (story.status, story.author, story.featured) == (
            Status.DRAFT,
            s.org.official_a,
            False,
        )
        assert story.published_on is None
        assert story.org_unit == s.studios.dust.org_unit
        assert list(story.people.all()) == [s.studios.lead_a]
        assert list(story.studios.all()) == [s.studios.dust]
        assert moves(story) == [("", Status.DRAFT)]
        assert story.events.get().actor == s.org.official_a

    def test_an_official_may_file_the_story_under_a_unit_they_manage(self, showcase):
        s = showcase
        story = make_story(s.org.official_a, studios=[s.studios.dust], org_unit=s.org.company_a)
        assert fresh(story).org_unit == s.org.company_a

    def test_an_official_may_not_file_a_story_under_another_companys_unit(self, showcase):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.official_a, studios=[s.studios.dust], org_unit=s.org.company_b)
        assert set(refused.value.message_dict) == {"org_unit"}
        assert Story.objects.count() == count

    def test_the_group_official_writes_about_both_companies(self, showcase):
        s = showcase
        story = make_story(
            s.org.group_official,
            people=[s.studios.lead_a, s.studios.lead_b],
            studios=[s.studios.dust, s.studios.turbine],
        )
        assert set(fresh(story).people.all()) == {s.studios.lead_a, s.studios.lead_b}

    @pytest.mark.parametrize(
        ("field", "subjects"),
        [
            ("people", lambda s: {"people": [s.studios.lead_b], "studios": [s.studios.dust]}),
            ("studios", lambda s: {"people": [s.studios.lead_a], "studios": [s.studios.turbine]}),
        ],
    )
    def test_an_official_may_not_write_about_another_companys_people_or_studios(
        self, showcase, field, subjects
    ):
        s = showcase
        count, events = Story.objects.count(), StoryEvent.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.official_a, **subjects(s))
        assert set(refused.value.message_dict) == {field}
        assert (Story.objects.count(), StoryEvent.objects.count()) == (count, events)

    def test_a_lead_drafts_about_their_studio_and_its_member(self, showcase):
        s = showcase
        story = make_story(s.studios.lead_a, people=[s.studios.member_a], studios=[s.studios.dust])
        story = fresh(story)
        assert (story.status, story.author) == (Status.DRAFT, s.studios.lead_a)
        assert story.org_unit == s.studios.dust.org_unit
        assert moves(story) == [("", Status.DRAFT)]

    def test_a_lead_may_name_themself(self, showcase):
        s = showcase
        story = make_story(s.studios.lead_a, people=[s.studios.lead_a], studios=[s.studios.dust])
        assert list(fresh(story).people.all()) == [s.studios.lead_a]

    @pytest.mark.parametrize(
        ("field", "subjects"),
        [
            # a colleague of the same company who is no member of the lead's studio
            ("people", lambda s: {"people": [s.org.colleague_a], "studios": [s.studios.dust]}),
            # a studio of the same company that someone else leads
            ("studios", lambda s: {"people": [s.studios.lead_a], "studios": [s.studios.washing]}),
            ("studios", lambda s: {"people": [], "studios": [s.studios.turbine]}),
            ("people", lambda s: {"people": [s.studios.lead_b], "studios": [s.studios.dust]}),
            # people only: the story needs the lead's studio
            ("studios", lambda s: {"people": [s.studios.member_a], "studios": []}),
            # nobody at all
            ("people", lambda s: {"people": [], "studios": []}),
        ],
    )
    def test_a_lead_may_write_only_about_their_studio_and_its_current_members(
        self, showcase, field, subjects
    ):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.studios.lead_a, **subjects(s))
        assert set(refused.value.message_dict) == {field}
        assert Story.objects.count() == count

    def test_a_lead_may_not_write_about_a_member_who_has_left(self, showcase):
        s = showcase
        # given member_a has left the dust studio
        membership = Membership.objects.get(studio=s.studios.dust, person=s.studios.member_a)
        studio_services.membership_end(membership_id=membership.pk, by=s.studios.lead_a)
        # when the lead drafts a story about them, then the person is refused
        with pytest.raises(ValidationError) as refused:
            make_story(s.studios.lead_a, people=[s.studios.member_a], studios=[s.studios.dust])
        assert set(refused.value.message_dict) == {"people"}

    def test_a_lead_may_not_choose_the_unit(self, showcase):
        s = showcase
        with pytest.raises(ValidationError) as refused:
            make_story(s.studios.lead_a, studios=[s.studios.dust], org_unit=s.org.company_a)
        assert set(refused.value.message_dict) == {"org_unit"}

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "member_a"])
    def test_who_neither_leads_a_studio_nor_is_an_official_may_not_draft(self, showcase, role):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(PermissionDenied):
            make_story(person(s, role), people=[s.studios.member_a], studios=[s.studios.dust])
        assert Story.objects.count() == count

    def test_the_lead_of_another_studio_may_not_write_about_this_one(self, showcase):
        s = showcase
        # colleague_a leads the washing studio, in the same company as the dust studio
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.colleague_a, people=[s.studios.lead_a], studios=[s.studios.dust])
        assert set(refused.value.message_dict) == {"studios"}

    def test_a_lead_whose_studio_is_revoked_may_no_longer_draft(self, showcase):
        s = showcase
        studio_services.studio_change_status(
            studio_id=s.studios.dust.pk,
            by=s.org.group_official,
            status="revoked",
            reason="考核不合格",
        )
        with pytest.raises(PermissionDenied):
            make_story(s.studios.lead_a, people=[s.studios.lead_a], studios=[s.studios.dust])

    def test_a_draft_with_an_unknown_form_is_refused(self, showcase):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.official_a, form="limerick", studios=[s.studios.dust])
        assert "form" in refused.value.message_dict
        assert Story.objects.count() == count


# --- Editing ----------------------------------------------------------------------------


class TestStoryUpdate:
    def test_the_author_edits_their_draft_and_its_subjects(self, showcase):
        s = showcase
        before = fresh(s.draft_a).updated_at
        story = services.story_update(
            story_id=s.draft_a.pk,
            by=s.studios.lead_a,
            title="师徒三代",
            body="新的正文",
            people=[s.studios.lead_a, s.studios.member_a],
        )
        story = fresh(story)
        assert (story.title, story.body, story.status) == ("师徒三代", "新的正文", Status.DRAFT)
        assert set(story.people.all()) == {s.studios.lead_a, s.studios.member_a}
        assert story.updated_at > before
        assert moves(story) == [("", Status.DRAFT)]  # an edit is no move

    def test_the_lead_may_not_edit_once_the_story_is_in_review(self, showcase):
        s = showcase
        before = snapshot(s.in_review_a)
        with pytest.raises(Conflict):
            services.story_update(story_id=s.in_review_a.pk, by=s.studios.lead_a, title="再改")
        assert snapshot(s.in_review_a) == before

    def test_the_lead_edits_again_once_the_story_is_sent_back(self, showcase):
        s = showcase
        services.story_return(story_id=s.in_review_a.pk, by=s.org.official_a, reason="太短")
        services.story_update(story_id=s.in_review_a.pk, by=s.studios.lead_a, title="再改")
        assert fresh(s.in_review_a).title == "再改"

    @pytest.mark.parametrize("field", ["status", "featured", "author", "published_on", "org_unit"])
    def test_fields_that_move_only_through_actions_are_refused(self, showcase, field):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(story_id=s.draft_a.pk, by=s.org.official_a, **{field: None})
        assert set(refused.value.message_dict) == {field}
        assert snapshot(s.draft_a) == before

    def test_a_lead_may_not_name_someone_outside_their_studio(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(
                story_id=s.draft_a.pk, by=s.studios.lead_a, people=[s.org.colleague_a]
            )
        assert set(refused.value.message_dict) == {"people"}
        assert snapshot(s.draft_a) == before

    def test_an_official_may_not_name_someone_of_another_company(self, showcase):
        s = showcase
        before = snapshot(s.featured_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(
                story_id=s.featured_a.pk, by=s.org.official_a, people=[s.org.worker_b]
            )
        assert set(refused.value.message_dict) == {"people"}
        assert snapshot(s.featured_a) == before

    def test_a_refused_edit_keeps_the_new_subjects_out_too(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        # valid people, but a title longer than 200 characters
        with pytest.raises(ValidationError) as refused:
            services.story_update(
                story_id=s.draft_a.pk,
                by=s.studios.lead_a,
                title="长" * 201,
                people=[s.studios.lead_a],
            )
        assert set(refused.value.message_dict) == {"title"}
        assert snapshot(s.draft_a) == before

    def test_a_malformed_media_link_is_refused(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(story_id=s.draft_a.pk, by=s.studios.lead_a, media_link="视频")
        assert set(refused.value.message_dict) == {"media_link"}
        assert snapshot(s.draft_a) == before


# --- Media -----------------------------------------------------------------------------------


class TestAttach:
    def test_the_author_attaches_a_video_and_a_recording(self, showcase):
        s = showcase
        video = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp4())
        audio = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert (video.mime_type, video.size, video.original_name) == (
            "video/mp4",
            len(MP4),
            "现场.mp4",
        )
        assert (audio.mime_type, audio.size, audio.original_name) == (
            "audio/mpeg",
            len(MP3),
            "快板.mp3",
        )
        stored = attachments.attachments_of(fresh(s.draft_a))
        assert set(stored.values_list("pk", flat=True)) == {video.pk, audio.pk}
        assert {a.uploaded_by for a in stored} == {s.studios.lead_a}
        with stored.get(pk=video.pk).file.open("rb") as handle:
            assert handle.read() == MP4

    def test_a_file_over_the_story_limit_is_refused(self, showcase, settings):
        s = showcase
        settings.STORY_MEDIA_MAX_BYTES = len(MP3) - 1
        with pytest.raises(ValidationError) as refused:
            services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert set(refused.value.message_dict) == {"file"}
        assert not Attachment.objects.exists()

    def test_a_file_at_the_story_limit_is_accepted(self, showcase, settings):
        s = showcase
        settings.STORY_MEDIA_MAX_BYTES = len(MP3)
        services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert Attachment.objects.count() == 1

    def test_the_story_limit_is_larger_than_the_ordinary_one(self, showcase, settings):
        s = showcase
        settings.UPLOAD_MAX_BYTES = len(MP4) - 1
        settings.STORY_MEDIA_MAX_BYTES = len(MP4)
        services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp4())
        assert Attachment.objects.count() == 1

    @pytest.mark.parametrize(
        "upload",
        [
            lambda: SimpleUploadedFile("病毒.mp4", EXE, content_type="video/mp4"),
            lambda: SimpleUploadedFile(
                "说明.mp3", "纯文本".encode() * 100, content_type="audio/mpeg"
            ),
        ],
        ids=["exe-renamed-mp4", "text-renamed-mp3"],
    )
    def test_a_file_that_only_pretends_to_be_media_is_refused(self, showcase, upload):
        s = showcase
        with pytest.raises(ValidationError) as refused:
            services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=upload())
        assert set(refused.value.message_dict) == {"file"}
        assert not Attachment.objects.exists()

    def test_the_same_recording_is_refused_on_a_record_that_is_not_a_story(self, showcase):
        s = showcase
        # given the recording is accepted on a story
        services.story_attach(record=s.draft_a, by=s.org.official_a, upload=mp3())
        # when the same bytes are attached to a studio the ordinary way
        with pytest.raises(ValidationError) as refused:
            attachments.attachment_create(owner=s.studios.dust, upload=mp3(), by=s.org.official_a)
        # then audio is no document or photo
        assert set(refused.value.message_dict) == {"file"}
        assert attachments.attachments_of(s.studios.dust).count() == 0
        assert Attachment.objects.count() == 1

    def test_a_worker_cannot_attach_to_a_draft_they_cannot_see(self, showcase):
        with pytest.raises(Http404):
            services.story_attach(record=showcase.draft_a, by=showcase.org.worker_a, upload=mp4())
        assert not Attachment.objects.exists()
