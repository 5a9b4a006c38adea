"""The stories API for writing: creating and editing a story, valid and invalid,
and its attachments."""

import pytest
from rest_framework.authtoken.models import Token

from core.models import Attachment
from showcase import services
from showcase.models import STORY_BODY_MAX_CHARS, Story
from tests.api_answers import field_errors, refused, url
from tests.roles import person
from tests.showcase.api import (
    ATTACHMENTS,
    EVERY_STORY,
    MP3,
    MP4,
    STORIES,
    mp3,
    mp4,
    sign_in,
    snapshot,
    story_body,
    upload,
)

pytestmark = pytest.mark.django_db


# --- Creating -----------------------------------------------------------------------


def creation(s, role: str) -> tuple[dict, str]:
    """A story each writer may draft, and the unit it should land in."""
    org, st = s.org, s.studios
    return {
        # a lead: their own studio and its member; the story lands in the studio's unit
        "lead_a": (story_body(s), "A101"),
        # an official: someone in their units, filed under the unit they choose
        "official_a": (
            story_body(s, people_ids=[org.worker_a.pk], studio_ids=[], org_unit_id=org.mine_a1.pk),
            "A1",
        ),
        "official_b": (
            story_body(s, people_ids=[st.lead_b.pk], studio_ids=[st.turbine.pk]),
            "B101",
        ),
        "group_official": (
            story_body(
                s, people_ids=[org.worker_b.pk], studio_ids=[], org_unit_id=org.company_b.pk
            ),
            "B",
        ),
        "admin": (story_body(s, people_ids=[org.worker_a.pk], studio_ids=[st.washing.pk]), "A102"),
    }[role]


class TestStoryCreate:
    @pytest.mark.parametrize(
        "role", ["lead_a", "official_a", "official_b", "group_official", "admin"]
    )
    def test_leads_and_officials_draft_a_story(self, api, showcase, role):
        s = showcase
        body, unit = creation(s, role)
        response = sign_in(api, s, role).post(STORIES, body, format="json")
        assert response.status_code == 201, response.content
        created = response.json()
        story = Story.objects.get(pk=created["id"])
        assert (story.status, story.author, story.org_unit.code) == ("draft", person(s, role), unit)
        assert (story.title, story.form, story.creator) == (
            body["title"],
            "reportage",
            "工会宣传部",
        )
        assert set(story.people.values_list("pk", flat=True)) == set(body["people_ids"])
        assert set(story.studios.values_list("pk", flat=True)) == set(body["studio_ids"])
        assert (created["status"], created["featured"], created["published_on"]) == (
            "draft",
            False,
            None,
        )
        assert created["org_unit"]["code"] == unit
        assert [row["id"] for row in created["people"]] == body["people_ids"]
        assert created["body"] == body["body"]
        assert "<h2>井下</h2>" in created["body_html"]
        events = list(story.events.values_list("from_state", "to_state", "actor"))
        assert events == [("", "draft", person(s, role).pk)]

    @pytest.mark.parametrize(
        ("role", "about"),
        [("worker_a", "colleague_a"), ("worker_b", "lead_b"), ("member_a", "worker_a")],
    )
    def test_those_who_neither_lead_a_studio_nor_are_officials_get_403(
        self, api, showcase, role, about
    ):
        s = showcase
        # a body they may send (a person of their own company): the right is what fails
        body = story_body(s, people_ids=[person(s, about).pk], studio_ids=[])
        refused(sign_in(api, s, role).post(STORIES, body, format="json"), 403)
        assert Story.objects.count() == len(EVERY_STORY)

    def test_status_featured_and_date_sent_on_create_are_refused(self, api, showcase):
        s = showcase
        count = Story.objects.count()
        body = story_body(s, status="published", featured=True, published_on="2020-01-01")
        response = sign_in(api, s, "official_a").post(STORIES, body, format="json")
        assert set(field_errors(response)) == {"status", "featured", "published_on"}
        assert Story.objects.count() == count


class TestStoryCreateInvalid:
    @pytest.mark.parametrize("field", ["title", "form", "creator"])
    def test_missing_title_form_or_creator_is_400_on_that_field(self, api, showcase, field):
        s = showcase
        body = story_body(s)
        del body[field]
        errors = field_errors(sign_in(api, s, "lead_a").post(STORIES, body, format="json"))
        assert set(errors) == {field}
        assert Story.objects.count() == len(EVERY_STORY)

    @pytest.mark.parametrize("field", ["title", "creator"])
    def test_blank_title_or_creator_is_400(self, api, showcase, field):
        s = showcase
        body = story_body(s, **{field: "   "})
        errors = field_errors(sign_in(api, s, "lead_a").post(STORIES, body, format="json"))
        assert set(errors) == {field}

    @pytest.mark.parametrize("form", ["poem", "REPORTAGE", "", 7])
    def test_unknown_form_code_is_400(self, api, showcase, form):
        s = showcase
        body = story_body(s, form=form)
        errors = field_errors(sign_in(api, s, "lead_a").post(STORIES, body, format="json"))
        assert set(errors) == {"form"}
        assert Story.objects.count() == len(EVERY_STORY)

    @pytest.mark.parametrize(
        ("role", "about"),
        [
            ("lead_a", "worker_b"),  # another company: not even visible
            ("lead_a", "worker_a"),  # same company, but not a member of the lead's studio
            ("lead_a", "lead_b"),
            ("official_b", "worker_a"),
            ("official_a", "worker_b"),
            ("official_a", "group_official"),  # above company A's units
        ],
    )
    def test_people_outside_the_writers_reach_are_400_on_people_ids(
        self, api, showcase, role, about
    ):
        s = showcase
        studios = [s.studios.dust.pk] if role == "lead_a" else []
        body = story_body(s, people_ids=[person(s, about).pk], studio_ids=studios)
        errors = field_errors(sign_in(api, s, role).post(STORIES, body, format="json"))
        assert set(errors) == {"people_ids"}
        assert Story.objects.count() == len(EVERY_STORY)

    @pytest.mark.parametrize(
        ("role", "studio"),
        [
            ("lead_a", "washing"),  # company A's, led by colleague_a
            ("lead_a", "turbine"),  # company B's
            ("official_b", "dust"),
            ("official_a", "turbine"),
        ],
    )
    def test_a_studio_outside_the_writers_reach_is_400_on_studio_ids(
        self, api, showcase, role, studio
    ):
        s = showcase
        body = story_body(s, people_ids=[], studio_ids=[getattr(s.studios, studio).pk])
        errors = field_errors(sign_in(api, s, role).post(STORIES, body, format="json"))
        assert set(errors) == {"studio_ids"}
        assert Story.objects.count() == len(EVERY_STORY)

    def test_a_lead_must_name_the_studio_they_lead(self, api, showcase):
        s = showcase
        body = story_body(s, studio_ids=[])
        errors = field_errors(sign_in(api, s, "lead_a").post(STORIES, body, format="json"))
        assert set(errors) == {"studio_ids"}

    def test_a_story_about_nobody_is_400(self, api, showcase):
        s = showcase
        body = story_body(s, people_ids=[], studio_ids=[], org_unit_id=s.org.company_a.pk)
        errors = field_errors(sign_in(api, s, "official_a").post(STORIES, body, format="json"))
        assert set(errors) == {"people_ids"}

    @pytest.mark.parametrize(
        ("role", "unit"), [("official_b", "company_a"), ("lead_a", "team_a101")]
    )
    def test_a_unit_the_writer_may_not_file_under_is_400_on_org_unit_id(
        self, api, showcase, role, unit
    ):
        s = showcase
        people = [s.studios.lead_b.pk] if role == "official_b" else [s.studios.member_a.pk]
        studios = [] if role == "official_b" else [s.studios.dust.pk]
        body = story_body(
            s, people_ids=people, studio_ids=studios, org_unit_id=getattr(s.org, unit).pk
        )
        errors = field_errors(sign_in(api, s, role).post(STORIES, body, format="json"))
        assert set(errors) == {"org_unit_id"}
        assert Story.objects.count() == len(EVERY_STORY)

    def test_a_body_one_character_over_the_limit_is_400(self, api, showcase):
        s = showcase
        body = story_body(s, body="字" * (STORY_BODY_MAX_CHARS + 1))
        errors = field_errors(sign_in(api, s, "lead_a").post(STORIES, body, format="json"))
        assert set(errors) == {"body"}
        assert Story.objects.count() == len(EVERY_STORY)

    def test_a_body_at_the_limit_is_accepted(self, api, showcase):
        s = showcase
        body = story_body(s, body="字" * STORY_BODY_MAX_CHARS)
        response = sign_in(api, s, "lead_a").post(STORIES, body, format="json")
        assert response.status_code == 201, response.content
        assert len(Story.objects.get(pk=response.json()["id"]).body) == STORY_BODY_MAX_CHARS

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", "字" * 201),
            ("summary", "字" * 301),
            ("creator", "字" * 121),
            ("title", "粉尘\x00克星"),
            ("body", "正文\x00"),
            ("media_link", "javascript:alert(1)"),
            ("media_link", "不是链接"),
        ],
    )
    def test_overlong_text_nul_characters_and_bad_links_are_400(self, api, showcase, field, value):
        s = showcase
        body = story_body(s, **{field: value})
        errors = field_errors(sign_in(api, s, "lead_a").post(STORIES, body, format="json"))
        assert set(errors) == {field}
        assert Story.objects.count() == len(EVERY_STORY)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("people_ids", [99999999999999999999]),
            ("people_ids", ["1e400"]),
            ("people_ids", "abc"),
            ("studio_ids", [-1]),
            ("org_unit_id", "1e400"),
            ("org_unit_id", 99999999999999999999),
        ],
    )
    def test_absurd_ids_are_400_not_500(self, api, showcase, field, value):
        s = showcase
        body = story_body(s, **{field: value})
        errors = field_errors(sign_in(api, s, "official_a").post(STORIES, body, format="json"))
        assert set(errors) == {field}


# --- Editing ------------------------------------------------------------------------

# Who may PATCH which story: the author while it is a draft; the officials over it
# until it is archived; readers who do not write it 403; those who cannot see it 404.
PATCH_EXPECTED = {
    "draft_a": {
        "lead_a": 200,
        "official_a": 200,
        "group_official": 200,
        "admin": 200,
        "worker_a": 404,
        "worker_b": 404,
        "member_a": 404,
        "official_b": 404,
    },
    "in_review_a": {
        "lead_a": 409,
        "official_a": 200,
        "group_official": 200,
        "admin": 200,
        "worker_a": 404,
        "worker_b": 404,
        "official_b": 404,
    },
    "featured_a": {
        "official_a": 200,
        "group_official": 200,
        "admin": 200,
        "lead_a": 403,
        "worker_a": 403,
        "worker_b": 403,
        "official_b": 403,
    },
    "archived_a": {
        "official_a": 409,
        "group_official": 409,
        "admin": 409,
        "lead_a": 404,
        "worker_a": 404,
        "worker_b": 404,
        "official_b": 404,
    },
}


class TestStoryUpdate:
    @pytest.mark.parametrize(
        ("story", "role", "status"),
        [
            (story, role, status)
            for story, roles in PATCH_EXPECTED.items()
            for role, status in roles.items()
        ],
    )
    def test_patch_by_every_role(self, api, showcase, story, role, status):
        s = showcase
        record = getattr(s, story)
        before = snapshot(record)
        response = sign_in(api, s, role).patch(
            url(STORIES, record), {"title": "改过的标题", "summary": "新摘要"}, format="json"
        )
        if status == 200:
            assert response.status_code == 200, response.content
            assert (response.json()["title"], response.json()["summary"]) == (
                "改过的标题",
                "新摘要",
            )
            fresh = Story.objects.get(pk=record.pk)
            assert (fresh.title, fresh.summary, fresh.status) == (
                "改过的标题",
                "新摘要",
                record.status,
            )
        else:
            refused(response, status)
            assert snapshot(record) == before

    def test_author_changes_whom_their_draft_is_about(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {"people_ids": [s.studios.lead_a.pk]}, format="json"
        )
        assert response.status_code == 200, response.content
        assert [row["id"] for row in response.json()["people"]] == [s.studios.lead_a.pk]
        assert list(s.draft_a.people.values_list("pk", flat=True)) == [s.studios.lead_a.pk]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("people_ids", "worker_b"),
            ("people_ids", "worker_a"),
            ("studio_ids", "washing"),
            ("studio_ids", "turbine"),
        ],
    )
    def test_patching_in_people_or_studios_outside_reach_is_400(self, api, showcase, field, value):
        s = showcase
        before = snapshot(s.draft_a)
        target = getattr(s.studios, value) if hasattr(s.studios, value) else getattr(s.org, value)
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {field: [target.pk], "title": "改"}, format="json"
        )
        assert set(field_errors(response)) == {field}
        assert snapshot(s.draft_a) == before

    def test_the_unit_is_not_changed_by_patch(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "official_a").patch(
            url(STORIES, s.draft_a), {"org_unit_id": s.org.team_a102.pk}, format="json"
        )
        assert set(field_errors(response)) == {"org_unit_id"}
        assert snapshot(s.draft_a) == before

    def test_status_featured_and_date_cannot_be_patched(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "official_a").patch(
            url(STORIES, s.draft_a),
            {"status": "published", "featured": True, "published_on": "2020-01-01"},
            format="json",
        )
        # read-only fields: refused, each named, never written
        assert set(field_errors(response)) == {"status", "featured", "published_on"}
        fresh = Story.objects.get(pk=s.draft_a.pk)
        assert (fresh.status, fresh.featured, fresh.published_on) == ("draft", False, None)
        assert snapshot(s.draft_a)[:12] == before[:12]

    def test_patching_an_oversized_body_is_400(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {"body": "a" * (STORY_BODY_MAX_CHARS + 1)}, format="json"
        )
        assert set(field_errors(response)) == {"body"}
        assert snapshot(s.draft_a) == before

    @pytest.mark.parametrize("field", ["title", "creator"])
    def test_patching_a_blank_title_or_creator_is_400(self, api, showcase, field):
        s = showcase
        before = snapshot(s.draft_a)
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {field: ""}, format="json"
        )
        assert set(field_errors(response)) == {field}
        assert snapshot(s.draft_a) == before


# --- Attachments --------------------------------------------------------------------

# Who may add a file to which story: its writers (the author while it is a draft,
# the officials over it until it is archived); readers 403; others 404.
ATTACH_EXPECTED = [
    ("draft_a", "lead_a", 201),
    ("draft_a", "official_a", 201),
    ("draft_a", "admin", 201),
    ("draft_a", "worker_a", 404),
    ("draft_a", "member_a", 404),
    ("draft_a", "official_b", 404),
    ("featured_a", "official_a", 201),
    ("featured_a", "group_official", 201),
    ("featured_a", "worker_a", 403),
    ("featured_a", "worker_b", 403),
    ("featured_a", "lead_a", 403),
    ("featured_a", "official_b", 403),
    ("in_review_a", "lead_a", 409),
    ("in_review_a", "official_a", 201),
    ("archived_a", "official_a", 409),
    ("archived_a", "worker_a", 404),
]


class TestStoryAttachments:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def test_the_author_attaches_a_video_and_a_recording_to_their_draft(self, api, showcase):
        s = showcase
        sign_in(api, s, "lead_a")
        video = api.post(
            url(STORIES, s.draft_a, "attachments"), {"file": mp4()}, format="multipart"
        )
        assert video.status_code == 201, video.content
        assert (video.json()["mime_type"], video.json()["size"]) == ("video/mp4", len(MP4))
        assert video.json()["name"] == "现场.mp4"
        recording = api.post(
            url(STORIES, s.draft_a, "attachments"), {"file": mp3()}, format="multipart"
        )
        assert recording.status_code == 201, recording.content
        assert recording.json()["mime_type"] == "audio/mpeg"
        listed = api.get(url(STORIES, s.draft_a, "attachments"))
        assert listed.status_code == 200, listed.content
        assert sorted(row["name"] for row in listed.json()) == ["快板.mp3", "现场.mp4"]
        assert Attachment.objects.filter(object_id=s.draft_a.pk).count() == 2

    @pytest.mark.parametrize(("story", "role", "status"), ATTACH_EXPECTED)
    def test_who_may_attach_to_which_story(self, api, showcase, story, role, status):
        s = showcase
        record = getattr(s, story)
        response = sign_in(api, s, role).post(
            url(STORIES, record, "attachments"), {"file": mp4()}, format="multipart"
        )
        if status == 201:
            assert response.status_code == 201, response.content
            assert Attachment.objects.filter(object_id=record.pk).count() == 1
        else:
            refused(response, status)
            assert not Attachment.objects.exists()

    def test_a_file_over_the_story_media_limit_is_400(self, api, showcase, settings):
        s = showcase
        settings.STORY_MEDIA_MAX_BYTES = len(MP4) - 1
        response = sign_in(api, s, "lead_a").post(
            url(STORIES, s.draft_a, "attachments"), {"file": mp4()}, format="multipart"
        )
        assert set(field_errors(response)) == {"file"}
        assert not Attachment.objects.exists()

    def test_a_file_at_the_story_media_limit_is_accepted(self, api, showcase, settings):
        s = showcase
        settings.STORY_MEDIA_MAX_BYTES = len(MP3)
        response = sign_in(api, s, "lead_a").post(
            url(STORIES, s.draft_a, "attachments"), {"file": mp3()}, format="multipart"
        )
        assert response.status_code == 201, response.content

    @pytest.mark.parametrize(
        "bad",
        [
            upload("病毒.mp4", b"MZ\x90\x00" + b"\x00" * 500, "video/mp4"),  # an .exe renamed
            upload("说明.txt", "纯文本".encode() * 50, "text/plain"),
        ],
    )
    def test_a_file_that_is_not_media_or_a_document_is_400(self, api, showcase, bad):
        response = sign_in(api, showcase, "lead_a").post(
            url(STORIES, showcase.draft_a, "attachments"), {"file": bad}, format="multipart"
        )
        assert set(field_errors(response)) == {"file"}
        assert not Attachment.objects.exists()

    def test_no_file_is_400(self, api, showcase):
        response = sign_in(api, showcase, "lead_a").post(
            url(STORIES, showcase.draft_a, "attachments"), {}, format="multipart"
        )
        assert set(field_errors(response)) == {"file"}

    def test_download_follows_the_story_from_draft_to_published_to_archived(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "lead_a").post(
            url(STORIES, s.draft_a, "attachments"), {"file": mp4()}, format="multipart"
        )
        download = url(ATTACHMENTS, response.json()["id"], "download")
        assert response.status_code == 201, response.content

        # a draft: its author downloads, a worker is told nothing exists
        author_copy = api.get(download)
        assert author_copy.status_code == 200
        assert b"".join(author_copy.streaming_content) == MP4
        refused(sign_in(api, s, "worker_a").get(download), 404)
        refused(sign_in(api, s, "worker_a").get(url(STORIES, s.draft_a, "attachments")), 404)

        # published through review: every signed-in reader downloads it
        services.story_submit(story_id=s.draft_a.pk, by=s.studios.lead_a)
        services.story_publish(story_id=s.draft_a.pk, by=s.org.official_a)
        for role in ["worker_a", "worker_b", "official_b"]:
            copy = sign_in(api, s, role).get(download)
            assert copy.status_code == 200, role
            assert copy["Content-Type"] == "video/mp4"
            assert b"".join(copy.streaming_content) == MP4
        listed = sign_in(api, s, "worker_b").get(url(STORIES, s.draft_a, "attachments"))
        assert [row["name"] for row in listed.json()] == ["现场.mp4"]

        # archived: out of the workers' sight again
        services.story_archive(story_id=s.draft_a.pk, by=s.org.official_a)
        refused(sign_in(api, s, "worker_a").get(download), 404)
        assert sign_in(api, s, "official_a").get(download).status_code == 200

    def test_a_token_client_downloads_the_file_at_the_url_the_api_gives(self, api, showcase):
        s = showcase
        # a real token, as an app on a phone signs in (no session, no forced user)
        token = Token.objects.create(user=s.studios.lead_a)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = api.post(
            url(STORIES, s.draft_a, "attachments"), {"file": mp4()}, format="multipart"
        )
        assert response.status_code == 201, response.content
        copy = api.get(response.json()["url"])
        assert copy.status_code == 200, copy
        assert b"".join(copy.streaming_content) == MP4
