"""The showcase API for every role: stories (list, read, write, the review
actions, media files), craftsman profiles with their lineage, with the status
codes of DESIGN.md §5 (400 invalid, 401 anonymous, 403 visible but not allowed,
404 not visible, 409 the state forbids it)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from apprenticeships.models import Pairing
from core.models import Attachment
from showcase import services
from showcase.models import STORY_BODY_MAX_CHARS, Story
from studios import services as studio_services
from studios.models import Honour
from tests.api_answers import field_errors, ids, refused, results, url
from tests.factories import PersonFactory
from tests.showcase.conftest import days_ago, make_story, publish

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"
PROFILES = "/api/v1/profiles/"
ATTACHMENTS = "/api/v1/attachments/"
Status = Story.Status

# An MP4 and an MP3 as `filetype` recognises them from their first bytes.
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 2000


# --- Helpers ------------------------------------------------------------------------


def person(s, role: str) -> User:
    """A role of the `showcase` fixture: the studios' people or the org's."""
    return getattr(s.studios, role) if hasattr(s.studios, role) else getattr(s.org, role)


def sign_in(api, s, role: str | None):
    api.force_authenticate(None if role is None else person(s, role))
    return api


def snapshot(story) -> tuple:
    """Everything a write or an action could change on a story."""
    story = Story.objects.get(pk=story.pk)
    return (
        story.status,
        story.title,
        story.summary,
        story.body,
        story.form,
        story.creator,
        story.published_on,
        story.featured,
        story.org_unit_id,
        story.author_id,
        frozenset(story.people.values_list("pk", flat=True)),
        frozenset(story.studios.values_list("pk", flat=True)),
        story.events.count(),
        Attachment.objects.filter(object_id=story.pk).count(),
    )


def story_body(s, **overrides) -> dict:
    """What the dust studio's leader sends to draft a story about their member."""
    return {
        "title": "粉尘克星",
        "form": Story.Form.REPORTAGE,
        "creator": "工会宣传部",
        "summary": "一个班组的降尘故事。",
        "body": "## 井下\n\n他们把粉尘浓度降了一半。",
        "people_ids": [s.studios.member_a.pk],
        "studio_ids": [s.studios.dust.pk],
        **overrides,
    }


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def mp4(name="现场.mp4") -> SimpleUploadedFile:
    return upload(name, MP4, "video/mp4")


def mp3(name="快板.mp3") -> SimpleUploadedFile:
    return upload(name, MP3, "audio/mpeg")


EVERY_STORY = ["featured_a", "published_b", "draft_a", "in_review_a", "archived_a"]
PUBLISHED = {"featured_a", "published_b"}
# Which of the `showcase` stories each role may read: published ones for all,
# drafts and stories in review for their author and the officials over them.
VISIBLE = {
    "worker_a": PUBLISHED,
    "worker_b": PUBLISHED,
    "member_a": PUBLISHED,  # `draft_a` is about them, but it is not theirs yet
    "lead_b": PUBLISHED,
    "lead_a": PUBLISHED | {"draft_a", "in_review_a"},
    "official_a": set(EVERY_STORY),
    "official_b": PUBLISHED,
    "group_official": set(EVERY_STORY),
    "admin": set(EVERY_STORY),
}
OFFICIALS_OVER_A = ["official_a", "group_official", "admin"]


# --- Anonymous ----------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(api, showcase, settings, tmp_path):
    s = showcase
    settings.MEDIA_ROOT = tmp_path
    attachment = services.story_attach(record=s.featured_a, by=s.org.official_a, upload=mp4())
    requests = [
        ("get", STORIES, None),
        ("get", url(STORIES, s.featured_a), None),
        ("post", STORIES, story_body(s)),
        ("patch", url(STORIES, s.featured_a), {"title": "改"}),
        ("post", url(STORIES, s.draft_a, "submit"), {}),
        ("post", url(STORIES, s.in_review_a, "return"), {"reason": "x"}),
        ("post", url(STORIES, s.in_review_a, "publish"), {}),
        ("post", url(STORIES, s.featured_a, "archive"), {}),
        ("post", url(STORIES, s.featured_a, "feature"), {"featured": False}),
        ("get", url(STORIES, s.featured_a, "attachments"), None),
        ("get", url(ATTACHMENTS, attachment, "download"), None),
        ("get", url(PROFILES, s.studios.lead_a), None),
    ]
    before = {name: snapshot(getattr(s, name)) for name in EVERY_STORY}
    for method, path, body in requests:
        if method == "get":
            response = api.get(path)
        else:
            response = getattr(api, method)(path, body, format="json")
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"
    response = api.post(url(STORIES, s.draft_a, "attachments"), {"file": mp3()}, format="multipart")
    assert response.status_code == 401
    assert {name: snapshot(getattr(s, name)) for name in EVERY_STORY} == before
    assert Story.objects.count() == len(EVERY_STORY)


# --- Reading ------------------------------------------------------------------------


class TestStoryRead:
    @pytest.mark.parametrize("role", list(VISIBLE))
    def test_list_shows_published_stories_and_only_ones_own_or_managed_drafts(
        self, api, showcase, role
    ):
        listed = ids(sign_in(api, showcase, role).get(STORIES))
        assert listed == {getattr(showcase, name).pk for name in VISIBLE[role]}

    @pytest.mark.parametrize("role", list(VISIBLE))
    def test_retrieve_is_404_for_every_story_the_role_may_not_see(self, api, showcase, role):
        s = showcase
        sign_in(api, s, role)
        for name in EVERY_STORY:
            story = getattr(s, name)
            response = api.get(url(STORIES, story))
            if name in VISIBLE[role]:
                assert response.status_code == 200, (name, response.content)
                assert response.json()["id"] == story.pk
                assert response.json()["status"] == story.status
            else:
                refused(response, 404, "not_found")

    def test_author_reads_their_own_draft_in_full(self, api, showcase):
        s = showcase
        body = sign_in(api, s, "lead_a").get(url(STORIES, s.draft_a)).json()
        assert body["title"] == "师徒三代（草稿）"
        assert (body["status"], body["published_on"], body["featured"]) == ("draft", None, False)
        assert body["author"] == {
            "id": s.studios.lead_a.pk,
            "full_name": s.studios.lead_a.full_name,
        }
        assert [row["id"] for row in body["people"]] == [s.studios.member_a.pk]
        assert [row["id"] for row in body["studios"]] == [s.studios.dust.pk]
        assert body["org_unit"]["code"] == "A101"
        # write-only fields are not echoed back
        assert not {"people_ids", "studio_ids", "org_unit_id"} & set(body)

    def test_list_is_newest_published_first(self, api, showcase):
        s = showcase
        rows = results(sign_in(api, s, "worker_a").get(STORIES))
        assert [row["id"] for row in rows] == [s.published_b.pk, s.featured_a.pk]

    def test_list_pages_with_page_size(self, api, showcase):
        s = showcase
        sign_in(api, s, "admin")
        body = api.get(STORIES, {"page_size": 2}).json()
        assert (body["count"], len(body["results"])) == (5, 2)
        assert body["next"]
        second = api.get(STORIES, {"page_size": 2, "page": 3}).json()
        assert len(second["results"]) == 1

    def test_page_size_is_capped_at_100(self, api, showcase):
        s = showcase
        for index in range(101):
            Story.objects.create(
                title=f"故事{index}",
                form="essay",
                creator="c",
                body="x",
                org_unit=s.org.team_a101,
                author=s.org.official_a,
                status="published",
                published_on=days_ago(index),
            )
        body = sign_in(api, s, "worker_a").get(STORIES, {"page_size": 500}).json()
        assert body["count"] == 103
        assert len(body["results"]) == 100

    def test_stories_have_no_put_or_delete_405(self, api, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        sign_in(api, s, "official_a")
        refused(api.delete(url(STORIES, s.draft_a)), 405)
        refused(api.put(url(STORIES, s.draft_a), story_body(s), format="json"), 405)
        assert snapshot(s.draft_a) == before


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

    def test_status_featured_and_date_sent_on_create_are_ignored(self, api, showcase):
        s = showcase
        body = story_body(s, status="published", featured=True, published_on="2020-01-01")
        response = sign_in(api, s, "official_a").post(STORIES, body, format="json")
        assert response.status_code == 201, response.content
        story = Story.objects.get(pk=response.json()["id"])
        assert (story.status, story.featured, story.published_on) == ("draft", False, None)


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
        # read-only fields: ignored (or refused), never written
        assert response.status_code in (200, 400), response.content
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


# --- Filters ------------------------------------------------------------------------


@pytest.fixture
def library(showcase):
    """Three more published stories with their own years, forms and words:

    - `song_2023`: company A's song about worker_a, filed under mine A1, 2023
    - `washing_2024`: company A's reportage about colleague_a and the washing
      studio (team A102), 2024, featured, with 粉尘浓度 in its text
    - `video_b_2024`: company B's short video about worker_b, 2024
    """
    s = showcase
    org, st = s.org, s.studios
    song = make_story(
        org.official_a,
        title="矿山之歌",
        form=Story.Form.SONG,
        people=[org.worker_a],
        org_unit=org.mine_a1,
        body="唱一唱采煤工。",
    )
    song = services.story_publish(
        story_id=song.pk, by=org.official_a, published_on=datetime.date(2023, 5, 1)
    )
    washing = make_story(
        org.official_a,
        title="洗煤的人",
        people=[org.colleague_a],
        studios=[st.washing],
        body="他们让粉尘浓度降了一半。",
    )
    washing = services.story_publish(
        story_id=washing.pk, by=org.official_a, published_on=datetime.date(2024, 3, 1)
    )
    washing = services.story_feature(story_id=washing.pk, by=org.official_a, featured=True)
    video = make_story(
        org.official_b,
        title="检修一线",
        form=Story.Form.SHORT_VIDEO,
        people=[org.worker_b],
        body="镜头里的汽轮机。",
    )
    video = services.story_publish(
        story_id=video.pk, by=org.official_b, published_on=datetime.date(2024, 7, 1)
    )
    s.song_2023, s.washing_2024, s.video_b_2024 = song, washing, video
    return s


ALL_IN_LIBRARY = {*EVERY_STORY, "song_2023", "washing_2024", "video_b_2024"}
FIXTURE_STORIES = set(EVERY_STORY)  # their text is make_story's default (…井下干了二十年)


def param(s, name: str, value: str):
    """A filter value naming a person, studio or unit of the fixture by attribute."""
    if name in ("person",):
        return person(s, value).pk
    if name == "studio":
        return getattr(s.studios, value).pk
    if name == "org_unit":
        return getattr(s.org, value).pk
    return value


FILTER_CASES = [
    ("form", "song", {"published_b", "song_2023"}),
    ("form", "clapper_talk", {"in_review_a"}),
    ("form", "short_video", {"video_b_2024"}),
    ("form", "drama", set()),
    ("status", "draft", {"draft_a"}),
    ("status", "in_review", {"in_review_a"}),
    ("status", "archived", {"archived_a"}),
    (
        "status",
        "published",
        {"featured_a", "published_b", "song_2023", "washing_2024", "video_b_2024"},
    ),
    ("person", "lead_a", {"featured_a", "in_review_a"}),
    ("person", "member_a", {"draft_a"}),
    ("person", "worker_a", {"song_2023"}),
    ("person", "official_b", set()),
    ("studio", "dust", {"featured_a", "draft_a", "in_review_a", "archived_a"}),
    ("studio", "washing", {"washing_2024"}),
    ("studio", "turbine", {"published_b"}),
    ("year", "2023", {"song_2023"}),
    ("year", "2024", {"washing_2024", "video_b_2024"}),
    ("year", "2019", set()),
    ("featured", "true", {"featured_a", "washing_2024"}),
    ("featured", "false", ALL_IN_LIBRARY - {"featured_a", "washing_2024"}),
    ("org_unit", "group", ALL_IN_LIBRARY),
    ("org_unit", "company_a", ALL_IN_LIBRARY - {"published_b", "video_b_2024"}),
    ("org_unit", "mine_a1", ALL_IN_LIBRARY - {"published_b", "video_b_2024"}),
    ("org_unit", "team_a101", {"featured_a", "draft_a", "in_review_a", "archived_a"}),
    ("org_unit", "team_a102", {"washing_2024"}),
    ("org_unit", "company_b", {"published_b", "video_b_2024"}),
    ("search", "粉尘浓度", {"washing_2024"}),  # in the text only
    ("search", "之歌", {"song_2023"}),  # in the title only
    ("search", "追光", {"featured_a"}),
    ("search", "二十年", FIXTURE_STORIES),
    ("search", "不存在的词", set()),
]


class TestStoryFilters:
    @pytest.mark.parametrize(("name", "value", "expected"), FILTER_CASES)
    def test_each_filter_returns_exactly_the_matching_stories(
        self, api, library, name, value, expected
    ):
        s = library
        response = sign_in(api, s, "admin").get(
            STORIES, {name: param(s, name, value), "page_size": 100}
        )
        assert ids(response) == {getattr(s, story).pk for story in expected}

    def test_filters_combine(self, api, library):
        s = library
        sign_in(api, s, "group_official")
        assert ids(api.get(STORIES, {"form": "reportage", "year": 2024})) == {s.washing_2024.pk}
        assert ids(api.get(STORIES, {"org_unit": s.org.company_a.pk, "featured": "true"})) == {
            s.featured_a.pk,
            s.washing_2024.pk,
        }

    @pytest.mark.parametrize(
        ("name", "value", "expected"),
        [
            ("status", "draft", set()),
            ("person", "member_a", set()),  # only a draft is about them
            ("search", "二十年", {"featured_a", "published_b"}),
            ("studio", "dust", {"featured_a"}),
            ("org_unit", "company_a", {"featured_a", "song_2023", "washing_2024"}),
        ],
    )
    def test_filters_never_reach_past_what_the_reader_sees(
        self, api, library, name, value, expected
    ):
        s = library
        response = sign_in(api, s, "worker_a").get(STORIES, {name: param(s, name, value)})
        assert ids(response) == {getattr(s, story).pk for story in expected}

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("person", "1e400"),
            ("person", "99999999999999999999"),
            ("person", "0"),
            ("person", "2.5"),
            ("studio", "abc"),
            ("studio", "-1"),
            ("year", "abc"),
            ("year", "1e400"),
            ("year", "99999"),
            ("org_unit", "abc"),
            ("org_unit", "1e400"),
            ("org_unit", "99999999999999999999"),
            ("form", "poem"),
            ("status", "deleted"),
        ],
    )
    def test_absurd_filter_values_are_400_not_500(self, api, library, name, value):
        response = sign_in(api, library, "official_a").get(STORIES, {name: value})
        assert set(field_errors(response)) == {name}

    def test_a_unit_outside_the_readers_units_is_400(self, api, library):
        s = library
        response = sign_in(api, s, "official_a").get(STORIES, {"org_unit": s.org.company_b.pk})
        assert set(field_errors(response)) == {"org_unit"}


# --- Script injection ---------------------------------------------------------------

HOSTILE = (
    "开头一段。\n\n"
    "<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[x](javascript:alert(1))\n\n"
    '<a href="https://ok.example" onclick="x()">ok</a>\n\n'
    "[好链接](https://ok.example)"
)
FORBIDDEN = ["<script", "onerror", "javascript:", "onclick"]


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for fragment in FORBIDDEN:
        assert fragment not in lowered, (fragment, html)


class TestStoryMarkdown:
    def test_scripts_handlers_and_javascript_links_never_reach_body_html(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "official_a").post(
            STORIES,
            story_body(s, body=HOSTILE, people_ids=[s.org.worker_a.pk], studio_ids=[]),
            format="json",
        )
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["body"] == HOSTILE  # the Markdown comes back as written
        assert_harmless(created["body_html"])
        assert "开头一段。" in created["body_html"]
        # raw HTML is dropped whole; a Markdown link to the web stays
        assert 'href="https://ok.example"' in created["body_html"]
        assert ">好链接</a>" in created["body_html"]
        story = Story.objects.get(pk=created["id"])
        assert story.body == HOSTILE
        # every way a reader gets it: retrieve and list, once published, as a worker
        publish(story, s.org.official_a)
        sign_in(api, s, "worker_b")
        read = api.get(url(STORIES, story)).json()
        assert read["body"] == HOSTILE
        assert_harmless(read["body_html"])
        listed = [row for row in results(api.get(STORIES)) if row["id"] == story.pk]
        assert len(listed) == 1
        assert_harmless(listed[0]["body_html"])

    @pytest.mark.parametrize(
        "text",
        [
            "[x](JAVASCRIPT:alert(1))",
            '<a href="&#106;avascript:alert(1)">y</a>',
            "![i](javascript:alert(1))",
            "[a](<javascript:alert(1)>)",
            "[x]: javascript:alert(1)\n\n[y][x]",
            '<iframe src="javascript:alert(1)"></iframe>',
            "<svg onload=alert(1)>",
            "<<script>script>alert(1)<</script>/script>",
        ],
    )
    def test_disguised_scripts_are_dropped_too(self, api, showcase, text):
        s = showcase
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {"body": text}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["body"] == text
        html = response.json()["body_html"].lower()
        assert_harmless(html)
        assert "onload" not in html and "<iframe" not in html and "<svg" not in html

    def test_patching_a_hostile_body_keeps_body_html_clean(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {"body": HOSTILE}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["body"] == HOSTILE
        assert_harmless(response.json()["body_html"])

    def test_ordinary_markdown_renders_headings_bold_and_line_breaks(self, api, showcase):
        s = showcase
        text = "## 标题\n\n**粗体**\n第一行\n第二行"
        response = sign_in(api, s, "lead_a").patch(
            url(STORIES, s.draft_a), {"body": text}, format="json"
        )
        assert response.status_code == 200, response.content
        html = response.json()["body_html"]
        assert "<h2>标题</h2>" in html
        assert "<strong>粗体</strong>" in html
        assert "第一行<br>" in html.replace("<br />", "<br>")
        assert response.json()["body"] == text


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


# --- Profiles -----------------------------------------------------------------------


@pytest.fixture
def people(showcase, provincial_list):
    """In company B: `craftsman_b` named a provincial craftsman, `ordinary_b`
    with nothing public."""
    s = showcase
    craftsman = PersonFactory(full_name="李工匠", org_unit=s.org.team_b101)
    studio_services.honour_create(
        by=s.org.group_official,
        recognition_list=provincial_list,
        person=craftsman,
        personal_title=Honour.PersonalTitle.CRAFTSMAN,
    )
    s.craftsman_b = craftsman
    s.ordinary_b = PersonFactory(full_name="王普通", org_unit=s.org.team_b101)
    return s


def pair(mentor, apprentice, unit, by, *, status=Pairing.Status.ACTIVE, years_ago=3):
    """A pairing that took place (agreement signed `years_ago` years back)."""
    start = timezone.localdate() - datetime.timedelta(days=365 * years_ago)
    return Pairing.objects.create(
        mentor=mentor,
        apprentice=apprentice,
        org_unit=unit,
        starts_on=start,
        planned_end_on=start + datetime.timedelta(days=730),
        target_skill_level="senior",
        agreement_signed_on=start,
        status=status,
        created_by=by,
        ended_on=start + datetime.timedelta(days=700) if status == "completed" else None,
    )


class TestProfiles:
    def test_a_person_with_a_personal_honour_is_open_to_other_companies(self, api, people):
        s = people
        response = sign_in(api, s, "worker_a").get(url(PROFILES, s.craftsman_b))
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["full_name"]) == (s.craftsman_b.pk, "李工匠")
        assert [(row["list_title"], row["level"], row["year"]) for row in body["honours"]] == [
            ("2022 provincial list", "provincial", 2022)
        ]
        assert body["honours"][0]["title"]

    @pytest.mark.parametrize("role", ["worker_a", "lead_a", "official_a"])
    def test_an_ordinary_person_of_another_company_is_404(self, api, people, role):
        refused(sign_in(api, people, role).get(url(PROFILES, people.ordinary_b)), 404, "not_found")

    @pytest.mark.parametrize("role", ["worker_b", "official_b", "group_official", "admin"])
    def test_an_ordinary_person_is_open_in_their_own_company_and_to_officials_over_them(
        self, api, people, role
    ):
        response = sign_in(api, people, role).get(url(PROFILES, people.ordinary_b))
        assert response.status_code == 200, response.content
        assert response.json()["honours"] == []

    def test_a_published_story_makes_a_person_public(self, api, people):
        s = people
        response = sign_in(api, s, "worker_a").get(url(PROFILES, s.studios.lead_b))
        assert response.status_code == 200, response.content
        stories = response.json()["stories"]
        assert stories["total"] == 1
        assert [row["id"] for row in stories["rows"]] == [s.published_b.pk]

    def test_a_draft_does_not_make_a_person_public(self, api, people):
        s = people
        # member_a is named only in lead_a's draft
        refused(sign_in(api, s, "worker_b").get(url(PROFILES, s.studios.member_a)), 404)

    def test_profile_lists_only_published_stories_to_a_worker(self, api, people):
        s = people
        body = sign_in(api, s, "worker_a").get(url(PROFILES, s.studios.lead_a)).json()
        # lead_a is in `featured_a` (published) and `in_review_a` (not yet)
        assert [row["id"] for row in body["stories"]["rows"]] == [s.featured_a.pk]

    def test_lineage_is_a_nested_tree_three_generations_deep(self, api, people):
        s = people
        org, lead, member = s.org, s.studios.lead_a, s.studios.member_a
        apprentice = PersonFactory(full_name="徒弟", org_unit=org.team_a101)
        second = PersonFactory(full_name="徒孙", org_unit=org.team_a102)
        fourth = PersonFactory(full_name="第四代", org_unit=org.team_a102)
        pair(lead, member, org.team_a101, org.official_a, status="completed", years_ago=6)
        pair(member, apprentice, org.team_a101, org.official_a, status="completed", years_ago=4)
        pair(apprentice, second, org.team_a102, org.official_a, years_ago=2)
        pair(second, fourth, org.team_a102, org.official_a, years_ago=1)  # beyond three
        # a pairing that never took place is no part of the lineage
        pair(
            lead,
            PersonFactory(org_unit=org.team_a101),
            org.team_a101,
            org.official_a,
            status="terminated",
        )

        response = sign_in(api, s, "worker_b").get(url(PROFILES, lead))
        assert response.status_code == 200, response.content
        body = response.json()

        def shape(nodes):
            return [
                (node["person"]["id"], node["generation"], shape(node["children"]))
                for node in nodes
            ]

        assert shape(body["lineage"]) == [
            (member.pk, 1, [(apprentice.pk, 2, [(second.pk, 3, [])])]),
        ]
        assert body["lineage_size"] == 3
        first = body["lineage"][0]
        assert first["person"]["full_name"] == member.full_name
        # the names are public; the pairings' details are not a worker's to read
        assert (first["status"], first["starts_on"], first["skill_level"]) == (None, None, None)
        grandchild = first["children"][0]["children"][0]
        assert (grandchild["person"]["full_name"], grandchild["status"]) == ("徒孙", None)

        # the official over the unit reads the details too
        as_official = sign_in(api, s, "official_a").get(url(PROFILES, lead)).json()["lineage"]
        assert as_official[0]["status"] == "completed"
        grandchild = as_official[0]["children"][0]["children"][0]
        assert grandchild["status"] == "active"

        # and the apprentice's own profile names whom they learnt from
        mentors = sign_in(api, s, "worker_a").get(url(PROFILES, apprentice)).json()["mentors"]
        assert [row["mentor"]["id"] for row in mentors] == [member.pk]

    def test_profile_of_someone_who_does_not_exist_is_404(self, api, people):
        refused(sign_in(api, people, "admin").get(url(PROFILES, 99999999)), 404)
        refused(sign_in(api, people, "admin").get(f"{PROFILES}1e400/"), 404)
