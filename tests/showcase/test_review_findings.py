"""Pins for the fixes made after the showcase review, one section each:

1. Markdown is rendered once, at save, by cmark-gfm (linear on any input) into
   `Story.body_html`: raw HTML dropped whole, images only from this site, `#` an h1.
2. The lineage on dense, looping data: each person once, at their nearest place.
3. A lineage's pairing details (skill level, status, years) only for those who may
   read the pairing; the names stay public.
4. A studio lead's edit keeps the subjects an official added beyond the lead's reach.
5. Typed codes are capped at `core.forms.MAX_TYPED_CODES`.
6. Byte ranges for a story's audio and video; other files ignore them.
7. The stories' large limit is for audio and video only; photos keep the ordinary one.
8. No publication date before 1950, media links only over http(s).
9. Featuring and taking off are kept in the story's history.
10. A refused publish or send-back says why on the page.
"""

import datetime
import io
import random
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts.models import SkillLevel, User
from apprenticeships.models import Pairing
from apprenticeships.selectors import lineage_pairings
from core.attachments import attachments_of
from core.forms import MAX_TYPED_CODES, TICKABLE_CHOICES, CodesField
from core.models import Attachment
from showcase import services
from showcase.models import STORY_BODY_MAX_CHARS, Story
from showcase.selectors import lineage_tree
from showcase.selectors.profiles import lineage_size
from tests.api_answers import field_errors
from tests.core.test_attachments import PDF
from tests.factories import PersonFactory
from tests.page_html import error_beside, page_form
from tests.showcase.conftest import make_story
from tests.showcase.test_api import PROFILES, STORIES, pair, sign_in
from tests.showcase.test_api import story_body as api_story
from tests.showcase.test_api import url as api_url
from tests.showcase.test_lineage import everyone
from tests.showcase.test_pages import (
    edit_data,
    some_error_beside,
    story_body,
    zh,
)
from tests.showcase.test_pages import url as page_url
from tests.showcase.test_selectors import viewer
from tests.showcase.test_services import MP3, MP4, mp3, mp4

pytestmark = pytest.mark.django_db

Status = Story.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def fresh(story: Story) -> Story:
    return Story.objects.get(pk=story.pk)


def subjects(story: Story) -> tuple[set, set]:
    story = fresh(story)
    return set(story.people.all()), set(story.studios.all())


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
        assert response.status_code == 200, response.content
        assert fresh(s.draft_a).body_html == before
        assert fresh(s.draft_a).title == "新标题"

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


# --- 2. The lineage on dense, looping data -------------------------------------------------------


def ten_people(org) -> list[User]:
    return [PersonFactory(full_name=f"匠{i}", org_unit=org.team_a101) for i in range(10)]


def all_pairs(crowd) -> list[tuple[User, User]]:
    return [
        (mentor, apprentice) for mentor in crowd for apprentice in crowd if mentor != apprentice
    ]


INSERTION_ORDERS = {
    "as-written": lambda pairs: list(pairs),
    "reversed": lambda pairs: list(reversed(pairs)),
    "shuffled": lambda pairs: random.Random(2024).sample(pairs, len(pairs)),
}


def pair_up(org, pairs) -> None:
    """Completed pairings written straight into the table (as an import would):
    not self, ended after the start, signed, none open, so every constraint holds."""
    for mentor, apprentice in pairs:
        pair(mentor, apprentice, org.team_a101, org.official_a, status=Pairing.Status.COMPLETED)


def tree_shape(nodes) -> list:
    """(name, generation, children) all the way down, siblings in name order."""
    return sorted(
        (node.person.full_name, node.generation, tree_shape(node.children)) for node in nodes
    )


class TestDenseLineage:
    @pytest.mark.parametrize("order", INSERTION_ORDERS)
    def test_ten_people_mentoring_each_other_each_show_once_at_generation_one(self, org, order):
        # Given ten people, each of whom trained each of the other nine
        crowd = ten_people(org)
        pair_up(org, INSERTION_ORDERS[order](all_pairs(crowd)))
        root, others = crowd[0], crowd[1:]

        # When the first one's lineage is read
        tree = lineage_tree(root, viewer(org.worker_a))

        # Then the nine others are their apprentices, each once, and the root never
        assert tree_shape(tree) == sorted((person.full_name, 1, []) for person in others)
        shown = everyone(tree)
        assert len(shown) == len(set(shown)) == lineage_size(tree) == 9
        assert root.full_name not in shown
        rows = lineage_pairings(root)
        assert sorted(row.apprentice_id for row in rows) == sorted(p.pk for p in others)
        assert {(row.mentor_id, row.generation) for row in rows} == {(root.pk, 1)}

    @pytest.mark.parametrize("generations", [3, 10])
    def test_every_one_of_them_sees_the_nine_others_once(self, org, generations):
        crowd = ten_people(org)
        pair_up(org, all_pairs(crowd))
        for root in crowd:
            tree = lineage_tree(root, viewer(org.official_a), generations=generations)
            expected = sorted((p.full_name, 1, []) for p in crowd if p != root)
            assert tree_shape(tree) == expected, root.full_name

    def test_the_lineage_is_the_same_whatever_the_insertion_order(self, org):
        # Given the same dense pairings written in three different orders
        crowd = ten_people(org)
        readings = {}
        for name, order in INSERTION_ORDERS.items():
            Pairing.objects.all().delete()
            pair_up(org, order(all_pairs(crowd)))
            # When every one of them has their lineage read
            readings[name] = {
                root.full_name: tree_shape(lineage_tree(root, viewer(org.official_a)))
                for root in crowd
            }
        # Then the readings agree
        assert readings["as-written"] == readings["reversed"] == readings["shuffled"]

    def test_a_dense_circle_below_an_apprentice_hangs_under_them_once(self, org):
        # Given a master who trained one of the ten, who all trained each other
        # and the master too (bad data: loops back to the root)
        master = PersonFactory(full_name="师傅", org_unit=org.team_a101)
        crowd = ten_people(org)
        first, rest = crowd[0], crowd[1:]
        pair(master, first, org.team_a101, org.official_a, status=Pairing.Status.COMPLETED)
        pair_up(org, all_pairs(crowd) + [(person, master) for person in crowd])

        # When the master's lineage is read
        tree = lineage_tree(master, viewer(org.worker_a))

        # Then the first is at generation one and the nine others under them, each once
        assert tree_shape(tree) == [
            (first.full_name, 1, sorted((p.full_name, 2, []) for p in rest))
        ]
        assert "师傅" not in everyone(tree)


# --- 3. Lineage details only for those who read the pairing -------------------------------------


@pytest.fixture
def trained(showcase):
    """lead_a (public through the featured story) trained member_a (a completed
    pairing of team A101, made public by publishing the draft about them), who
    now trains 徒孙 (an active pairing of team A101)."""
    s = showcase
    lead, member = s.studios.lead_a, s.studios.member_a
    s.grandchild = PersonFactory(full_name="徒孙", org_unit=s.org.team_a101)
    s.first = pair(
        lead,
        member,
        s.org.team_a101,
        s.org.official_a,
        status=Pairing.Status.COMPLETED,
        years_ago=5,
    )
    s.second = pair(member, s.grandchild, s.org.team_a101, s.org.official_a, years_ago=2)
    services.story_submit(story_id=s.draft_a.pk, by=lead)
    services.story_publish(story_id=s.draft_a.pk, by=s.org.official_a)
    return s


def lineage_details(html: str) -> list[str]:
    """The text of each lineage node's details, in page order."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'data-testid="lineage-details">(.*?)</span>', html, re.S)
    ]


def skill_label(level: str) -> str:
    with translation.override("zh-hans"):
        return str(SkillLevel(level).label)


def details_shown(pairing: Pairing) -> dict:
    return {
        "status": pairing.status,
        "starts_on": pairing.starts_on.isoformat(),
        "ended_on": pairing.ended_on.isoformat() if pairing.ended_on else None,
    }


HIDDEN = dict.fromkeys(["status", "starts_on", "ended_on"])


class TestLineageDetailsAreScoped:
    @pytest.mark.parametrize("role", ["worker_b", "official_b", "worker_a"])
    def test_who_may_not_read_the_pairings_sees_names_only_on_the_page(
        self, as_person, trained, role
    ):
        s = trained
        html = as_person(getattr(s.org, role)).get(page_url("profile", s.studios.lead_a.pk))
        assert html.status_code == 200
        text = html.content.decode()
        assert s.studios.member_a.full_name in text and "徒孙" in text
        assert lineage_details(text) == ["", ""]

    @pytest.mark.parametrize("role", ["worker_b", "official_b", "worker_a"])
    def test_who_may_not_read_the_pairings_gets_nulls_in_the_api(self, api, trained, role):
        s = trained
        api.force_authenticate(getattr(s.org, role))
        body = api.get(api_url(PROFILES, s.studios.lead_a)).json()
        (child,) = body["lineage"]
        (grandchild,) = child["children"]
        for node, person in ((child, s.studios.member_a), (grandchild, s.grandchild)):
            assert node["person"] == {"id": person.pk, "full_name": person.full_name}
            assert {key: node[key] for key in (*HIDDEN, "skill_level")} == {
                **HIDDEN,
                "skill_level": None,
            }

    def test_the_official_over_the_pairings_unit_sees_the_details(self, api, as_person, trained):
        s = trained
        html = as_person(s.org.official_a).get(page_url("profile", s.studios.lead_a.pk))
        first, second = lineage_details(html.content.decode())
        assert skill_label(s.studios.member_a.skill_level) in first
        assert str(s.first.starts_on.year) in first and str(s.first.ended_on.year) in first
        assert str(s.second.starts_on.year) in second

        api.force_authenticate(s.org.official_a)
        (child,) = api.get(api_url(PROFILES, s.studios.lead_a)).json()["lineage"]
        assert {key: child[key] for key in HIDDEN} == details_shown(s.first)
        assert child["skill_level"] == s.studios.member_a.skill_level
        assert {key: child["children"][0][key] for key in HIDDEN} == details_shown(s.second)

    def test_the_mentor_sees_the_details_of_the_pairings_they_mentor_only(
        self, api, as_person, trained
    ):
        # Given lead_a, mentor of member_a but no part of member_a's own pairing
        s = trained
        html = as_person(s.studios.lead_a).get(page_url("profile", s.studios.lead_a.pk))
        first, second = lineage_details(html.content.decode())
        assert str(s.first.starts_on.year) in first
        assert second == ""

        api.force_authenticate(s.studios.lead_a)
        (child,) = api.get(api_url(PROFILES, s.studios.lead_a)).json()["lineage"]
        assert {key: child[key] for key in HIDDEN} == details_shown(s.first)
        assert {key: child["children"][0][key] for key in HIDDEN} == HIDDEN

        # and member_a, the mentor of the second pairing, sees that one
        api.force_authenticate(s.studios.member_a)
        (child,) = api.get(api_url(PROFILES, s.studios.member_a)).json()["lineage"]
        assert {key: child[key] for key in HIDDEN} == details_shown(s.second)

    @pytest.mark.parametrize(
        ("role", "shown"),
        [
            ("worker_b", False),
            ("official_b", False),
            ("official_a", True),
            ("lead_a", True),
            ("member_a", True),
        ],
    )
    def test_learnt_from_in_the_api_has_details_only_for_readers_of_the_pairing(
        self, api, trained, role, shown
    ):
        s = trained
        sign_in(api, s, role)
        response = api.get(api_url(PROFILES, s.studios.member_a))
        assert response.status_code == 200, response.content
        (mentor,) = response.json()["mentors"]
        lead = s.studios.lead_a
        assert mentor["mentor"] == {"id": lead.pk, "full_name": lead.full_name}
        assert {key: mentor[key] for key in HIDDEN} == (details_shown(s.first) if shown else HIDDEN)


# --- 4. A lead keeps the subjects beyond their reach ---------------------------------------------


@pytest.fixture
def widened(showcase):
    """lead_a's draft about member_a and the dust studio, to which official_a
    added worker_a (no member of the dust studio) and the washing studio."""
    s = showcase
    services.story_update(
        story_id=s.draft_a.pk,
        by=s.org.official_a,
        people=[s.studios.member_a, s.org.worker_a],
        studios=[s.studios.dust, s.studios.washing],
    )
    return s


class TestLeadKeepsSubjectsBeyondReach:
    def test_a_title_change_on_the_page_keeps_what_the_official_added(self, as_person, widened):
        # Given the draft with a person and a studio beyond the lead's reach
        s, story = widened, widened.draft_a

        # When the lead changes only its title on the page
        response = as_person(s.studios.lead_a).post(
            page_url("story-edit", story.pk), edit_data(fresh(story), title="新标题")
        )

        # Then the title is changed and both subjects are still on the story
        assert response.status_code == 302, response.content.decode()[:500]
        assert fresh(story).title == "新标题"
        assert subjects(story) == (
            {s.studios.member_a, s.org.worker_a},
            {s.studios.dust, s.studios.washing},
        )

    def test_a_lead_adding_a_member_on_the_page_keeps_what_the_official_added(
        self, as_person, widened
    ):
        s, story = widened, widened.draft_a
        data = edit_data(fresh(story))
        data["people"] = [*data["people"], s.studios.lead_a.pk]
        response = as_person(s.studios.lead_a).post(page_url("story-edit", story.pk), data)
        assert response.status_code == 302, response.content.decode()[:500]
        assert subjects(story)[0] == {s.studios.member_a, s.org.worker_a, s.studios.lead_a}

    def test_api_people_ids_omitting_them_keeps_them(self, api, widened):
        # Given the widened draft
        s, story = widened, widened.draft_a

        # When the lead sends the people within their reach only
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, story),
            {
                "people_ids": [s.studios.member_a.pk, s.studios.lead_a.pk],
                "studio_ids": [s.studios.dust.pk],
            },
            format="json",
        )

        # Then those beyond it are kept beside them
        assert response.status_code == 200, response.content
        assert subjects(story) == (
            {s.studios.member_a, s.studios.lead_a, s.org.worker_a},
            {s.studios.dust, s.studios.washing},
        )
        assert {row["id"] for row in response.json()["people"]} == {
            s.studios.member_a.pk,
            s.studios.lead_a.pk,
            s.org.worker_a.pk,
        }

    @pytest.mark.parametrize("newcomer", ["colleague_a", "worker_b"])
    def test_api_people_ids_naming_someone_new_beyond_reach_is_400(self, api, widened, newcomer):
        s, story = widened, widened.draft_a
        before = subjects(story)
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, story),
            {"people_ids": [s.studios.member_a.pk, getattr(s.org, newcomer).pk]},
            format="json",
        )
        assert set(field_errors(response)) == {"people_ids"}
        assert subjects(story) == before


# --- 5. Typed codes are capped ---------------------------------------------------------------


def codes_field() -> CodesField:
    return CodesField(User.objects.all(), to_field_name="employee_no")


class TestTypedCodesCap:
    @pytest.mark.parametrize(
        "typed",
        [lambda codes: " ".join(codes), lambda codes: "、".join(codes), list],
        ids=["spaces", "dunhao", "list"],
    )
    def test_more_codes_than_the_cap_are_refused_with_a_clear_message(self, org, typed):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            codes_field().clean(typed(["worker_a"] * (MAX_TYPED_CODES + 1)))
        assert refused.value.messages == [f"At most {MAX_TYPED_CODES} at a time."]

    def test_as_many_codes_as_the_cap_are_read(self, org):
        chosen = codes_field().clean(" ".join(["worker_a"] * MAX_TYPED_CODES))
        assert list(chosen) == [org.worker_a]

    def test_a_group_official_typing_too_many_numbers_is_told_beside_the_field(
        self, as_person, showcase
    ):
        # Given more people in the group official's scope than boxes a form shows
        s = showcase
        for _ in range(TICKABLE_CHOICES):
            PersonFactory(org_unit=s.org.team_b101)
        story = s.in_review_a
        form = as_person(s.org.group_official).get(page_url("story-edit", story.pk))
        assert isinstance(form.context["form"].fields["people"], CodesField)
        before = (fresh(story).title, subjects(story))

        # When they type one employee number more than the cap
        typed = " ".join(["lead_a"] * (MAX_TYPED_CODES + 1))
        response = as_person(s.org.group_official).post(
            page_url("story-edit", story.pk), edit_data(fresh(story), title="改", people=typed)
        )

        # Then the page says so beside the field and nothing is saved
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "people",
            zh("At most %(count)s at a time.", count=MAX_TYPED_CODES),
        )
        assert (fresh(story).title, subjects(story)) == before


# --- 6. Byte ranges --------------------------------------------------------------------------


def download(attachment: Attachment) -> str:
    return reverse("attachment-download", args=[attachment.pk])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def video(showcase) -> Attachment:
    """An MP4 on the published, featured story of company A."""
    return services.story_attach(
        record=showcase.featured_a, by=showcase.org.official_a, upload=mp4()
    )


class TestByteRanges:
    def test_the_first_ten_bytes_are_a_partial_answer(self, as_person, showcase, video):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE="bytes=0-9")
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 0-9/{len(MP4)}"
        assert response["Content-Length"] == "10"
        assert response["Content-Type"] == "video/mp4"
        assert response["Accept-Ranges"] == "bytes"
        assert body_of(response) == MP4[:10]

    def test_the_last_five_bytes(self, as_person, showcase, video):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE="bytes=-5")
        size = len(MP4)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {size - 5}-{size - 1}/{size}"
        assert body_of(response) == MP4[-5:]

    @pytest.mark.parametrize(
        ("header", "first", "last"),
        [("bytes=2000-", 2000, len(MP4) - 1), ("bytes=100-999999", 100, len(MP4) - 1)],
    )
    def test_an_open_or_overlong_range_ends_at_the_last_byte(
        self, as_person, showcase, video, header, first, last
    ):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE=header)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {first}-{last}/{len(MP4)}"
        assert body_of(response) == MP4[first : last + 1]

    @pytest.mark.parametrize(
        "header",
        [
            "bytes=99999-",
            "bytes=9-2",
            "bytes=0-9,20-29",
            "items=0-9",
            "bytes=-0",
        ],
    )
    def test_a_range_that_cannot_be_served_gets_the_whole_file(
        self, as_person, showcase, video, header
    ):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE=header)
        assert response.status_code == 200
        assert "Content-Range" not in response
        assert body_of(response) == MP4

    def test_no_range_is_the_whole_file_saying_ranges_are_accepted(
        self, as_person, showcase, video
    ):
        response = as_person(showcase.org.worker_b).get(download(video))
        assert response.status_code == 200
        assert response["Accept-Ranges"] == "bytes"
        assert "Content-Range" not in response
        assert body_of(response) == MP4

    def test_a_recording_is_served_in_ranges_too(self, as_person, showcase):
        s = showcase
        audio = services.story_attach(record=s.featured_a, by=s.org.official_a, upload=mp3())
        response = as_person(s.org.worker_b).get(download(audio), HTTP_RANGE="bytes=0-2")
        assert response.status_code == 206
        assert body_of(response) == MP3[:3] == b"ID3"

    @pytest.mark.parametrize("kind", ["pdf", "photo"])
    def test_a_document_or_photo_ignores_the_range(self, as_person, showcase, kind):
        s = showcase
        upload = (
            SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")
            if kind == "pdf"
            else photo("JPEG")
        )
        attachment = services.story_attach(record=s.featured_a, by=s.org.official_a, upload=upload)

        response = as_person(s.org.worker_b).get(download(attachment), HTTP_RANGE="bytes=0-9")

        assert response.status_code == 200
        assert response["Accept-Ranges"] == "none"
        assert "Content-Range" not in response
        assert body_of(response) == stored_bytes(attachment)
        assert len(stored_bytes(attachment)) > 10

    def test_an_outsider_still_gets_404_with_a_range(self, as_person, showcase):
        s = showcase
        on_draft = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp4())
        for outsider in (s.org.worker_a, s.org.official_b, s.studios.member_a):
            response = as_person(outsider).get(download(on_draft), HTTP_RANGE="bytes=0-9")
            assert response.status_code == 404
            assert "Content-Range" not in response
        assert (
            as_person(s.studios.lead_a).get(download(on_draft), HTTP_RANGE="bytes=0-9").status_code
            == 206
        )


# --- 7. The large limit is for audio and video only ----------------------------------------------


def photo(image_format: str) -> SimpleUploadedFile:
    """A photo of noise (which compresses badly): a few kilobytes however encoded."""
    noise = random.Random(7).randbytes(64 * 64 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), noise).save(buffer, image_format)
    extension = {"PNG": "png", "JPEG": "jpg"}[image_format]
    return SimpleUploadedFile(f"现场.{extension}", buffer.getvalue(), f"image/{extension}")


@pytest.fixture
def limits(settings):
    """An ordinary limit below the MP3's size, the stories' limit far above it."""
    settings.UPLOAD_MAX_BYTES = len(MP3) - 1
    settings.STORY_MEDIA_MAX_BYTES = 1024 * 1024
    return settings


class TestStoryMediaLimit:
    def test_a_recording_between_the_two_limits_is_accepted(self, showcase, limits):
        s = showcase
        audio = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert (audio.mime_type, audio.size) == ("audio/mpeg", len(MP3))
        assert limits.UPLOAD_MAX_BYTES < audio.size <= limits.STORY_MEDIA_MAX_BYTES

    @pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
    def test_a_photo_between_the_two_limits_is_refused_with_the_size_message(
        self, showcase, limits, image_format
    ):
        # Given a photo larger than the ordinary limit, smaller than the stories' one
        s = showcase
        upload = photo(image_format)
        assert limits.UPLOAD_MAX_BYTES < upload.size < limits.STORY_MEDIA_MAX_BYTES

        # When it is attached to a story
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=upload)

        # Then the ordinary limit refuses it, naming that limit
        with translation.override("en"):
            limit = filesizeformat(limits.UPLOAD_MAX_BYTES)
        assert refused.value.message_dict == {"file": [f"The file is larger than {limit}."]}
        assert not attachments_of(s.draft_a).exists()

    def test_the_api_refuses_the_photo_and_takes_the_recording(self, api, showcase, limits):
        s = showcase
        sign_in(api, s, "lead_a")
        attach = api_url(STORIES, s.draft_a, "attachments")
        refused = api.post(attach, {"file": photo("PNG")}, format="multipart")
        assert set(field_errors(refused)) == {"file"}
        accepted = api.post(attach, {"file": mp3()}, format="multipart")
        assert accepted.status_code == 201, accepted.content
        assert [a.mime_type for a in attachments_of(s.draft_a)] == ["audio/mpeg"]


# --- 8. Publication year and media links ---------------------------------------------------------


class TestPublicationDateAndMediaLink:
    def test_a_publication_date_before_1950_is_refused(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "official_a").post(
            api_url(STORIES, s.in_review_a, "publish"),
            {"published_on": "1949-12-31"},
            format="json",
        )
        assert set(field_errors(response)) == {"published_on"}
        story = fresh(s.in_review_a)
        assert (story.status, story.published_on) == (Status.IN_REVIEW, None)

    def test_the_first_day_of_1950_is_accepted(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "official_a").post(
            api_url(STORIES, s.in_review_a, "publish"),
            {"published_on": "1950-01-01"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["published_on"] == "1950-01-01"
        assert fresh(s.in_review_a).published_on == datetime.date(1950, 1, 1)

    @pytest.mark.parametrize(
        "link", ["ftp://intranet.example/快板.mp4", "ftps://intranet.example/v.mp4"]
    )
    def test_a_media_link_that_is_not_http_is_refused(self, api, showcase, link):
        s = showcase
        sign_in(api, s, "lead_a")
        edited = api.patch(api_url(STORIES, s.draft_a), {"media_link": link}, format="json")
        assert set(field_errors(edited)) == {"media_link"}
        assert fresh(s.draft_a).media_link == ""
        created = api.post(STORIES, api_story(s, media_link=link), format="json")
        assert set(field_errors(created)) == {"media_link"}
        assert Story.objects.count() == 5

    def test_an_https_media_link_is_accepted(self, api, showcase):
        s = showcase
        link = "https://video.intranet.example/v/42"
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, s.draft_a), {"media_link": link}, format="json"
        )
        assert response.status_code == 200, response.content
        assert fresh(s.draft_a).media_link == link

    def test_the_page_refuses_an_ftp_media_link_beside_the_field(self, as_person, showcase):
        story = showcase.draft_a
        response = as_person(showcase.studios.lead_a).post(
            page_url("story-edit", story.pk),
            edit_data(fresh(story), media_link="ftp://intranet.example/v.mp4"),
        )
        assert response.status_code == 400
        some_error_beside(page_form(response.content.decode()), "media_link")
        assert fresh(story).media_link == ""


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
