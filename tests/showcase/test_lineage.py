"""The lineage (传承谱系) of a craftsman: apprentices, theirs and theirs, from
pairings that took place (active or completed), each person once even on bad
data with loops; and the promise that the lineage, the profile and the
honour roll read with the same number of queries however much data there is."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import SkillLevel
from apprenticeships import services as mentoring
from apprenticeships.models import Pairing
from apprenticeships.selectors import LINEAGE_GENERATIONS
from showcase.selectors import craftsman_profile, honour_roll, lineage_tree
from showcase.selectors.honour_roll import ROLL_ROWS
from showcase.selectors.profiles import PROFILE_SECTION_ROWS, lineage_size
from studios.models import RecognitionList
from tests.apprenticeships.conftest import final_passed
from tests.factories import PersonFactory
from tests.showcase.conftest import days_ago, make_story, publish
from tests.showcase.test_selectors import (
    achievement,
    adopt,
    awarded_proposal,
    campaign,
    honour_person,
    name_studio,
    patent,
    recognition_list,
    viewer,
)
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Pairing.Status
Level = RecognitionList.Level


def pair(org, mentor, apprentice, *, started=400, status=Status.ACTIVE) -> Pairing:
    """A pairing proposed by company A's official and brought to `status`
    through the services: activated on the signed agreement, completed by a
    passed final appraisal, terminated with a reason."""
    start = days_ago(started)
    pairing = mentoring.pairing_propose(
        by=org.official_a,
        mentor=mentor,
        apprentice=apprentice,
        starts_on=start,
        planned_end_on=start + datetime.timedelta(days=730),
        target_skill_level=SkillLevel.SENIOR,
        goals="传帮带",
    )
    if status == Status.TERMINATED:
        return mentoring.pairing_terminate(pairing_id=pairing.pk, by=org.official_a, reason="调岗")
    if status != Status.PROPOSED:
        pairing = mentoring.pairing_activate(
            pairing_id=pairing.pk, by=org.official_a, agreement_signed_on=start
        )
    if status == Status.COMPLETED:
        final_passed(pairing, org.official_a, level=SkillLevel.SENIOR)
    pairing = Pairing.objects.get(pk=pairing.pk)
    assert pairing.status == status
    return pairing


def people(org, *names, unit=None):
    return [PersonFactory(full_name=name, org_unit=unit or org.team_a101) for name in names]


def shape(nodes) -> list:
    """(person, generation, children) all the way down."""
    return [(node.person.full_name, node.generation, shape(node.children)) for node in nodes]


def everyone(nodes) -> list[str]:
    return [name for node in nodes for name in [node.person.full_name, *everyone(node.children)]]


# --- The tree -------------------------------------------------------------------------------


class TestLineageTree:
    def test_three_generations_from_completed_and_active_pairings(self, org):
        master, first, second, grandchild, great, fourth, waiting, quitter = people(
            org, "师傅", "大徒弟", "二徒弟", "徒孙", "曾徒孙", "第四代", "待签", "中止"
        )
        pair(org, master, first, started=1500, status=Status.COMPLETED)
        pair(org, master, second, started=300)
        pair(org, first, grandchild, started=700, status=Status.COMPLETED)
        pair(org, grandchild, great, started=200)
        pair(org, great, fourth, started=100)  # a fourth generation: beyond the cap
        # pairings that never took place, or ended early, are no part of a lineage
        pair(org, master, waiting, status=Status.PROPOSED)
        pair(org, master, quitter, status=Status.TERMINATED)
        pair(org, first, waiting, status=Status.PROPOSED)

        tree = lineage_tree(master, viewer(org.worker_a))

        assert shape(tree) == [
            ("大徒弟", 1, [("徒孙", 2, [("曾徒孙", 3, [])])]),
            ("二徒弟", 1, []),
        ]
        assert lineage_size(tree) == 4
        assert [node.pairing.status for node in tree] == [Status.COMPLETED, Status.ACTIVE]

    def test_two_generations_of_one_branch(self, org):
        master, child, grandchild = people(org, "师傅", "徒弟", "徒孙")
        pair(org, master, child, started=900, status=Status.COMPLETED)
        pair(org, child, grandchild)
        tree = lineage_tree(master, viewer(org.official_a))
        assert shape(tree) == [("徒弟", 1, [("徒孙", 2, [])])]
        # each node carries the pairing that made them an apprentice
        assert (tree[0].pairing.mentor_id, tree[0].pairing.apprentice_id) == (master.pk, child.pk)
        grand = tree[0].children[0]
        assert (grand.pairing.mentor_id, grand.pairing.apprentice_id) == (child.pk, grandchild.pk)

    def test_an_apprentice_of_an_apprentice_is_a_lineage_of_their_own(self, org):
        master, child, grandchild = people(org, "师傅", "徒弟", "徒孙")
        pair(org, master, child)
        pair(org, child, grandchild)
        assert shape(lineage_tree(child, viewer(org.worker_a))) == [("徒孙", 1, [])]
        assert lineage_tree(grandchild, viewer(org.worker_a)) == []

    def test_the_depth_cap_is_three_generations(self, org):
        chain = people(org, "根", "一", "二", "三", "四", "五")
        for mentor, apprentice in itertools.pairwise(chain):
            pair(org, mentor, apprentice)
        assert LINEAGE_GENERATIONS == 3
        tree = lineage_tree(chain[0], viewer(org.worker_a))
        assert shape(tree) == [("一", 1, [("二", 2, [("三", 3, [])])])]
        assert shape(lineage_tree(chain[0], viewer(org.worker_a), generations=2)) == [
            ("一", 1, [("二", 2, [])])
        ]
        assert shape(lineage_tree(chain[2], viewer(org.worker_a))) == [
            ("三", 1, [("四", 2, [("五", 3, [])])])
        ]

    def test_a_loop_ends_shows_each_person_once_and_never_the_root(self, org):
        a, b, c = people(org, "甲", "乙", "丙")
        # bad data: A mentors B, B mentors C, C mentors A
        pair(org, a, b, started=300)
        pair(org, b, c, started=200)
        pair(org, c, a, started=100)

        assert shape(lineage_tree(a, viewer(org.worker_a))) == [("乙", 1, [("丙", 2, [])])]
        assert shape(lineage_tree(b, viewer(org.worker_a))) == [("丙", 1, [("甲", 2, [])])]
        assert shape(lineage_tree(c, viewer(org.worker_a))) == [("甲", 1, [("乙", 2, [])])]

    def test_two_people_mentoring_each_other_end_too(self, org):
        a, b, c = people(org, "甲", "乙", "丙")
        pair(org, a, b, started=300)
        pair(org, b, a, started=200)
        pair(org, b, c, started=100)
        assert shape(lineage_tree(a, viewer(org.worker_a))) == [("乙", 1, [("丙", 2, [])])]

    def test_a_loop_written_straight_into_the_table_ends_too(self, org):
        # a longer loop, the rows written directly as an import would
        names = people(org, "一", "二", "三", "四", "五")
        start = days_ago(500)
        for mentor, apprentice in zip(names, names[1:] + names[:1], strict=True):
            Pairing.objects.create(
                mentor=mentor,
                apprentice=apprentice,
                org_unit=org.team_a101,
                starts_on=start,
                planned_end_on=start + datetime.timedelta(days=730),
                target_skill_level=SkillLevel.SENIOR,
                agreement_signed_on=start,
                status=Status.ACTIVE,
                created_by=org.official_a,
            )
        for root in names:
            tree = lineage_tree(root, viewer(org.worker_a), generations=10)
            shown = everyone(tree)
            assert len(shown) == len(set(shown)) == 4
            assert root.full_name not in shown

    def test_someone_reached_by_two_paths_shows_once(self, org):
        master, left, right, shared = people(org, "师傅", "左", "右", "共同徒弟")
        pair(org, master, left, started=900)
        pair(org, master, right, started=800)
        pair(org, right, shared, started=500)  # the earlier of the two
        pair(org, left, shared, started=400)
        tree = lineage_tree(master, viewer(org.worker_a))
        assert shape(tree) == [("左", 1, []), ("右", 1, [("共同徒弟", 2, [])])]
        assert everyone(tree).count("共同徒弟") == 1

    def test_someone_who_is_also_a_direct_apprentice_shows_at_the_nearest_place(self, org):
        master, child, both = people(org, "师傅", "徒弟", "两代")
        pair(org, master, child, started=900)
        pair(org, child, both, started=800)
        pair(org, master, both, started=100)
        tree = lineage_tree(master, viewer(org.worker_a))
        assert shape(tree) == [("徒弟", 1, []), ("两代", 1, [])]

    def test_a_pair_trained_twice_shows_once(self, org):
        master, child = people(org, "师傅", "徒弟")
        pair(org, master, child, started=1200, status=Status.COMPLETED)
        pair(org, master, child, started=100)
        assert shape(lineage_tree(master, viewer(org.worker_a))) == [("徒弟", 1, [])]

    def test_apprentices_have_a_profile_link_only_where_the_viewer_may_open_it(
        self, org, provincial_list
    ):
        master, ordinary, honoured = people(org, "师傅", "普通徒弟", "获奖徒弟")
        pair(org, master, ordinary, started=300)
        pair(org, master, honoured, started=200)
        honour_person(org, provincial_list, honoured)

        def links(user):
            nodes = lineage_tree(master, viewer(user))
            return {node.person.full_name: node.has_profile for node in nodes}

        # a worker of company B opens only the honoured apprentice's profile
        assert links(org.worker_b) == {"普通徒弟": False, "获奖徒弟": True}
        assert links(org.worker_a) == {"普通徒弟": True, "获奖徒弟": True}

    def test_the_profile_names_the_mentors_and_the_lineage(self, org):
        master, child, grandchild = people(org, "师傅", "徒弟", "徒孙")
        pair(org, master, child, started=900, status=Status.COMPLETED)
        pair(org, child, grandchild)
        pair(org, master, people(org, "未开始")[0], status=Status.PROPOSED)
        profile = craftsman_profile(child, viewer(org.official_a))
        assert [(p.mentor_id, p.status) for p in profile["mentors"]] == [
            (master.pk, Status.COMPLETED)
        ]
        assert shape(profile["lineage"]) == [("徒孙", 1, [])]
        assert profile["lineage_size"] == 1
        assert profile["mentors"][0].mentor_has_profile is True
        assert craftsman_profile(master, viewer(org.worker_b))["mentors"] == []


# --- Query counts: the same however large ------------------------------------------------------


def queries(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def grow_lineage(org, master, size: int, tag: str) -> None:
    """`size` apprentices of `master`, each with two of their own, each of those
    with one: 4 × size people over three generations (plus a loop back)."""
    for i in range(size):
        (child,) = people(org, f"{tag}徒{i}")
        pair(org, master, child, status=Status.COMPLETED, started=1000)
        for j in range(2):
            (grandchild,) = people(org, f"{tag}孙{i}-{j}", unit=org.team_a102)
            pair(org, child, grandchild, started=600)
            (great,) = people(org, f"{tag}曾{i}-{j}")
            pair(org, grandchild, great, started=300)
            if j == 1:
                pair(org, great, child, started=100)  # bad data: a loop


@shared_data(needs=("org",))
def two_lineages(built):
    """A master with a lineage grown once (`small`) and one grown three times
    (`large`: more than one person at every generation, which is all a query
    per person or per branch needs to show), by `grow_lineage`."""
    org = built.get("org")
    small_master, large_master = people(org, "小师傅", "大师傅")
    grow_lineage(org, small_master, 1, "小")
    grow_lineage(org, large_master, 3, "大")
    return SimpleNamespace(small=small_master, large=large_master)


@pytest.mark.parametrize("role", ["worker_b", "official_a"])
def test_the_lineage_reads_in_the_same_queries_small_or_large(org, two_lineages, role):
    small_master, large_master = two_lineages.small, two_lineages.large
    reader = getattr(org, role)

    small = queries(lambda: lineage_tree(small_master, viewer(reader)))
    large = queries(lambda: lineage_tree(large_master, viewer(reader)))

    assert lineage_size(lineage_tree(large_master, viewer(reader))) == 3 * 5
    assert small == large


def grow_record(s, person, n: int, start: int, in_campaign) -> None:
    """`n` more of everything on `person`'s profile: honours, achievements,
    patents, awards, stories, apprentices and mentors."""
    org, dust = s.org, s.studios.dust
    for i in range(start, start + n):
        on_list = recognition_list(
            org, title=f"名单{i}", level=Level.MUNICIPAL, year=2000 + i, total_named=5
        )
        honour_person(org, on_list, person)
        (helper,) = people(org, f"帮手{i}")
        achievement(org, dust, [person, helper], title=f"成果{i}")
        achievement(org, dust, [person], title=f"内部{i}", promotion="studio")
        patent(org, dust, [person], serial=i + 1)
        patent(org, dust, [person], serial=5000 + i, granted=False)
        awarded_proposal(org, person, in_campaign, title=f"五小{i}")
        publish(
            make_story(org.official_a, title=f"故事{i}", people=[person]),
            org.official_a,
            days=i + 1,
        )
        make_story(org.official_a, title=f"草稿{i}", people=[person])
        pair(org, person, helper, status=Status.COMPLETED, started=900)
        (mentor,) = people(org, f"师傅{i}")
        pair(org, mentor, person, status=Status.COMPLETED, started=1500)


PROFILE_READERS = ["worker_b", "official_a"]


# The most the record grows to: one row past a profile section's page.
PAST_A_PAGE = PROFILE_SECTION_ROWS + 1


def profile_queries_as_it_grows(s, roles) -> dict[str, dict[str, int]]:
    """For each reader, the profile's query count for lead_a's record at three
    sizes: one of everything, a dozen (every section within its first page) and
    past a page (PAST_A_PAGE of each)."""
    person = s.studios.lead_a
    in_campaign = campaign(s.org, year=2024)
    counts = {role: {} for role in roles}
    done = 0
    for label, size in [
        ("one", 1),
        ("a dozen", 12),
        ("past a page", PAST_A_PAGE),
    ]:
        grow_record(s, person, size - done, done, in_campaign)
        done = size
        for role in roles:
            reader = person_of(s, role)
            counts[role][label] = queries(
                lambda reader=reader: craftsman_profile(person, viewer(reader))
            )
    return counts


@shared_data(needs=("showcase",))
def grown_record(built):
    """lead_a's record grown to PAST_A_PAGE of everything (`grow_record`), and the
    profile's query counts for each of PROFILE_READERS, counted at each size
    on the way there (the counts are what the tests below check)."""
    return profile_queries_as_it_grows(built.get("showcase"), PROFILE_READERS)


@pytest.mark.parametrize("role", PROFILE_READERS)
def test_the_profile_reads_in_the_same_queries_small_or_large(showcase, grown_record, role):
    profile = craftsman_profile(showcase.studios.lead_a, viewer(person_of(showcase, role)))
    assert profile["awards"]["total"] == PAST_A_PAGE
    assert profile["stories"]["total"] == PAST_A_PAGE + 1  # and the fixture's `featured_a`
    assert profile["lineage_size"] == len(profile["mentors"]) == PAST_A_PAGE
    assert len(profile["awards"]["rows"]) == PROFILE_SECTION_ROWS
    counts = grown_record[role]
    assert len(set(counts.values())) == 1, counts


def person_of(s, role):
    return getattr(s.studios, role) if hasattr(s.studios, role) else getattr(s.org, role)


def grow_roll(s, n: int, start: int, in_campaign) -> None:
    """`n` more lists (each naming the three studios and a person), awards and
    adopted achievements."""
    org, st = s.org, s.studios
    levels = list(Level.values)
    adopters = [org.team_a102, org.mine_a1, org.company_a, org.team_b101, org.plant_b1]
    for i in range(start, start + n):
        on_list = recognition_list(
            org,
            title=f"名单{i}",
            level=levels[i % len(levels)],
            year=2010 + i % 5,
            total_named=10 + i,
        )
        for studio in (st.dust, st.washing, st.turbine):
            name_studio(org, on_list, studio)
        (named,) = people(org, f"劳模{i}", unit=org.team_b101)
        honour_person(org, on_list, named)
        awarded_proposal(org, st.lead_a, in_campaign, title=f"五小{i}")
        record = achievement(org, st.dust, [st.lead_a], title=f"推广{i}")
        adopt(org, record, adopters[: 1 + i % len(adopters)])


ROLL_READERS = ["worker_b", "official_a", "admin"]


@shared_data(needs=("showcase",))
def grown_roll(built):
    """The roll grown by one entry of each kind, then by ROLL_ROWS more
    (`grow_roll`), one past the page of its awards and adoptions, and the honour
    roll's query counts for each of ROLL_READERS at both sizes (the counts are
    what the test below checks)."""
    s = built.get("showcase")
    in_campaign = campaign(s.org, year=timezone.localdate().year)
    counts = {role: {} for role in ROLL_READERS}

    def count(label):
        for role in ROLL_READERS:
            reader = person_of(s, role)
            counts[role][label] = queries(lambda reader=reader: honour_roll(viewer(reader)))

    grow_roll(s, 1, 0, in_campaign)
    count("small")
    grow_roll(s, ROLL_ROWS, 1, in_campaign)
    count("large")
    return counts


@pytest.mark.parametrize("role", ROLL_READERS)
def test_the_honour_roll_reads_in_the_same_queries_as_the_roll_grows(showcase, grown_roll, role):
    reader = person_of(showcase, role)
    counts = grown_roll[role]

    roll = honour_roll(viewer(reader))
    assert sum(len(level["rows"]) for level in roll["studio_levels"]) == ROLL_ROWS + 1
    assert len(roll["awarded"]) == len(roll["adopted"]) == ROLL_ROWS
    assert len(set(counts.values())) == 1, counts
