"""Showcase pages for every role: the story list with its featured works and the
officials' review count, a story's page, writing and editing a story, the
officials' moves (send back, publish, archive, feature) and the author's
submit, files on a story, the honour roll, craftsman profiles with their lineage,
the showcase search and the worker's home page — who may open each page (200),
who sees the story but may not act (403), who lies outside its scope (404), and
what a wrong entry shows (400, the message beside its field, nothing saved)."""

import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from accounts.models import User
from apprenticeships import services as mentoring
from core.attachments import attachments_of
from core.forms import TICKABLE_CHOICES, CodesField
from showcase import services
from showcase.models import Story
from studios import services as studio_services
from studios.models import Honour, RecognitionList
from tests.factories import PersonFactory
from tests.page_html import error_beside, form_of, page_form
from tests.showcase.conftest import days_ago, make_story, publish

pytestmark = pytest.mark.django_db

LIST = reverse("showcase:story-list")
NEW = reverse("showcase:story-create")
ROLL = reverse("showcase:honour-roll")
SEARCH = reverse("showcase:search")
HOME = reverse("reports:home")
LOGIN = reverse("accounts:login")

Status = Story.Status
Level = RecognitionList.Level
Title = Honour.PersonalTitle

# Every signed-in part someone plays in the `showcase` world.
EVERY_ROLE = [
    "worker_a",
    "worker_b",
    "colleague_a",
    "lead_a",
    "member_a",
    "lead_b",
    "official_a",
    "official_b",
    "group_official",
    "admin",
]
# Who reads a draft or a story in review of lead_a's (company A): its author
# and the officials over its unit; everyone else gets 404.
READERS_OF_A_DRAFT = ["lead_a", "official_a", "group_official", "admin"]
OUTSIDERS_OF_A_DRAFT = ["worker_a", "worker_b", "member_a", "lead_b", "official_b"]
# Who runs company A's stories (send back, publish, archive, feature).
MANAGERS_OF_A = ["official_a", "group_official", "admin"]


# --- Helpers ------------------------------------------------------------------------


def url(name, pk) -> str:
    return reverse(f"showcase:{name}", args=[pk])


def person(world, role):
    """The cast of the `showcase` world by the part each plays."""
    org, studios = world.org, world.studios
    return {
        "worker_a": org.worker_a,
        "worker_b": org.worker_b,
        "colleague_a": org.colleague_a,
        "lead_a": studios.lead_a,
        "member_a": studios.member_a,
        "lead_b": studios.lead_b,
        "official_a": org.official_a,
        "official_b": org.official_b,
        "group_official": org.group_official,
        "admin": org.admin,
    }[role]


def chinese(message: str, **values) -> str:
    """A message as a Chinese reader gets it."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def zh(message: str, **values) -> str:
    """A message as the Chinese page shows it (HTML-escaped)."""
    return escape(chinese(message, **values))


def messages_of(response) -> list[tuple[str, str]]:
    """(level, text) of the messages queued for the next page."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def some_error_beside(form_html: str, name: str) -> None:
    start = form_html.index(f'name="{name}"')
    end = form_html.find('<div class="mb-3">', start)
    block = form_html[start : end if end != -1 else None]
    assert '<div class="invalid-feedback d-block">' in block, block


def story_body(html: str) -> str:
    """The HTML inside the story body element."""
    start = html.index('data-testid="story-body"')
    start = html.index(">", start) + 1
    return html[start : html.index("</div>", start)]


def assert_sent_to_login(response, page):
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=" in response.url


def snapshot(story) -> tuple:
    """Everything the pages change on a story."""
    fresh = Story.objects.get(pk=story.pk)
    return (
        fresh.title,
        fresh.body,
        fresh.status,
        fresh.featured,
        fresh.published_on,
        sorted(fresh.people.values_list("pk", flat=True)),
        sorted(fresh.studios.values_list("pk", flat=True)),
        fresh.events.count(),
        attachments_of(fresh).count(),
    )


def story_data(world, **overrides) -> dict:
    """A complete story form as a lead of the dust studio fills it in."""
    data = {
        "title": "粉尘治理十年",
        "form": Story.Form.REPORTAGE,
        "creator": "宣传部 王记者",
        "summary": "一个工作室和它的十年。",
        "body": "## 井下\n\n他们让巷道里的粉尘降了九成。",
        "media_link": "",
        "people": [world.studios.member_a.pk],
        "studios": [world.studios.dust.pk],
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def edit_data(story, **overrides) -> dict:
    """The story's own values as its edit form sends them back."""
    data = {
        "title": story.title,
        "form": story.form,
        "creator": story.creator,
        "summary": story.summary,
        "body": story.body,
        "media_link": story.media_link,
        "people": list(story.people.values_list("pk", flat=True)),
        "studios": list(story.studios.values_list("pk", flat=True)),
        **overrides,
    }
    return data


def today() -> datetime.date:
    return timezone.localdate()


def jpeg(name="井下照片.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def mp3(name="快板录音.mp3") -> SimpleUploadedFile:
    """The first bytes of an MP3 with an ID3 tag: enough to be recognised."""
    data = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 512
    return SimpleUploadedFile(name, data, content_type="audio/mpeg")


def mp4(name="短视频.mp4") -> SimpleUploadedFile:
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 512
    return SimpleUploadedFile(name, data, content_type="video/mp4")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Anonymous visitors -------------------------------------------------------------


class TestAnonymous:
    def test_every_page_sends_to_the_login(self, client, showcase):
        pk = showcase.featured_a.pk
        for page in (
            LIST,
            NEW,
            ROLL,
            SEARCH + "?q=粉尘",
            url("story-detail", pk),
            url("story-edit", pk),
            url("profile", showcase.studios.lead_a.pk),
        ):
            assert_sent_to_login(client.get(page), page)

    def test_every_action_sends_to_the_login_and_changes_nothing(self, client, showcase):
        before = {name: snapshot(getattr(showcase, name)) for name in ("featured_a", "in_review_a")}
        featured, in_review = showcase.featured_a.pk, showcase.in_review_a.pk
        for page, data in [
            (NEW, story_data(showcase)),
            (url("story-edit", featured), {"title": "改"}),
            (url("story-submit", in_review), {}),
            (url("story-return", in_review), {"reason": "x"}),
            (url("story-publish", in_review), {}),
            (url("story-archive", featured), {}),
            (url("story-feature", featured), {"featured": "0"}),
            (url("story-attach", featured), {"file": jpeg()}),
        ]:
            assert_sent_to_login(client.post(page, data), page)
        assert before == {
            name: snapshot(getattr(showcase, name)) for name in ("featured_a", "in_review_a")
        }
        assert Story.objects.count() == 5


# --- The story list -----------------------------------------------------------------


class TestStoryList:
    @pytest.mark.parametrize(
        ("role", "visible"),
        [
            ("worker_a", {"featured_a", "published_b"}),
            ("worker_b", {"featured_a", "published_b"}),
            ("member_a", {"featured_a", "published_b"}),
            ("lead_b", {"featured_a", "published_b"}),
            ("official_b", {"featured_a", "published_b"}),
            ("lead_a", {"featured_a", "published_b", "draft_a", "in_review_a"}),
            ("official_a", {"featured_a", "published_b", "draft_a", "in_review_a", "archived_a"}),
            (
                "group_official",
                {"featured_a", "published_b", "draft_a", "in_review_a", "archived_a"},
            ),
            ("admin", {"featured_a", "published_b", "draft_a", "in_review_a", "archived_a"}),
        ],
    )
    def test_each_role_sees_the_stories_in_its_scope(self, as_person, showcase, role, visible):
        response = as_person(person(showcase, role)).get(LIST)
        assert response.status_code == 200
        assert set(response.context["stories"]) == {getattr(showcase, n) for n in visible}
        html = response.content.decode()
        for name in ("featured_a", "published_b", "draft_a", "in_review_a", "archived_a"):
            story = getattr(showcase, name)
            assert (f'href="{url("story-detail", story.pk)}"' in html) is (name in visible)
            assert (story.title in html) is (name in visible)

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "official_a"])
    def test_the_unfiltered_page_shows_the_featured_block(self, as_person, showcase, role):
        response = as_person(person(showcase, role)).get(LIST)
        assert response.context["featured"] == [showcase.featured_a]
        html = response.content.decode()
        block = html[html.index('data-testid="featured-stories"') :]
        block = block[: block.index("</section>")]
        assert showcase.featured_a.title in block
        assert showcase.published_b.title not in block

    def test_a_filtered_page_has_no_featured_block(self, as_person, showcase):
        response = as_person(showcase.org.worker_a).get(LIST, {"form": Story.Form.SONG})
        assert response.context["featured"] == []
        assert 'data-testid="featured-stories"' not in response.content.decode()
        assert list(response.context["stories"]) == [showcase.published_b]

    def test_no_featured_block_when_nothing_is_featured(self, as_person, showcase):
        services.story_feature(
            story_id=showcase.featured_a.pk, by=showcase.org.official_a, featured=False
        )
        response = as_person(showcase.org.worker_a).get(LIST)
        assert 'data-testid="featured-stories"' not in response.content.decode()

    @pytest.mark.parametrize(
        ("role", "count"),
        [("official_a", 1), ("group_official", 1), ("admin", 1), ("official_b", 0)],
    )
    def test_an_official_sees_how_many_stories_wait_for_review(
        self, as_person, showcase, role, count
    ):
        response = as_person(person(showcase, role)).get(LIST)
        assert response.context["review_count"] == count
        html = response.content.decode()
        assert ('href="?status=in_review"' in html) is bool(count)
        if count:
            link = html[html.index('href="?status=in_review"') :]
            assert f'<span class="badge text-bg-primary">{count}</span>' in link[:200]

    @pytest.mark.parametrize("role", ["worker_a", "lead_a", "member_a"])
    def test_those_who_are_no_officials_see_no_review_count(self, as_person, showcase, role):
        response = as_person(person(showcase, role)).get(LIST)
        assert response.context["review_count"] == 0
        assert 'href="?status=in_review"' not in response.content.decode()

    def test_the_review_link_lists_the_stories_waiting(self, as_person, showcase):
        response = as_person(showcase.org.official_a).get(LIST, {"status": "in_review"})
        assert list(response.context["stories"]) == [showcase.in_review_a]

    def test_a_worker_asking_for_drafts_gets_none(self, as_person, showcase):
        for status in ("draft", "in_review", "archived"):
            response = as_person(showcase.org.worker_a).get(LIST, {"status": status})
            assert response.status_code == 200
            assert list(response.context["stories"]) == []

    @pytest.mark.parametrize(
        ("role", "offered"),
        [
            ("lead_a", True),
            ("official_a", True),
            ("lead_b", True),
            ("worker_a", False),
            ("member_a", False),
        ],
    )
    def test_the_write_button_follows_the_right_to_write(self, as_person, showcase, role, offered):
        html = as_person(person(showcase, role)).get(LIST).content.decode()
        assert (f'href="{NEW}"' in html) is offered

    def test_the_search_filter_finds_a_chinese_fragment(self, as_person, showcase):
        response = as_person(showcase.org.worker_b).get(LIST, {"search": "汽机"})
        assert list(response.context["stories"]) == [showcase.published_b]

    def test_an_htmx_request_gets_only_the_results(self, as_person, showcase):
        response = as_person(showcase.org.worker_a).get(
            LIST, {"form": Story.Form.SONG}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert response.templates[0].name == "showcase/partials/story_results.html"
        assert showcase.published_b.title in html


# --- A story's page -----------------------------------------------------------------


class TestStoryDetail:
    @pytest.mark.parametrize("role", EVERY_ROLE)
    def test_a_published_story_is_read_by_everyone(self, as_person, showcase, role):
        response = as_person(person(showcase, role)).get(
            url("story-detail", showcase.featured_a.pk)
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert showcase.featured_a.title in html
        assert "他在井下干了二十年。" in story_body(html)
        assert 'data-testid="featured"' in html

    @pytest.mark.parametrize("role", READERS_OF_A_DRAFT)
    @pytest.mark.parametrize("name", ["draft_a", "in_review_a"])
    def test_a_draft_is_read_by_its_author_and_the_officials_over_it(
        self, as_person, showcase, role, name
    ):
        story = getattr(showcase, name)
        response = as_person(person(showcase, role)).get(url("story-detail", story.pk))
        assert response.status_code == 200
        assert response.context["story"] == story
        assert 'data-testid="story-status"' in response.content.decode()

    @pytest.mark.parametrize("role", OUTSIDERS_OF_A_DRAFT)
    @pytest.mark.parametrize("name", ["draft_a", "in_review_a", "archived_a"])
    def test_a_draft_is_404_for_everyone_else(self, as_person, showcase, role, name):
        story = getattr(showcase, name)
        response = as_person(person(showcase, role)).get(url("story-detail", story.pk))
        assert response.status_code == 404
        assert story.title not in response.content.decode()

    def test_an_unknown_story_is_404(self, as_person, showcase):
        assert as_person(showcase.org.admin).get(url("story-detail", 999_999)).status_code == 404

    @pytest.mark.parametrize(
        ("role", "name", "buttons"),
        [
            ("lead_a", "draft_a", {"edit", "submit"}),
            ("lead_a", "in_review_a", set()),
            ("official_a", "in_review_a", {"edit", "publish", "return"}),
            ("official_a", "featured_a", {"edit", "archive", "feature"}),
            ("official_a", "archived_a", {"publish"}),
            ("official_b", "featured_a", set()),
            ("worker_a", "featured_a", set()),
        ],
    )
    def test_the_buttons_follow_the_readers_part(self, as_person, showcase, role, name, buttons):
        story = getattr(showcase, name)
        html = as_person(person(showcase, role)).get(url("story-detail", story.pk))
        html = html.content.decode()
        assert (f'href="{url("story-edit", story.pk)}"' in html) is ("edit" in buttons)
        for button in ("submit", "publish", "return", "archive", "feature"):
            action = f'action="{url(f"story-{button}", story.pk)}"'
            assert (action in html) is (button in buttons), button
        assert ('data-testid="story-actions"' in html) is bool(buttons)

    def test_the_people_and_studios_it_is_about_are_named(self, as_person, showcase):
        html = as_person(showcase.org.worker_b).get(url("story-detail", showcase.featured_a.pk))
        html = html.content.decode()
        lead = showcase.studios.lead_a
        assert f'href="{url("profile", lead.pk)}"' in html
        assert 'data-testid="story-person"' in html
        assert lead.full_name in html
        assert showcase.studios.dust.name in html


class TestScriptInjection:
    BODY = (
        "## 正文\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[点这里](javascript:alert(1))\n\n他在井下干了二十年。"
    )

    def test_a_pasted_script_is_neutralised_on_the_story_page(self, as_person, showcase):
        official = showcase.org.official_a
        story = make_story(
            official, title="注入测试", body=self.BODY, studios=[showcase.studios.dust]
        )
        story = publish(story, official)

        html = as_person(showcase.org.worker_b).get(url("story-detail", story.pk))
        html = html.content.decode()

        body = story_body(html)
        assert "他在井下干了二十年。" in body
        assert "<h2>正文</h2>" in body
        assert "点这里" in body
        assert "<script" not in body.lower()
        assert "onerror" not in body.lower()
        assert "javascript:" not in body.lower()
        assert "<script>alert" not in html
        assert "onerror=" not in html
        assert "javascript:alert" not in html

    def test_a_title_and_summary_with_markup_are_shown_as_text(self, as_person, showcase):
        story = publish(
            make_story(
                showcase.org.official_a,
                title="<script>alert(1)</script>",
                summary="<img src=x onerror=alert(1)>",
                studios=[showcase.studios.dust],
            ),
            showcase.org.official_a,
        )
        for page in (url("story-detail", story.pk), LIST):
            html = as_person(showcase.org.worker_a).get(page).content.decode()
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<script>alert" not in html
            assert "<img src=x onerror" not in html

    def test_a_javascript_media_link_is_refused(self, as_person, showcase):
        data = story_data(showcase, media_link="javascript:alert(1)")
        response = as_person(showcase.studios.lead_a).post(NEW, data)
        assert response.status_code == 400
        some_error_beside(page_form(response.content.decode()), "media_link")
        assert not Story.objects.filter(title=data["title"]).exists()


# --- Writing a story ----------------------------------------------------------------


class TestCreate:
    def test_a_lead_is_offered_only_their_studio_and_its_members(self, as_person, showcase):
        response = as_person(showcase.studios.lead_a).get(NEW)
        assert response.status_code == 200
        form = response.context["form"]
        studios = showcase.studios
        assert list(form.fields["studios"].queryset) == [studios.dust]
        assert set(form.fields["people"].queryset) == {studios.lead_a, studios.member_a}
        assert "org_unit" not in form.fields
        html = page_form(response.content.decode())
        assert studios.dust.name in html
        assert studios.washing.name not in html
        assert studios.turbine.name not in html
        assert showcase.org.worker_a.full_name not in html

    def test_the_lead_saves_a_draft(self, as_person, showcase):
        client = as_person(showcase.studios.lead_a)

        response = client.post(NEW, story_data(showcase), follow=True)

        story = Story.objects.get(title="粉尘治理十年")
        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been saved as a draft.") in response.content.decode()
        assert (story.status, story.author, story.org_unit) == (
            Status.DRAFT,
            showcase.studios.lead_a,
            showcase.studios.dust.org_unit,
        )
        assert (story.featured, story.published_on) == (False, None)
        assert list(story.people.all()) == [showcase.studios.member_a]
        assert list(story.studios.all()) == [showcase.studios.dust]
        assert list(story.events.values_list("from_state", "to_state")) == [("", "draft")]

    def test_an_official_chooses_the_unit_and_saves_a_draft(self, as_person, showcase):
        client = as_person(showcase.org.official_a)
        form = client.get(NEW).context["form"]
        assert showcase.org.company_a in form.fields["org_unit"].queryset
        assert showcase.org.company_b not in form.fields["org_unit"].queryset

        data = story_data(
            showcase, people=[showcase.org.worker_a.pk], org_unit=showcase.org.mine_a1.pk
        )
        response = client.post(NEW, data)

        story = Story.objects.get(title="粉尘治理十年")
        assert response.status_code == 302
        assert (story.author, story.org_unit, story.status) == (
            showcase.org.official_a,
            showcase.org.mine_a1,
            Status.DRAFT,
        )
        assert list(story.people.all()) == [showcase.org.worker_a]

    @pytest.mark.parametrize("role", ["worker_a", "member_a", "worker_b"])
    def test_someone_who_leads_no_studio_and_is_no_official_gets_403(
        self, as_person, showcase, role
    ):
        client = as_person(person(showcase, role))
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, story_data(showcase)).status_code == 403
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_missing_fields_are_named_and_nothing_is_saved(self, as_person, showcase):
        data = story_data(showcase, title="", creator="", form="")

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        html = page_form(response.content.decode())
        for field in ("title", "creator", "form"):
            error_beside(html, field, zh("This field is required."))
        assert Story.objects.count() == 5

    def test_a_lead_naming_someone_outside_their_studio_gets_the_error_there(
        self, as_person, showcase
    ):
        data = story_data(showcase, people=[showcase.org.worker_a.pk])

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"people"}
        some_error_beside(page_form(response.content.decode()), "people")
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_a_lead_naming_another_studio_gets_the_error_there(self, as_person, showcase):
        data = story_data(showcase, studios=[showcase.studios.washing.pk])

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"studios"}
        some_error_beside(page_form(response.content.decode()), "studios")
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_a_story_about_nobody_is_refused(self, as_person, showcase):
        data = story_data(showcase, people=[], studios=[])

        response = as_person(showcase.org.official_a).post(NEW, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "people",
            zh("Name at least one person or studio the story is about."),
        )
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_a_lead_must_name_their_studio(self, as_person, showcase):
        data = story_data(showcase, studios=[])

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()), "studios", zh("Choose the studio you lead.")
        )
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_company_b_official_cannot_write_about_company_a(self, as_person, showcase):
        data = story_data(showcase, people=[showcase.studios.lead_a.pk])

        response = as_person(showcase.org.official_b).post(NEW, data)

        assert response.status_code == 400
        assert {"people", "studios"} <= set(response.context["form"].errors)
        assert not Story.objects.filter(title="粉尘治理十年").exists()


# --- Editing a story ----------------------------------------------------------------


class TestEdit:
    def test_the_author_edits_their_draft(self, as_person, showcase):
        story = showcase.draft_a
        client = as_person(showcase.studios.lead_a)
        assert client.get(url("story-edit", story.pk)).status_code == 200

        response = client.post(
            url("story-edit", story.pk), edit_data(story, title="师徒三代"), follow=True
        )

        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been saved.") in response.content.decode()
        story.refresh_from_db()
        assert (story.title, story.status) == ("师徒三代", Status.DRAFT)

    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_officials_over_it_edit_a_story_in_review(self, as_person, showcase, role):
        story = showcase.in_review_a
        client = as_person(person(showcase, role))
        assert client.get(url("story-edit", story.pk)).status_code == 200

        response = client.post(url("story-edit", story.pk), edit_data(story, body="改过的正文"))

        assert response.status_code == 302
        story.refresh_from_db()
        assert (story.body, story.status) == ("改过的正文", Status.IN_REVIEW)

    def test_the_author_may_not_edit_once_it_is_in_review(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)
        client = as_person(showcase.studios.lead_a)
        assert client.get(url("story-edit", story.pk)).status_code == 403
        assert client.post(
            url("story-edit", story.pk), edit_data(story, title="改")
        ).status_code == (403)
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("official_b", "draft_a", 404),
            ("worker_a", "draft_a", 404),
            ("member_a", "draft_a", 404),
            ("worker_a", "featured_a", 403),
            ("lead_a", "featured_a", 403),
            ("official_b", "featured_a", 403),
            ("official_a", "published_b", 403),
            ("official_a", "archived_a", 403),
        ],
    )
    def test_others_may_not_edit(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        client = as_person(person(showcase, role))
        assert client.get(url("story-edit", story.pk)).status_code == status
        response = client.post(url("story-edit", story.pk), edit_data(story, title="改"))
        assert response.status_code == status
        assert snapshot(story) == before

    def test_an_empty_title_is_refused(self, as_person, showcase):
        story = showcase.draft_a
        before = snapshot(story)

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, title="")
        )

        assert response.status_code == 400
        error_beside(page_form(response.content.decode()), "title", zh("This field is required."))
        assert snapshot(story) == before

    def test_the_author_may_not_add_someone_outside_their_studio(self, as_person, showcase):
        story = showcase.draft_a
        before = snapshot(story)
        people = [showcase.studios.member_a.pk, showcase.org.colleague_a.pk]

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, people=people)
        )

        assert response.status_code == 400
        some_error_beside(page_form(response.content.decode()), "people")
        assert snapshot(story) == before

    def test_the_author_adds_a_studio_member_to_their_draft(self, as_person, showcase):
        story = showcase.draft_a
        people = [showcase.studios.member_a.pk, showcase.studios.lead_a.pk]

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, people=people)
        )

        assert response.status_code == 302
        assert set(story.people.all()) == {showcase.studios.member_a, showcase.studios.lead_a}

    def test_the_author_changes_what_kind_of_work_it_is(self, as_person, showcase):
        story = showcase.draft_a

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, form=Story.Form.SONG)
        )

        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).form == Story.Form.SONG


@pytest.fixture
def crowd(showcase):
    """More people in company A than a form offers as boxes: official_a types
    employee numbers instead."""
    for _ in range(TICKABLE_CHOICES):
        PersonFactory(org_unit=showcase.org.team_a102)
    return showcase


class TestTypedEmployeeNumbers:
    def test_many_people_are_typed_and_the_current_ones_are_filled_in(self, as_person, crowd):
        story = crowd.in_review_a  # about lead_a

        response = as_person(crowd.org.official_a).get(url("story-edit", story.pk))

        field = response.context["form"].fields["people"]
        assert isinstance(field, CodesField)
        html = page_form(response.content.decode())
        assert 'name="people" value="lead_a"' in html

    @pytest.mark.parametrize("typed", ["lead_a member_a", "lead_a、member_a", "lead_a,member_a"])
    def test_typed_employee_numbers_are_saved(self, as_person, crowd, typed):
        story = crowd.in_review_a

        response = as_person(crowd.org.official_a).post(
            url("story-edit", story.pk), edit_data(story, people=typed)
        )

        assert response.status_code == 302
        assert set(story.people.all()) == {crowd.studios.lead_a, crowd.studios.member_a}

    def test_an_employee_number_outside_the_choices_is_named_beside_the_field(
        self, as_person, crowd
    ):
        story = crowd.in_review_a
        before = snapshot(story)

        response = as_person(crowd.org.official_a).post(
            url("story-edit", story.pk), edit_data(story, people="lead_a worker_b")
        )

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "people",
            zh("%(value)s is not among your choices.", value="worker_b"),
        )
        assert snapshot(story) == before


# --- Submit, send back, publish, archive, feature -----------------------------------


class TestSubmit:
    def test_the_author_sends_their_draft_for_review(self, as_person, showcase):
        story = showcase.draft_a

        response = as_person(showcase.studios.lead_a).post(url("story-submit", story.pk))

        assert response.status_code == 302
        assert response.url == url("story-detail", story.pk)
        assert messages_of(response) == [
            ("success", chinese("The story has been sent for review."))
        ]
        story.refresh_from_db()
        assert story.status == Status.IN_REVIEW
        event = story.events.latest("at")
        assert (event.from_state, event.to_state, event.actor) == (
            "draft",
            "in_review",
            showcase.studios.lead_a,
        )

    def test_a_story_already_in_review_is_not_sent_twice(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)

        response = as_person(showcase.studios.lead_a).post(url("story-submit", story.pk))

        assert response.status_code == 302
        assert [level for level, _ in messages_of(response)] == ["error"]
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("official_a", "draft_a", 403),
            ("group_official", "draft_a", 403),
            ("official_b", "draft_a", 404),
            ("worker_a", "draft_a", 404),
            ("member_a", "draft_a", 404),
            ("worker_a", "featured_a", 403),
        ],
    )
    def test_only_the_author_submits(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(url("story-submit", story.pk))
        assert response.status_code == status
        assert snapshot(story) == before

    def test_a_get_is_not_allowed(self, as_person, showcase):
        response = as_person(showcase.studios.lead_a).get(url("story-submit", showcase.draft_a.pk))
        assert response.status_code == 405
        assert Story.objects.get(pk=showcase.draft_a.pk).status == Status.DRAFT


class TestReturn:
    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_sends_it_back_saying_why(self, as_person, showcase, role):
        story = showcase.in_review_a
        by = person(showcase, role)

        response = as_person(by).post(
            url("story-return", story.pk), {"reason": "请补充他带徒弟的事迹"}, follow=True
        )

        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been sent back to its author.") in response.content.decode()
        story.refresh_from_db()
        assert story.status == Status.DRAFT
        event = story.events.latest("at")
        assert (event.from_state, event.to_state, event.actor, event.note) == (
            "in_review",
            "draft",
            by,
            "请补充他带徒弟的事迹",
        )

    def test_the_author_can_edit_it_again_once_sent_back(self, as_person, showcase):
        story = showcase.in_review_a
        services.story_return(story_id=story.pk, by=showcase.org.official_a, reason="补充")
        client = as_person(showcase.studios.lead_a)
        assert client.get(url("story-edit", story.pk)).status_code == 200

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_reason_is_required(self, as_person, showcase, reason):
        story = showcase.in_review_a
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(
            url("story-return", story.pk), {"reason": reason}
        )

        assert response.status_code == 400
        html = form_of(response.content.decode(), url("story-return", story.pk))
        some_error_beside(html, "reason")
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "status"),
        [("lead_a", 403), ("official_b", 404), ("worker_a", 404), ("member_a", 404)],
    )
    def test_others_may_not_send_it_back(self, as_person, showcase, role, status):
        story = showcase.in_review_a
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(
            url("story-return", story.pk), {"reason": "改"}
        )
        assert response.status_code == status
        assert snapshot(story) == before

    def test_a_published_story_is_not_sent_back(self, as_person, showcase):
        story = showcase.featured_a
        before = snapshot(story)
        response = as_person(showcase.org.official_a).post(
            url("story-return", story.pk), {"reason": "改"}
        )
        assert response.status_code == 400
        assert snapshot(story) == before

    def test_a_stale_send_back_says_why_it_was_refused(self, as_person, showcase):
        # Given two officials with the story in review open; one sends it back
        story = showcase.in_review_a
        services.story_return(story_id=story.pk, by=showcase.org.group_official, reason="补充")
        before = snapshot(story)

        # When the other sends it back from the page they still have open
        response = as_person(showcase.org.official_a).post(
            url("story-return", story.pk), {"reason": "也请补充"}, follow=True
        )

        # Then they are told why nothing happened
        shown = response.content.decode() + " ".join(text for _, text in messages_of(response))
        assert zh("Only a story in review can be sent back.") in shown
        assert snapshot(story) == before


class TestPublish:
    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_publishes_a_story_in_review_today(self, as_person, showcase, role):
        story = showcase.in_review_a

        response = as_person(person(showcase, role)).post(
            url("story-publish", story.pk), {"published_on": ""}, follow=True
        )

        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been published.") in response.content.decode()
        story.refresh_from_db()
        assert (story.status, story.published_on) == (Status.PUBLISHED, today())

    def test_an_earlier_date_is_kept(self, as_person, showcase):
        story = showcase.in_review_a
        response = as_person(showcase.org.official_a).post(
            url("story-publish", story.pk), {"published_on": days_ago(30).isoformat()}
        )
        assert response.status_code == 302
        story.refresh_from_db()
        assert (story.status, story.published_on) == (Status.PUBLISHED, days_ago(30))

    def test_a_future_date_is_refused(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(
            url("story-publish", story.pk), {"published_on": days_ago(-1).isoformat()}
        )

        assert response.status_code == 400
        html = form_of(response.content.decode(), url("story-publish", story.pk))
        error_beside(html, "published_on", zh("This date has not come yet."))
        assert snapshot(story) == before

    def test_a_date_that_is_no_date_is_refused(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)
        response = as_person(showcase.org.official_a).post(
            url("story-publish", story.pk), {"published_on": "2024-02-30"}
        )
        assert response.status_code == 400
        some_error_beside(
            form_of(response.content.decode(), url("story-publish", story.pk)), "published_on"
        )
        assert snapshot(story) == before

    def test_an_empty_story_is_not_published(self, as_person, showcase):
        story = make_story(
            showcase.org.official_a, title="空稿", body="", studios=[showcase.studios.dust]
        )
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(url("story-publish", story.pk), {})

        assert response.status_code == 400
        html = form_of(response.content.decode(), url("story-publish", story.pk))
        assert zh("A story needs its text, a media link or a file first.") in html
        assert snapshot(story) == before

    def test_an_archived_story_is_published_again_with_its_first_date(self, as_person, showcase):
        story = showcase.archived_a
        first_date = story.published_on
        response = as_person(showcase.org.official_a).post(url("story-publish", story.pk), {})
        assert response.status_code == 302
        story.refresh_from_db()
        assert (story.status, story.published_on) == (Status.PUBLISHED, first_date)

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("lead_a", "in_review_a", 403),
            ("lead_a", "draft_a", 403),
            ("official_b", "in_review_a", 404),
            ("worker_a", "in_review_a", 404),
            ("official_b", "archived_a", 404),
        ],
    )
    def test_others_may_not_publish(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(url("story-publish", story.pk), {})
        assert response.status_code == status
        assert snapshot(story) == before

    def test_a_leads_draft_is_published_only_after_the_lead_sends_it(self, as_person, showcase):
        # Given lead_a's draft, not yet sent for review
        story = showcase.draft_a
        before = snapshot(story)
        client = as_person(showcase.org.official_a)

        # Then the official is not offered to publish it, and publishing is refused
        page = client.get(url("story-detail", story.pk)).content.decode()
        assert f'action="{url("story-publish", story.pk)}"' not in page
        client.post(url("story-publish", story.pk), {})
        assert snapshot(story) == before

    def test_an_official_publishes_their_own_draft_at_once(self, as_person, showcase):
        story = make_story(
            showcase.org.official_a, title="自己的稿", studios=[showcase.studios.dust]
        )
        response = as_person(showcase.org.official_a).post(url("story-publish", story.pk), {})
        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).status == Status.PUBLISHED


class TestArchive:
    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_archives_a_featured_story_and_it_leaves_the_home_page(
        self, as_person, showcase, role
    ):
        story = showcase.featured_a

        response = as_person(person(showcase, role)).post(url("story-archive", story.pk))

        assert response.status_code == 302
        assert messages_of(response) == [("success", chinese("The story has been archived."))]
        story.refresh_from_db()
        assert (story.status, story.featured) == (Status.ARCHIVED, False)
        assert as_person(showcase.org.worker_a).get(url("story-detail", story.pk)).status_code == (
            404
        )

    def test_a_draft_is_not_archived(self, as_person, showcase):
        story = showcase.draft_a
        before = snapshot(story)
        response = as_person(showcase.org.official_a).post(url("story-archive", story.pk))
        assert response.status_code == 302
        assert [level for level, _ in messages_of(response)] == ["error"]
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("worker_a", "featured_a", 403),
            ("lead_a", "featured_a", 403),
            ("official_b", "featured_a", 403),
            ("official_a", "published_b", 403),
            ("official_b", "draft_a", 404),
            ("worker_b", "in_review_a", 404),
        ],
    )
    def test_others_may_not_archive(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(url("story-archive", story.pk))
        assert response.status_code == status
        assert snapshot(story) == before


class TestFeature:
    def test_an_official_features_a_published_story_and_takes_it_off(self, as_person, showcase):
        story = showcase.published_b
        client = as_person(showcase.org.official_b)

        response = client.post(url("story-feature", story.pk), {"featured": "1"})

        assert response.status_code == 302
        assert messages_of(response) == [("success", chinese("The story is now featured."))]
        assert Story.objects.get(pk=story.pk).featured is True
        home = as_person(showcase.org.worker_a).get(HOME)
        assert story in home.context["featured_stories"]

        client = as_person(showcase.org.official_b)
        response = client.post(url("story-feature", story.pk), {"featured": "0"})

        assert messages_of(response) == [("success", chinese("The story is no longer featured."))]
        assert Story.objects.get(pk=story.pk).featured is False

    def test_an_archived_story_is_not_featured(self, as_person, showcase):
        story = showcase.archived_a
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(
            url("story-feature", story.pk), {"featured": "1"}
        )

        assert response.status_code == 302
        assert messages_of(response) == [
            ("error", chinese("Only a published story can be featured."))
        ]
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("worker_a", "published_b", 403),
            ("lead_b", "published_b", 403),
            ("official_a", "published_b", 403),
            ("official_b", "featured_a", 403),
            ("official_b", "in_review_a", 404),
            ("worker_a", "draft_a", 404),
        ],
    )
    def test_others_may_not_feature(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(
            url("story-feature", story.pk), {"featured": "1"}
        )
        assert response.status_code == status
        assert snapshot(story) == before


# --- Files on a story ---------------------------------------------------------------


class TestAttach:
    def test_the_author_adds_a_recording_and_it_plays_on_the_page(self, as_person, showcase, media):
        story = showcase.draft_a
        client = as_person(showcase.studios.lead_a)

        response = client.post(url("story-attach", story.pk), {"file": mp3()})

        assert response.status_code == 302
        assert response.url == url("story-detail", story.pk) + "#files"
        assert messages_of(response) == [("success", chinese("The file has been added."))]
        attachment = attachments_of(story).get()
        assert (attachment.mime_type, attachment.uploaded_by) == (
            "audio/mpeg",
            showcase.studios.lead_a,
        )
        html = client.get(url("story-detail", story.pk)).content.decode()
        download = reverse("attachment-download", args=[attachment.pk])
        assert f'<audio class="story-media mb-2" controls preload="metadata" src="{download}"' in (
            html
        )

    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_adds_a_video_to_a_story_in_review(self, as_person, showcase, media, role):
        story = showcase.in_review_a
        response = as_person(person(showcase, role)).post(
            url("story-attach", story.pk), {"file": mp4()}
        )
        assert response.status_code == 302
        attachment = attachments_of(story).get()
        assert attachment.mime_type == "video/mp4"
        html = as_person(showcase.studios.lead_a).get(url("story-detail", story.pk))
        assert 'data-testid="story-video"' in html.content.decode()

    def test_a_photo_shows_in_the_story_and_every_reader_may_open_it(
        self, as_person, showcase, media
    ):
        story = showcase.featured_a
        as_person(showcase.org.official_a).post(url("story-attach", story.pk), {"file": jpeg()})
        attachment = attachments_of(story).get()
        download = reverse("attachment-download", args=[attachment.pk])
        for role in ("worker_a", "worker_b", "official_b"):
            client = as_person(person(showcase, role))
            html = client.get(url("story-detail", story.pk)).content.decode()
            assert f'<img class="story-photo mb-2" src="{download}"' in html
            assert client.get(download).status_code == 200

    def test_a_file_on_a_draft_is_not_downloaded_by_outsiders(self, as_person, showcase, media):
        story = showcase.draft_a
        as_person(showcase.studios.lead_a).post(url("story-attach", story.pk), {"file": jpeg()})
        download = reverse("attachment-download", args=[attachments_of(story).get().pk])
        for role in ("lead_a", "official_a"):
            assert as_person(person(showcase, role)).get(download).status_code == 200
        for role in ("worker_a", "official_b", "member_a"):
            assert as_person(person(showcase, role)).get(download).status_code == 404

    def test_a_file_of_a_kind_not_accepted_is_refused_with_a_message(
        self, as_person, showcase, media
    ):
        story = showcase.draft_a
        text = SimpleUploadedFile("说明.txt", "纯文本".encode(), content_type="text/plain")

        response = as_person(showcase.studios.lead_a).post(
            url("story-attach", story.pk), {"file": text}
        )

        assert response.status_code == 302
        assert messages_of(response) == [
            (
                "error",
                chinese("This kind of file is not accepted (photos, audio, video, PDF, Office)."),
            )
        ]
        assert not attachments_of(story).exists()

    def test_the_author_may_not_add_a_file_once_it_is_in_review(self, as_person, showcase, media):
        story = showcase.in_review_a
        response = as_person(showcase.studios.lead_a).post(
            url("story-attach", story.pk), {"file": jpeg()}
        )
        assert response.status_code == 302
        assert [level for level, _ in messages_of(response)] == ["error"]
        assert not attachments_of(story).exists()

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("worker_a", "featured_a", 403),
            ("lead_a", "featured_a", 403),
            ("official_b", "featured_a", 403),
            ("official_b", "draft_a", 404),
            ("worker_a", "draft_a", 404),
        ],
    )
    def test_others_may_not_add_files(self, as_person, showcase, media, role, name, status):
        story = getattr(showcase, name)
        response = as_person(person(showcase, role)).post(
            url("story-attach", story.pk), {"file": jpeg()}
        )
        assert response.status_code == status
        assert not attachments_of(story).exists()

    def test_the_upload_form_is_offered_only_to_those_who_write(self, as_person, showcase):
        action = f'action="{url("story-attach", showcase.draft_a.pk)}"'
        page = url("story-detail", showcase.draft_a.pk)
        assert action in as_person(showcase.studios.lead_a).get(page).content.decode()
        assert action in as_person(showcase.org.official_a).get(page).content.decode()
        featured = url("story-detail", showcase.featured_a.pk)
        html = as_person(showcase.org.worker_a).get(featured).content.decode()
        assert 'enctype="multipart/form-data"' not in html


# --- The honour roll ----------------------------------------------------------------


@pytest.fixture
def roll(showcase):
    """The `showcase` world with honours recorded by the group official:

    - 2022 provincial list (28 named): the dust and turbine studios (both now named)
    - 2023 national list: lead_a (renamed 张建国), craftsman
    - 2023 municipal list: lead_b (renamed 李汽机), model worker
    """
    org, studios = showcase.org, showcase.studios
    User.objects.filter(pk=studios.lead_a.pk).update(full_name="张建国")
    User.objects.filter(pk=studios.lead_b.pk).update(full_name="李汽机")
    studios.lead_a.refresh_from_db()
    studios.lead_b.refresh_from_db()
    official = org.group_official

    def recognition_list(title, level, year, total):
        return studio_services.recognition_list_create(
            by=official,
            title=title,
            level=level,
            conferred_by="省总工会",
            year=year,
            total_named=total,
        )

    provincial = recognition_list("省级示范性劳模创新工作室", Level.PROVINCIAL, 2022, 28)
    for studio in (studios.dust, studios.turbine):
        studio_services.honour_create(by=official, recognition_list=provincial, studio=studio)
    national = recognition_list("全国五一劳动奖章", Level.NATIONAL, 2023, 10)
    studio_services.honour_create(
        by=official,
        recognition_list=national,
        person=studios.lead_a,
        personal_title=Title.CRAFTSMAN,
    )
    municipal = recognition_list("市级劳动模范", Level.MUNICIPAL, 2023, 30)
    studio_services.honour_create(
        by=official,
        recognition_list=municipal,
        person=studios.lead_b,
        personal_title=Title.MODEL_WORKER,
    )
    showcase.provincial, showcase.national, showcase.municipal = provincial, national, municipal
    return showcase


def section_names(levels, name_of) -> list[tuple[str, list]]:
    return [(section["level"], [name_of(row) for row in section["rows"]]) for section in levels]


class TestHonourRoll:
    @pytest.mark.parametrize("role", EVERY_ROLE)
    def test_every_signed_in_role_opens_it(self, as_person, roll, role):
        response = as_person(person(roll, role)).get(ROLL)
        assert response.status_code == 200
        assert section_names(response.context["people_levels"], lambda h: h.person) == [
            ("national", [roll.studios.lead_a]),
            ("municipal", [roll.studios.lead_b]),
        ]
        html = response.content.decode()
        assert html.count('data-testid="roll-person"') == 2
        assert f'href="{url("profile", roll.studios.lead_a.pk)}"' in html
        assert "张建国" in html
        assert "李汽机" in html

    def test_anonymous_is_sent_to_the_login(self, client, roll):
        assert_sent_to_login(client.get(ROLL), ROLL)

    def test_named_studios_by_level_with_our_share(self, as_person, roll):
        response = as_person(roll.org.worker_b).get(ROLL)
        levels = response.context["studio_levels"]
        assert [(section["level"], section["rows"]) for section in levels] == [
            ("provincial", [roll.provincial])
        ]
        listed = levels[0]["rows"][0]
        assert [h.studio for h in listed.named_studios] == [roll.studios.dust, roll.studios.turbine]
        assert (listed.share.ours, listed.share.total) == (2, 28)
        html = response.content.decode()
        share = html[html.index('data-testid="roll-share"') :]
        share = share[: share.index("</span>")]
        assert zh("ours %(ours)s of %(total)s", ours=2, total=28) in share
        assert "7.1%" in share
        assert roll.studios.dust.name in html
        assert roll.studios.turbine.name in html
        assert "省级示范性劳模创新工作室" in html

    def test_a_year_narrows_the_honours(self, as_person, roll):
        client = as_person(roll.org.worker_a)

        response = client.get(ROLL, {"year": 2023})
        assert response.context["year"] == 2023
        assert response.context["studio_levels"] == []
        assert [s["level"] for s in response.context["people_levels"]] == ["national", "municipal"]

        response = client.get(ROLL, {"year": 2022})
        assert response.context["people_levels"] == []
        assert [s["level"] for s in response.context["studio_levels"]] == ["provincial"]
        html = response.content.decode()
        assert 'data-testid="roll-person"' not in html
        assert "张建国" not in html

    @pytest.mark.parametrize("year", ["abc", "1800", "2023.5", "-1", "9" * 30, "2023abc"])
    def test_a_year_that_is_no_year_shows_every_year(self, as_person, roll, year):
        response = as_person(roll.org.worker_a).get(ROLL, {"year": year})
        assert response.status_code == 200
        assert response.context["year"] is None
        assert len(response.context["people_levels"]) == 2

    def test_the_years_awards_section_is_empty_without_awards(self, as_person, roll):
        response = as_person(roll.org.worker_a).get(ROLL)
        assert response.context["awards_year"] == today().year
        assert response.context["awarded"] == []
        assert response.context["adopted"] == []


# --- Craftsman profiles -------------------------------------------------------------


@pytest.fixture
def lineage(roll):
    """On top of `roll`: 张建国 (lead_a) trained member_a (李师傅), who trains
    王小明 (team A102); a proposed pairing of 张建国 with 赵小刚 has not started."""
    org, studios = roll.org, roll.studios
    User.objects.filter(pk=studios.member_a.pk).update(full_name="李师傅")
    studios.member_a.refresh_from_db()
    third = PersonFactory(employee_no="tudi", full_name="王小明", org_unit=org.team_a102)
    waiting = PersonFactory(employee_no="waiting", full_name="赵小刚", org_unit=org.team_a102)

    def pair(mentor, apprentice, *, activate=True):
        pairing = mentoring.pairing_propose(
            by=org.official_a,
            mentor=mentor,
            apprentice=apprentice,
            starts_on=days_ago(200),
            planned_end_on=days_ago(200) + datetime.timedelta(days=730),
            target_skill_level="senior",
            goals="传帮带",
        )
        if activate:
            pairing = mentoring.pairing_activate(
                pairing_id=pairing.pk, by=org.official_a, agreement_signed_on=days_ago(200)
            )
        return pairing

    roll.first = pair(studios.lead_a, studios.member_a)
    roll.second = pair(studios.member_a, third)
    pair(studios.lead_a, waiting, activate=False)
    roll.third, roll.waiting = third, waiting
    return roll


def lineage_nodes(html: str) -> list[tuple[str, str]]:
    """(generation, text) of each node of the lineage, in page order."""
    section = html[html.index('data-testid="lineage"') :]
    section = section[: section.index("</section>")]
    return [
        (generation, re.sub(r"<[^>]+>", "", body).split()[0])
        for generation, body in re.findall(
            r'data-testid="lineage-node" data-generation="(\d+)">\s*<span class="lineage-person">'
            r"(.*?)</span>\s*</span>",
            section,
            re.S,
        )
    ]


class TestProfile:
    def test_an_honoured_person_is_seen_by_a_worker_of_another_company(self, as_person, lineage):
        lead = lineage.studios.lead_a

        response = as_person(lineage.org.worker_b).get(url("profile", lead.pk))

        assert response.status_code == 200
        html = response.content.decode()
        assert '<h1 class="h4 mb-1" data-testid="profile-name">张建国</h1>' in html
        assert html.count('data-testid="profile-honour"') == 1
        assert "全国五一劳动奖章" in html

    @pytest.mark.parametrize("viewer", ["worker_b", "worker_a", "official_a", "lead_a"])
    def test_the_lineage_shows_two_generations(self, as_person, lineage, viewer):
        lead = lineage.studios.lead_a

        response = as_person(person(lineage, viewer)).get(url("profile", lead.pk))

        assert response.context["lineage_size"] == 2
        (child,) = response.context["lineage"]
        assert (child.person, child.generation) == (lineage.studios.member_a, 1)
        (grandchild,) = child.children
        assert (grandchild.person, grandchild.generation, grandchild.children) == (
            lineage.third,
            2,
            [],
        )
        html = response.content.decode()
        assert lineage_nodes(html) == [("1", "李师傅"), ("2", "王小明")]
        # the grandchild sits inside the child's branch
        node = html[html.index('data-generation="1"') :]
        assert node.index('data-generation="2"') < node.index("</li>")
        assert "赵小刚" not in html  # a pairing that has not started is no lineage

    def test_apprentices_link_to_profiles_only_where_the_reader_may_open_them(
        self, as_person, lineage
    ):
        lead, member = lineage.studios.lead_a, lineage.studios.member_a
        html = as_person(lineage.org.worker_a).get(url("profile", lead.pk)).content.decode()
        assert f'href="{url("profile", member.pk)}"' in html
        assert f'href="{url("profile", lineage.third.pk)}"' in html

        html = as_person(lineage.org.worker_b).get(url("profile", lead.pk)).content.decode()
        assert "李师傅" in html
        assert f'href="{url("profile", member.pk)}"' not in html
        assert f'href="{url("profile", lineage.third.pk)}"' not in html

    def test_an_apprentices_profile_names_whom_they_learnt_from(self, as_person, lineage):
        member = lineage.studios.member_a
        response = as_person(lineage.org.worker_a).get(url("profile", member.pk))
        assert [p.mentor for p in response.context["mentors"]] == [lineage.studios.lead_a]
        html = response.content.decode()
        assert f'href="{url("profile", lineage.studios.lead_a.pk)}"' in html
        assert lineage_nodes(html) == [("1", "王小明")]

    def test_the_mentor_is_linked_only_when_the_reader_may_open_their_profile(
        self, as_person, lineage
    ):
        # Given 王小明 (company A) honoured, and his mentor 李师傅 no public figure
        enterprise = studio_services.recognition_list_create(
            by=lineage.org.official_a,
            title="公司青年技能标兵",
            level=Level.ENTERPRISE,
            conferred_by="A 公司",
            year=2024,
            total_named=5,
        )
        studio_services.honour_create(
            by=lineage.org.official_a,
            recognition_list=enterprise,
            person=lineage.third,
            personal_title=Title.OTHER,
        )
        member = lineage.studios.member_a
        client = as_person(lineage.org.worker_b)
        assert client.get(url("profile", member.pk)).status_code == 404

        # When a worker of company B opens 王小明's profile
        html = client.get(url("profile", lineage.third.pk)).content.decode()

        # Then the mentor is named but not linked to a page they cannot open
        assert "李师傅" in html
        assert f'href="{url("profile", member.pk)}"' not in html

    def test_the_published_stories_about_the_person_are_listed(self, as_person, lineage):
        lead = lineage.studios.lead_a
        response = as_person(lineage.org.worker_b).get(url("profile", lead.pk))
        assert response.context["stories"]["rows"] == [lineage.featured_a]
        html = response.content.decode()
        block = html[html.index('data-testid="profile-stories"') :]
        block = block[: block.index("</section>")]
        assert f'href="{url("story-detail", lineage.featured_a.pk)}"' in block
        assert lineage.in_review_a.title not in html  # about lead_a, but not published

    def test_the_author_does_not_see_their_story_in_review_on_the_profile(self, as_person, lineage):
        lead = lineage.studios.lead_a
        response = as_person(lead).get(url("profile", lead.pk))
        assert response.context["stories"]["rows"] == [lineage.featured_a]

    @pytest.mark.parametrize(
        ("viewer", "subject"),
        [
            ("worker_b", "colleague_a"),  # an ordinary person of another company
            ("worker_b", "member_a"),  # named only in a draft
            ("worker_a", "worker_b"),
            ("official_a", "worker_b"),
            ("lead_b", "worker_a"),
        ],
    )
    def test_an_ordinary_person_of_another_company_is_404(
        self, as_person, lineage, viewer, subject
    ):
        response = as_person(person(lineage, viewer)).get(
            url("profile", person(lineage, subject).pk)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("viewer", "subject"),
        [
            ("worker_a", "colleague_a"),  # the same company's directory
            ("worker_b", "lead_b"),  # honoured, own company
            ("group_official", "worker_b"),
            ("official_b", "lead_a"),  # honoured, another company
            ("worker_b", "lead_a"),
            ("admin", "member_a"),
        ],
    )
    def test_people_in_the_directory_or_named_publicly_open(
        self, as_person, lineage, viewer, subject
    ):
        subject = person(lineage, subject)
        response = as_person(person(lineage, viewer)).get(url("profile", subject.pk))
        assert response.status_code == 200
        assert response.context["person"] == subject

    def test_someone_in_a_published_story_opens_to_another_company(self, as_person, showcase):
        # lead_b is not honoured in this world, only the subject of a published song
        response = as_person(showcase.org.worker_a).get(url("profile", showcase.studios.lead_b.pk))
        assert response.status_code == 200
        assert response.context["stories"]["rows"] == [showcase.published_b]

    def test_an_unknown_person_is_404(self, as_person, showcase):
        assert as_person(showcase.org.admin).get(url("profile", 999_999)).status_code == 404

    def test_a_profile_without_apprentices_says_so(self, as_person, roll):
        response = as_person(roll.org.worker_a).get(url("profile", roll.studios.lead_b.pk))
        assert response.context["lineage"] == []
        html = response.content.decode()
        assert 'data-testid="lineage-node"' not in html
        assert zh("No apprentices recorded yet.") in html


# --- Search -------------------------------------------------------------------------


@pytest.fixture
def searchable(roll):
    """`roll` with a published story and a draft that both mention 粉尘."""
    org, studios = roll.org, roll.studios
    roll.dust_story = publish(
        make_story(
            org.official_a,
            title="降尘能手张建国",
            people=[studios.lead_a],
            studios=[studios.dust],
            body="他把粉尘浓度降到了国家标准以下。",
        ),
        org.official_a,
    )
    roll.dust_draft = make_story(
        studios.lead_a, title="粉尘治理（未发表）", people=[studios.lead_a], studios=[studios.dust]
    )
    roll.dust_in_review = services.story_submit(
        story_id=make_story(studios.lead_a, title="粉尘快板（待审）", studios=[studios.dust]).pk,
        by=studios.lead_a,
    )
    return roll


class TestSearch:
    @pytest.mark.parametrize("role", ["worker_a", "worker_b"])
    def test_a_chinese_fragment_finds_studios_and_stories(self, as_person, searchable, role):
        response = as_person(person(searchable, role)).get(SEARCH, {"q": "粉尘"})
        assert response.status_code == 200
        context = response.context
        assert context["studios"] == [searchable.studios.dust]
        assert context["stories"] == [searchable.dust_story]
        html = response.content.decode()
        assert f'href="{url("story-detail", searchable.dust_story.pk)}"' in html
        assert searchable.studios.dust.name in html

    @pytest.mark.parametrize(
        ("reader", "query"),
        [("worker_b", "建国"), ("worker_b", "张"), ("worker_a", "lead_a")],
    )
    def test_a_fragment_of_a_name_or_an_employee_number_finds_a_person(
        self, as_person, searchable, reader, query
    ):
        # (an employee number only within the reader's own directory)
        response = as_person(person(searchable, reader)).get(SEARCH, {"q": query})
        assert searchable.studios.lead_a in response.context["people"]
        html = response.content.decode()
        block = html[html.index('data-testid="search-people"') :]
        assert f'href="{url("profile", searchable.studios.lead_a.pk)}"' in block

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "member_a", "lead_a", "official_a"])
    def test_drafts_and_stories_in_review_are_never_listed(self, as_person, searchable, role):
        response = as_person(person(searchable, role)).get(SEARCH, {"q": "粉尘"})
        html = response.content.decode()
        for story in (searchable.dust_draft, searchable.dust_in_review):
            assert story not in response.context["stories"]
            assert story.title not in html

    def test_a_person_the_reader_may_not_open_is_not_found(self, as_person, searchable):
        response = as_person(searchable.org.worker_b).get(
            SEARCH, {"q": searchable.org.colleague_a.full_name}
        )
        assert response.context["people"] == []
        html = response.content.decode()
        results = html[html.index('data-testid="search-people"') :]
        assert searchable.org.colleague_a.full_name not in results

    def test_a_studio_outside_the_readers_sight_is_not_found(self, as_person, searchable):
        # the washing studio is established but not named: company B cannot see it
        response = as_person(searchable.org.worker_b).get(SEARCH, {"q": "洗选"})
        assert response.context["studios"] == []
        response = as_person(searchable.org.official_a).get(SEARCH, {"q": "洗选"})
        assert response.context["studios"] == [searchable.studios.washing]

    @pytest.mark.parametrize("query", ["", "   "])
    def test_an_empty_query_lists_nothing(self, as_person, searchable, query):
        response = as_person(searchable.org.worker_a).get(SEARCH, {"q": query})
        assert response.status_code == 200
        assert (response.context["stories"], response.context["people"]) == ([], [])
        assert 'data-testid="search-people"' not in response.content.decode()

    def test_an_employee_number_of_another_company_is_not_confirmed(self, as_person, searchable):
        response = as_person(searchable.org.worker_b).get(SEARCH, {"q": "lead_a"})
        assert response.context["people"] == []

    @pytest.mark.parametrize("query", ["粉" * 101, "ab\x00c"])
    def test_a_query_too_long_or_with_a_nul_is_refused_with_a_message(
        self, as_person, searchable, query
    ):
        response = as_person(searchable.org.worker_a).get(SEARCH, {"q": query})
        assert response.status_code == 400
        assert response.context["errors"]
        assert 'class="alert alert-warning"' in response.content.decode()

    @pytest.mark.parametrize("query", ["%", "_", "'; DROP TABLE showcase_story; --", "粉" * 100])
    def test_odd_queries_do_not_fail(self, as_person, searchable, query):
        response = as_person(searchable.org.worker_a).get(SEARCH, {"q": query})
        assert response.status_code == 200
        assert Story.objects.filter(pk=searchable.dust_story.pk).exists()


# --- The worker's home page ---------------------------------------------------------


class TestHome:
    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "member_a", "lead_a"])
    def test_a_worker_sees_featured_stories_and_newest_honours_above_their_proposals(
        self, as_person, roll, role
    ):
        response = as_person(person(roll, role)).get(HOME)

        assert response.status_code == 200
        assert response.context["featured_stories"] == [roll.featured_a]
        honours = response.context["newest_honours"]
        assert {h.person for h in honours if h.person} == {roll.studios.lead_a, roll.studios.lead_b}
        assert {h.studio for h in honours if h.studio} == {roll.studios.dust, roll.studios.turbine}
        html = response.content.decode()
        showcase = html.index('data-testid="home-showcase"')
        assert showcase < html.index('data-testid="five-small"')
        block = html[showcase : html.index("</section>", showcase)]
        assert f'href="{url("story-detail", roll.featured_a.pk)}"' in block
        assert roll.published_b.title not in block  # published, not featured
        assert f'href="{url("profile", roll.studios.lead_a.pk)}"' in block
        assert "张建国" in block
        assert f'href="{ROLL}"' in block

    def test_the_newest_honours_come_first(self, as_person, roll):
        honours = as_person(roll.org.worker_a).get(HOME).context["newest_honours"]
        assert [h.recognition_list.year for h in honours] == [2023, 2023, 2022, 2022]

    def test_archived_and_unpublished_stories_are_never_on_the_home_page(self, as_person, showcase):
        services.story_archive(story_id=showcase.featured_a.pk, by=showcase.org.official_a)
        response = as_person(showcase.org.worker_a).get(HOME)
        assert response.context["featured_stories"] == []
        assert 'data-testid="home-showcase"' not in response.content.decode()

    def test_a_featured_story_of_another_company_is_on_every_home_page(self, as_person, showcase):
        services.story_feature(
            story_id=showcase.published_b.pk, by=showcase.org.official_b, featured=True
        )
        response = as_person(showcase.org.worker_a).get(HOME)
        assert response.context["featured_stories"] == [showcase.published_b, showcase.featured_a]

    @pytest.mark.parametrize("role", ["official_a", "official_b", "group_official"])
    def test_an_officials_home_is_still_the_dashboard(self, as_person, roll, role):
        response = as_person(person(roll, role)).get(HOME)
        assert response.status_code == 200
        assert "reports/dashboard.html" in [t.name for t in response.templates]
        assert "reports/home.html" not in [t.name for t in response.templates]
        assert 'data-testid="home-showcase"' not in response.content.decode()


# --- Links on a story page ----------------------------------------------------------


def test_a_story_links_only_studios_the_reader_may_open(as_person, showcase):
    # Given a published story about the dust studio, which is established, not named
    client = as_person(showcase.org.worker_b)
    studio_page = reverse("studios:studio-detail", args=[showcase.studios.dust.pk])
    assert client.get(studio_page).status_code == 404

    # When a worker of company B reads it
    html = client.get(url("story-detail", showcase.featured_a.pk)).content.decode()

    # Then the studio is named, without a link that leads nowhere
    assert showcase.studios.dust.name in html
    assert f'href="{studio_page}"' not in html
