"""The union dashboard's choices, years and scopes: every choice listed, last
year's figures, empty units and years, and which scope an official gets."""

from decimal import Decimal

import pytest
from django.http import Http404

from accounts.models import OrgUnit
from achievements.models import Patent
from competitions.models import AwardGrade, Proposal
from reports.selectors import dashboard_scope_for
from studios.models import RecognitionList, Studio
from tests.factories import make_unit
from tests.reports import dashboard_world
from tests.reports.dashboard_world import figures_of, nonzero, shares

pytestmark = pytest.mark.django_db

world = dashboard_world.world

Status = Proposal.Status


# --- Every choice, another year, an empty scope -------------------------------------


def test_every_choice_is_listed_in_order_with_zeros(world):
    figures = figures_of(world.org.company_b, world.year)

    def codes(rows):
        return [row["code"] for row in rows]

    assert codes(figures["studios"]["by_status"]) == list(Studio.Status.values)
    assert codes(figures["studios"]["named_by_level"]) == list(RecognitionList.Level.values)
    assert codes(figures["outputs"]["patents_by_status"]) == list(Patent.Status.values)
    assert codes(figures["five_small"]["by_status"]) == [
        s for s in Proposal.Status.values if s != "draft"
    ]
    assert codes(figures["five_small"]["awards_by_grade"]) == list(AwardGrade.Grade.values)
    assert [(row["code"], row["count"]) for row in figures["studios"]["by_status"]] == [
        ("preparing", 0),
        ("established", 0),
        ("named", 1),
        ("rectification", 0),
        ("revoked", 1),
    ]


def test_last_years_figures_differ_as_expected(world):
    figures = figures_of(world.org.group, world.last)

    studios = figures["studios"]
    assert studios["total"] == 7  # studios are counted as they stand today
    assert nonzero(studios["named_by_level"]) == {"enterprise": 1}
    assert shares(studios["shares"]) == [("enterprise", world.last, 1, 5, Decimal("20.0"))]
    assert nonzero(studios["assessments_by_grade"]) == {"good": 1}

    outputs = figures["outputs"]
    assert (outputs["problems_opened"], outputs["problems_solved"]) == (3, 1)
    assert nonzero(outputs["opened_by_category"]) == {
        "safety": 1,
        "efficiency": 1,
        "energy_saving": 1,
    }
    assert nonzero(outputs["solved_by_category"]) == {"efficiency": 1}
    assert nonzero(outputs["achievements_by_kind"]) == {"technical_innovation": 1}
    assert (outputs["claimed_benefit"], outputs["verified_benefit"]) == (70000, 60000)
    assert nonzero(outputs["patents_by_type"]) == {"invention": 1, "design": 1}
    assert nonzero(outputs["patents_by_status"]) == {"filed": 1, "granted": 1}
    assert outputs["adoptions_outside"] == 1

    five = figures["five_small"]
    assert five["total"] == 2
    assert nonzero(five["by_status"]) == {"submitted": 1, "awarded": 1}
    assert (five["entrants"], five["headcount"]) == (2, 13)
    assert five["participation"] == Decimal("15.4")  # 2 / 13
    assert five["per_hundred"] == Decimal("15.4")  # 2 × 100 / 13
    assert five["approval_rate"] == Decimal("100.0")
    assert five["implementation_rate"] == Decimal("100.0")
    assert five["verified_benefit"] == Decimal("5000.00")
    assert nonzero(five["awards_by_grade"]) == {"encouragement": 1}
    assert five["awards_by_grade"][-1]["amount"] == Decimal("200.00")
    assert five["median_days_to_decision"] == Decimal("100.0")
    assert figures["trends"]["proposals"] == [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]

    # Pairings running now are counted in any year; completions and rises by year.
    assert figures["mentoring"] == {"active": 4, "at_risk": 2, "completed": 1, "skill_rises": 1}
    assert [row["code"] for row in figures["rankings"]["studios"]] == ["A1-WASH", "B1-TURB"]


def _assert_nothing_counted(figures: dict) -> None:
    studios, outputs = figures["studios"], figures["outputs"]
    five, mentoring_figures = figures["five_small"], figures["mentoring"]
    for rows in (
        studios["by_status"],
        studios["by_kind"],
        studios["named_by_level"],
        studios["assessments_by_grade"],
        outputs["opened_by_category"],
        outputs["solved_by_category"],
        outputs["achievements_by_kind"],
        outputs["patents_by_type"],
        outputs["patents_by_status"],
        five["by_category"],
        five["by_status"],
        five["awards_by_grade"],
    ):
        assert nonzero(rows) == {}
    assert studios["total"] == studios["in_rectification"] == 0
    assert outputs["problems_opened"] == outputs["problems_solved"] == outputs["achievements"] == 0
    assert outputs["claimed_benefit"] == outputs["verified_benefit"] == 0
    assert outputs["adoptions_outside"] == 0
    assert five["total"] == five["headcount"] == five["entrants"] == 0
    assert five["verified_benefit"] == 0
    assert [row["amount"] for row in five["awards_by_grade"]] == [0] * 6
    assert five["by_unit"] == []
    for rate in (
        "participation",
        "per_hundred",
        "approval_rate",
        "implementation_rate",
        "median_days_to_decision",
    ):
        assert five[rate] is None, rate
    assert mentoring_figures == {"active": 0, "at_risk": 0, "completed": 0, "skill_rises": 0}
    assert figures["trends"] == {
        name: [0] * 12 for name in ("proposals", "achievements", "problems_solved")
    }
    assert figures["rankings"] == {
        "units_by_proposals": [],
        "units_by_achievements": [],
        "studios": [],
    }


def test_a_unit_with_nothing_in_it_counts_nothing(world):
    company_c = make_unit("C", world.org.group, OrgUnit.Kind.COMPANY)
    make_unit("C101", company_c)
    figures = figures_of(company_c, world.year)

    _assert_nothing_counted(figures)
    # The recognition lists are the provinces' and cities': an empty unit has
    # no share of them, but they are still there.
    assert shares(figures["studios"]["shares"]) == [
        ("provincial", world.year, 0, 28, Decimal("0.0")),
        ("municipal", world.year, 0, 10, Decimal("0.0")),
    ]


def test_a_year_with_nothing_in_it_counts_nothing(org):
    figures = figures_of(org.company_b, 2015)
    # company B has one worker (worker_b), so only participation has a whole.
    five = figures["five_small"]
    assert (five["headcount"], five["entrants"], five["participation"]) == (1, 0, Decimal("0.0"))
    assert five["per_hundred"] == Decimal("0.0")

    empty = make_unit("C", org.group, OrgUnit.Kind.COMPANY)
    figures = figures_of(empty, 2015)
    _assert_nothing_counted(figures)
    assert figures["studios"]["shares"] == []
    assert figures["unit"] == {"id": empty.pk, "name": "Unit C", "code": "C"}
    assert figures["year"] == 2015


# --- Which scope an official gets ---------------------------------------------------


def test_an_official_gets_the_top_of_their_widest_grant_by_default(org):
    assert dashboard_scope_for(org.group_official, year=2026).unit == org.group
    assert dashboard_scope_for(org.official_b, year=2026).unit == org.company_b


def test_an_official_may_narrow_the_scope_to_a_unit_below(org):
    scope = dashboard_scope_for(org.group_official, unit_id=org.company_a.pk, year=2025)
    assert (scope.unit, scope.year) == (org.company_a, 2025)
    assert dashboard_scope_for(org.official_a, unit_id=org.team_a102.pk, year=2025).unit == (
        org.team_a102
    )


@pytest.mark.parametrize(
    "who, unit",
    [
        ("official_b", "company_a"),  # a sibling company
        ("official_a", "group"),  # above the grant
        ("worker_a", "team_a101"),  # no grant at all, even over their own team
        ("worker_a", None),
    ],
)
def test_a_unit_outside_the_grant_is_not_found(org, who, unit):
    unit_id = getattr(org, unit).pk if unit else None
    with pytest.raises(Http404):
        dashboard_scope_for(getattr(org, who), unit_id=unit_id, year=2026)
