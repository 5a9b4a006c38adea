"""Markdown is rendered once, at save, by cmark-gfm (linear on any input) into
`Story.body_html`: raw HTML dropped whole, images only from this site, `#` an h1."""

import pytest

from showcase import services
from showcase.models import STORY_BODY_MAX_CHARS, Story
from tests.api_answers import url as api_url
from tests.showcase.api import STORIES, sign_in
from tests.showcase.api import story_body as api_story
from tests.showcase.conftest import make_story
from tests.showcase.pages import edit_data, story_body
from tests.showcase.pages import url as page_url
from tests.showcase.story_checks import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- 1. Markdown rendered once at save ----------------------------------------------------------

# Bodies that kept the old renderer busy for minutes (each as long as a body may be).
PATHOLOGICAL_BODIES = {
    "nested-brackets": "[" * 30_000 + "]" * 30_000,
    "unclosed-links": "[a](" * 15_000,
}

RAW_HTML = (
    '<div onclick="steal()">块里的字</div>\n\n'
    "<script>alert('块')</script>\n\n"
    '<iframe src="https://evil.example/"></iframe>\n\n'
    '正文 <b onmouseover="steal()">粗</b> 和 <img src="x" onerror="steal()"> 结束'
)


def story_by_official(s, body: str) -> Story:
    return make_story(
        s.org.official_a, body=body, people=[s.studios.lead_a], studios=[s.studios.dust]
    )


class TestMarkdownRenderedOnceAtSave:
    @pytest.mark.parametrize("body", PATHOLOGICAL_BODIES.values(), ids=PATHOLOGICAL_BODIES.keys())
    def test_a_pathological_body_saves_and_its_page_and_api_show_it(
        self, api, as_person, showcase, body
    ):
        # Given a body of the longest allowed kind that once took the renderer minutes
        s = showcase
        assert len(body) == STORY_BODY_MAX_CHARS

        # When the lead saves it through the API
        created = sign_in(api, s, "lead_a").post(STORIES, api_story(s, body=body), format="json")

        # Then it is stored with its HTML, and the story's page and API answer show the text
        assert created.status_code == 201, created.content[:300]
        story = Story.objects.get(pk=created.json()["id"])
        assert story.body == body
        assert story.body_html == f"<p>{body}</p>\n"
        page = as_person(s.studios.lead_a).get(page_url("story-detail", story.pk))
        assert page.status_code == 200
        assert story_body(page.content.decode()) == story.body_html
        answer = api.get(api_url(STORIES, story))
        assert answer.status_code == 200
        assert (answer.json()["body"], answer.json()["body_html"]) == (body, story.body_html)

    def test_editing_the_body_renders_it_again(self, api, as_person, showcase):
        # Given the lead's draft with its first text rendered
        s = showcase
        story = s.draft_a
        assert "<h2>一线</h2>" in fresh(story).body_html

        # When the lead changes the body with the service, the API and the page
        services.story_update(story_id=story.pk, by=s.studios.lead_a, body="**新的正文**")
        after_service = fresh(story).body_html
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, story), {"body": "> 引言"}, format="json"
        )
        after_api = response.json()["body_html"]
        page = as_person(s.studios.lead_a).post(
            page_url("story-edit", story.pk), edit_data(fresh(story), body="- 第一条\n- 第二条")
        )

        # Then each time the stored HTML is the new text's, and nothing of the old one
        assert after_service == "<p><strong>新的正文</strong></p>\n"
        assert response.status_code == 200, response.content
        assert "<blockquote>" in after_api and "引言" in after_api
        assert "新的正文" not in after_api
        assert page.status_code == 302
        html = fresh(story).body_html
        assert "<ul>" in html and "<li>第一条</li>" in html
        assert "引言" not in html and "一线" not in html

    def test_the_page_shows_the_html_stored_at_save(self, as_person, showcase):
        # Given a published story whose stored HTML differs from what its body renders to
        story = showcase.featured_a
        Story.objects.filter(pk=story.pk).update(body_html="<p>保存时的页面</p>")

        # When a reader opens it
        html = as_person(showcase.org.worker_b).get(page_url("story-detail", story.pk))

        # Then the page shows the stored HTML: nothing is rendered on reading
        assert story_body(html.content.decode()) == "<p>保存时的页面</p>"

    def test_the_api_does_not_let_a_client_write_the_html(self, api, showcase):
        s = showcase
        before = fresh(s.draft_a).body_html
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, s.draft_a),
            {"title": "新标题", "body_html": "<script>alert(1)</script>"},
            format="json",
        )
        # Refused whole with the field named (docs/api.md): nothing is saved.
        assert response.status_code == 400, response.content
        assert "body_html" in response.json()["errors"]
        assert fresh(s.draft_a).body_html == before
        assert fresh(s.draft_a).title == s.draft_a.title

    def test_raw_html_in_the_body_is_dropped_whole(self, as_person, showcase):
        # Given a story whose body holds HTML blocks and inline tags with handlers
        story = story_by_official(showcase, RAW_HTML)

        # When it is saved and shown
        stored = fresh(story).body_html
        page = as_person(showcase.org.official_a).get(page_url("story-detail", story.pk))

        # Then no tag, attribute or block content of the HTML reaches the page
        for gone in (
            "<div",
            "<script",
            "<iframe",
            "<b ",
            "<b>",
            "<img",
            "onclick",
            "onmouseover",
            "onerror",
            "steal",
            "alert",
            "块里的字",
            "evil.example",
        ):
            assert gone not in stored, gone
        assert "正文" in stored and "结束" in stored
        assert story_body(page.content.decode()) == stored

    @pytest.mark.parametrize(
        "src",
        [
            "https://elsewhere.example/p.png",
            "//elsewhere.example/p.png",
            "http://elsewhere.example/p.png",
        ],
    )
    def test_an_image_from_another_site_loses_its_source(self, showcase, src):
        story = story_by_official(showcase, f"![现场]({src})")
        html = fresh(story).body_html
        assert "<img" in html and 'alt="现场"' in html
        assert "src=" not in html
        assert "elsewhere" not in html

    def test_an_image_from_this_site_keeps_its_source(self, showcase):
        story = story_by_official(showcase, "![现场](/files/1/)")
        assert '<img src="/files/1/" alt="现场">' in fresh(story).body_html

    @pytest.mark.parametrize(
        ("markdown", "src"),
        [
            ("![现场](/\\evil.example/p.png)", "/%5Cevil.example/p.png"),
            ("![现场](</\t/evil.example/p.png>)", "/%09/evil.example/p.png"),
        ],
        ids=["backslash", "tab"],
    )
    def test_a_path_a_browser_might_read_as_another_host_stays_on_this_site(
        self, showcase, markdown, src
    ):
        # Given an image path that a browser would normalise to //evil.example/… if kept raw
        story = story_by_official(showcase, markdown)
        # Then the character is percent-encoded: the image stays a path of this site
        assert f'<img src="{src}" alt="现场">' in fresh(story).body_html

    def test_a_link_to_another_site_stays_a_link(self, showcase):
        story = story_by_official(showcase, "[报道](https://elsewhere.example/news)")
        html = fresh(story).body_html
        assert 'href="https://elsewhere.example/news"' in html
        assert "nofollow" in html

    def test_a_hash_heading_is_an_h1_inside_the_story_body(self, as_person, showcase):
        # Given a story whose text opens with a level-one heading
        story = story_by_official(showcase, "# 大国工匠\n\n他在井下干了二十年。")

        # When it is shown
        page = as_person(showcase.org.official_a).get(page_url("story-detail", story.pk))

        # Then the heading is an h1 within the story's body
        body = story_body(page.content.decode())
        assert body.startswith("<h1>大国工匠</h1>")
        assert "<p>他在井下干了二十年。</p>" in body
