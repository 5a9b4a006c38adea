"""Showcase pages: what anonymous visitors meet, the story list with its
featured works and the officials' review count, and a story's page (its
links, and script in a story rendered harmless)."""

import pytest
from django.urls import reverse

from showcase import services
from showcase.models import Story
from studios.models import RecognitionList
from tests.page_html import page_form
from tests.roles import person
from tests.showcase.conftest import make_story, publish
from tests.showcase.pages import (
    EVERY_ROLE,
    NEW,
    ROLL,
    SEARCH,
    assert_sent_to_login,
    jpeg,
    snapshot,
    some_error_beside,
    story_body,
    story_data,
    url,
    zh,
)

pytestmark = pytest.mark.django_db

LIST = reverse("showcase:story-list")

Level = RecognitionList.Level

# Who reads a draft or a story in review of lead_a's (company A): its author
# and the officials over its unit; everyone else gets 404.
READERS_OF_A_DRAFT = ["lead_a", "official_a", "group_official", "admin"]

OUTSIDERS_OF_A_DRAFT = ["worker_a", "worker_b", "member_a", "lead_b", "official_b"]


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

    @pytest.mark.parametrize(
        ("role", "name", "shown"),
        [
            ("lead_a", "in_review_a", True),  # its author, waiting without a button
            ("official_a", "in_review_a", True),
            ("official_a", "featured_a", True),
            ("official_b", "featured_a", False),
            ("worker_a", "featured_a", False),
            ("lead_a", "featured_a", False),  # written about, not its author
        ],
    )
    def test_the_history_is_shown_to_its_author_and_the_officials_over_it(
        self, as_person, showcase, role, name, shown
    ):
        story = getattr(showcase, name)
        response = as_person(person(showcase, role)).get(url("story-detail", story.pk))
        assert (zh("History") in response.content.decode()) is shown

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
