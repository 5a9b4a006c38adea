"""The lineage on dense, looping data (each person once, at their nearest place),
and a lineage's pairing details (skill level, status, years) only for those who
may read the pairing; the names stay public."""

import random
import re

import pytest
from django.utils import translation

from accounts.models import SkillLevel, User
from apprenticeships.models import Pairing
from apprenticeships.selectors import lineage_pairings
from showcase import services
from showcase.selectors import lineage_tree
from showcase.selectors.profiles import lineage_size
from tests.api_answers import url as api_url
from tests.factories import PersonFactory
from tests.showcase.api import PROFILES, pair, sign_in
from tests.showcase.pages import url as page_url
from tests.showcase.test_lineage import everyone
from tests.showcase.test_selectors import viewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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
