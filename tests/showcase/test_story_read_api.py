"""The stories API for reading: anonymous callers, who reads which story,
the filters, and story bodies rendered without script."""

import datetime

import pytest

from showcase import services
from showcase.models import Story
from tests.api_answers import field_errors, ids, refused, results, url
from tests.roles import person
from tests.showcase.api import (
    ATTACHMENTS,
    EVERY_STORY,
    PROFILES,
    STORIES,
    mp3,
    mp4,
    sign_in,
    snapshot,
    story_body,
)
from tests.showcase.conftest import days_ago, make_story, publish

pytestmark = pytest.mark.django_db

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
