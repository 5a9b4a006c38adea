"""Showcase pages beyond the stories: the honour roll, craftsman profiles with
their lineage, the showcase search and the worker's home page."""

import datetime
import re

import pytest

from accounts.models import User
from apprenticeships import services as mentoring
from showcase import services
from showcase.models import Story
from studios import services as studio_services
from studios.models import RecognitionList
from tests.factories import PersonFactory
from tests.roles import person
from tests.showcase.conftest import days_ago, make_story, publish
from tests.showcase.pages import (
    EVERY_ROLE,
    HOME,
    ROLL,
    SEARCH,
    Title,
    assert_sent_to_login,
    today,
    url,
    zh,
)
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Level = RecognitionList.Level


def section_names(levels, name_of) -> list[tuple[str, list]]:
    return [(section["level"], [name_of(row) for row in section["rows"]]) for section in levels]


DELISTED_ON = datetime.date(2024, 11, 3)
DELIST_REASON = "整改期满仍无成果"


@shared_data(needs=("roll",))
def named_again(built):
    """On top of `roll`: the dust studio de-listed on 2024-11-03 (its 2022
    honour revoked) and named again on a 2025 municipal list."""
    roll = built.get("roll")
    org, studios = roll.org, roll.studios
    studio_services.studio_delist(
        studio_id=studios.dust.pk, by=org.official_a, reason=DELIST_REASON, on=DELISTED_ON
    )
    roll.again = studio_services.recognition_list_create(
        by=org.group_official,
        title="市级职工创新工作室",
        level=Level.MUNICIPAL,
        conferred_by="市总工会",
        year=2025,
        total_named=10,
    )
    studio_services.honour_create(
        by=org.group_official, recognition_list=roll.again, studio=studios.dust
    )
    return roll


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

    @pytest.mark.parametrize("role", EVERY_ROLE)
    def test_a_studio_named_again_shows_its_revoked_honour_marked(
        self, as_person, named_again, role
    ):
        """The roll is the lists' history: the 2022 list still names the dust
        studio, marked revoked with the date, beside its new honour of 2025."""
        response = as_person(person(named_again, role)).get(ROLL)
        named = {
            listed.title: [(h.studio, h.revoked_on) for h in listed.named_studios]
            for section in response.context["studio_levels"]
            for listed in section["rows"]
        }
        dust, turbine = named_again.studios.dust, named_again.studios.turbine
        assert named == {
            "市级职工创新工作室": [(dust, None)],
            "省级示范性劳模创新工作室": [(dust, DELISTED_ON), (turbine, None)],
        }
        html = response.content.decode()
        marked = [item for item in html.split('data-testid="roll-studio"')[1:] if "撤销" in item]
        assert len(marked) == 1 and dust.name in marked[0] and "2024-11-03 撤销" in marked[0]
        assert html.count('data-testid="honour-revoked"') == 1
        assert DELIST_REASON not in html  # the office's finding, not the roll's

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


@shared_data(needs=("roll",))
def lineage(built):
    """On top of `roll`: 张建国 (lead_a) trained member_a (李师傅), who trains
    王小明 (team A102); a proposed pairing of 张建国 with 赵小刚 has not started."""
    roll = built.get("roll")
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


@shared_data(needs=("roll",))
def searchable(built):
    """`roll` with a published story and a draft that both mention 粉尘."""
    roll = built.get("roll")
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

    def test_a_revoked_honour_is_not_held_up_as_an_example(self, as_person, named_again):
        honours = as_person(named_again.org.worker_a).get(HOME).context["newest_honours"]
        dust = named_again.studios.dust
        assert [h.recognition_list for h in honours if h.studio == dust] == [named_again.again]
        assert all(h.revoked_on is None for h in honours)

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
