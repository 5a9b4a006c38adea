"""The union dashboard's five-small figures against numbers worked out by hand
on the world of `tests/reports/dashboard_world.py`."""

from decimal import Decimal

import pytest

from competitions.models import Proposal
from tests.reports import dashboard_world
from tests.reports.dashboard_world import figures_of, nonzero, per_unit

pytestmark = pytest.mark.django_db

world = dashboard_world.world

Status = Proposal.Status


# --- Five-small ---------------------------------------------------------------------


def test_five_small_figures_of_the_group(world):
    five = figures_of(world.org.group, world.year)["five_small"]

    assert five["total"] == 13  # the draft a9 and last year's campaign are left out
    assert nonzero(five["by_category"]) == {
        "invention": 2,
        "creation": 2,
        "innovation": 4,
        "design": 2,
        "suggestion": 3,
    }
    assert nonzero(five["by_status"]) == {
        "submitted": 2,
        "returned": 1,
        "withdrawn": 1,
        "not_eligible": 1,
        "under_review": 1,
        "approved": 1,
        "rejected": 2,
        "implemented": 1,
        "benefit_verified": 1,
        "awarded": 2,
    }
    assert per_unit(five["by_unit"]) == [("A", 9), ("B", 4)]
    assert five["headcount"] == 13
    # worker_a, colleague_a, lead_a, member_a (co-author only), worker_b, lead_b;
    # official_a co-authored a1 but is not a worker.
    assert five["entrants"] == 6
    assert five["participation"] == Decimal("46.2")  # 6 / 13
    assert five["per_hundred"] == Decimal("100.0")  # 13 × 100 / 13
    assert five["approval_rate"] == Decimal("71.4")  # 5 approved or later / 7 decided
    assert five["implementation_rate"] == Decimal("80.0")  # 4 implemented or later / 5
    assert five["verified_benefit"] == Decimal("82000.00")  # 40000 + 12000 + 30000
    assert [
        (row["code"], row["count"], row["amount"])
        for row in five["awards_by_grade"]
        if row["count"]
    ] == [("first", 1, Decimal("5000.00")), ("second", 1, Decimal("2000.00"))]
    # Seven decisions: 1.5, 2, 5.5, 10, 20, 25, 30 days → the fourth.
    assert five["median_days_to_decision"] == Decimal("10.0")


def test_five_small_figures_of_company_a_only(world):
    five = figures_of(world.org.company_a, world.year)["five_small"]

    assert five["total"] == 9
    assert nonzero(five["by_category"]) == {
        "invention": 1,
        "creation": 1,
        "innovation": 3,
        "design": 1,
        "suggestion": 3,
    }
    assert nonzero(five["by_status"]) == {
        "submitted": 1,
        "returned": 1,
        "withdrawn": 1,
        "not_eligible": 1,
        "under_review": 1,
        "rejected": 1,
        "implemented": 1,
        "benefit_verified": 1,
        "awarded": 1,
    }
    assert per_unit(five["by_unit"]) == [("A1", 9)]
    assert (five["headcount"], five["entrants"]) == (8, 4)
    assert five["participation"] == Decimal("50.0")
    assert five["per_hundred"] == Decimal("112.5")  # 9 × 100 / 8
    assert five["approval_rate"] == Decimal("75.0")  # 3 / 4
    assert five["implementation_rate"] == Decimal("100.0")  # 3 / 3
    assert five["verified_benefit"] == Decimal("52000.00")
    assert [
        (row["code"], row["count"], row["amount"])
        for row in five["awards_by_grade"]
        if row["count"]
    ] == [("first", 1, Decimal("5000.00"))]
    # An even count: 2, 5.5, 10, 30 days → (5.5 + 10) / 2 = 7.75.
    assert five["median_days_to_decision"] == Decimal("7.8")


def test_five_small_figures_of_company_b_only(world):
    five = figures_of(world.org.company_b, world.year)["five_small"]

    assert five["total"] == 4
    assert nonzero(five["by_category"]) == {
        "invention": 1,
        "creation": 1,
        "innovation": 1,
        "design": 1,
    }
    assert nonzero(five["by_status"]) == {
        "submitted": 1,
        "approved": 1,
        "rejected": 1,
        "awarded": 1,
    }
    assert per_unit(five["by_unit"]) == [("B1", 4)]
    assert (five["headcount"], five["entrants"]) == (5, 2)
    assert five["participation"] == Decimal("40.0")
    assert five["per_hundred"] == Decimal("80.0")
    assert five["approval_rate"] == Decimal("66.7")  # 2 / 3
    assert five["implementation_rate"] == Decimal("50.0")  # 1 / 2
    assert five["verified_benefit"] == Decimal("30000.00")
    assert [
        (row["code"], row["count"], row["amount"])
        for row in five["awards_by_grade"]
        if row["count"]
    ] == [("second", 1, Decimal("2000.00"))]
    # An odd count: 1.5, 20, 25 days.
    assert five["median_days_to_decision"] == Decimal("20.0")


def test_a_single_decision_is_its_own_median_and_none_means_no_median(world):
    team = figures_of(world.org.team_a102, world.year)["five_small"]
    # Team A102: colleague_a's a2 (5.5 days) is its only decision.
    assert team["median_days_to_decision"] == Decimal("5.5")
    assert team["total"] == 3  # colleague_a's a2, a6 and a10
    # Nothing decided in team B101 last year (p16 is only submitted).
    assert (
        figures_of(world.org.team_b101, world.last)["five_small"]["median_days_to_decision"] is None
    )
