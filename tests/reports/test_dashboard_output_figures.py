"""The union dashboard's studio, output and mentoring figures
(`reports.selectors.dashboard`) against numbers worked out by hand on the world
of `tests/reports/dashboard_world.py`."""

from decimal import Decimal

import pytest

from competitions.models import Proposal
from studios import services as studio_services
from tests.reports import dashboard_world
from tests.reports.dashboard_world import figures_of, nonzero, per_unit, shares

pytestmark = pytest.mark.django_db

world = dashboard_world.world

Status = Proposal.Status


# --- Studios ------------------------------------------------------------------------


def test_studio_figures_of_the_group(world):
    studios = figures_of(world.org.group, world.year)["studios"]

    assert studios["total"] == 7
    assert nonzero(studios["by_status"]) == {
        "preparing": 1,
        "established": 1,
        "named": 3,
        "rectification": 1,
        "revoked": 1,
    }
    assert nonzero(studios["by_kind"]) == {"model_worker": 3, "craftsman": 2, "employee": 2}
    # The revoked studio's honour and the person's honour name no studio; the
    # person (worker_a, of company A) is ours on the list, the revoked studio not.
    assert nonzero(studios["named_by_level"]) == {"provincial": 2, "municipal": 1}
    assert shares(studios["shares"]) == [
        ("provincial", world.year, 3, 28, Decimal("10.7")),
        ("municipal", world.year, 1, 10, Decimal("10.0")),
    ]
    assert nonzero(studios["assessments_by_grade"]) == {
        "excellent": 1,
        "good": 1,
        "pass": 1,
        "fail": 1,
    }
    assert studios["in_rectification"] == 1


def test_studio_figures_of_company_a_only(world):
    studios = figures_of(world.org.company_a, world.year)["studios"]

    assert studios["total"] == 5
    assert nonzero(studios["by_status"]) == {
        "preparing": 1,
        "established": 1,
        "named": 2,
        "rectification": 1,
    }
    assert nonzero(studios["by_kind"]) == {"model_worker": 2, "craftsman": 2, "employee": 1}
    assert nonzero(studios["named_by_level"]) == {"provincial": 2}
    assert shares(studios["shares"]) == [
        ("provincial", world.year, 3, 28, Decimal("10.7")),
        ("municipal", world.year, 0, 10, Decimal("0.0")),
    ]
    assert nonzero(studios["assessments_by_grade"]) == {"excellent": 1, "good": 1, "fail": 1}
    assert studios["in_rectification"] == 1


def test_studio_figures_of_company_b_only(world):
    studios = figures_of(world.org.company_b, world.year)["studios"]

    assert studios["total"] == 2
    assert nonzero(studios["by_status"]) == {"named": 1, "revoked": 1}
    assert nonzero(studios["by_kind"]) == {"model_worker": 1, "employee": 1}
    assert nonzero(studios["named_by_level"]) == {"municipal": 1}
    assert shares(studios["shares"]) == [
        ("provincial", world.year, 0, 28, Decimal("0.0")),
        ("municipal", world.year, 1, 10, Decimal("10.0")),
    ]
    assert nonzero(studios["assessments_by_grade"]) == {"pass": 1}
    assert studios["in_rectification"] == 0


def test_a_studio_revoked_by_hand_still_counts_in_the_years_before(world):
    # DUST stands on last year's enterprise list and this year's provincial one.
    studio_services.studio_change_status(
        studio_id=world.dust.pk, by=world.org.group_official, status="revoked", reason="摘牌"
    )
    last_year = figures_of(world.org.group, world.last)["studios"]
    assert nonzero(last_year["named_by_level"]) == {"enterprise": 1}
    assert shares(last_year["shares"]) == [("enterprise", world.last, 1, 5, Decimal("20.0"))]
    this_year = figures_of(world.org.group, world.year)["studios"]
    assert nonzero(this_year["named_by_level"]) == {"provincial": 1, "municipal": 1}
    assert shares(this_year["shares"])[0] == ("provincial", world.year, 2, 28, Decimal("7.1"))


# --- Problems and outputs -----------------------------------------------------------


def test_output_figures_of_the_group(world):
    outputs = figures_of(world.org.group, world.year)["outputs"]

    assert outputs["problems_opened"] == 4
    assert outputs["problems_solved"] == 3
    assert nonzero(outputs["opened_by_category"]) == {
        "dust_control": 1,
        "quality": 1,
        "equipment": 2,
    }
    assert nonzero(outputs["solved_by_category"]) == {
        "dust_control": 1,
        "safety": 1,
        "equipment": 1,
    }
    assert outputs["achievements"] == 5
    assert nonzero(outputs["achievements_by_kind"]) == {
        "technical_innovation": 2,
        "process_improvement": 1,
        "equipment_modification": 1,
        "software": 1,
    }
    assert nonzero(outputs["patents_by_type"]) == {"invention": 2, "utility_model": 2}
    assert nonzero(outputs["patents_by_status"]) == {"filed": 2, "published": 1, "granted": 1}
    assert outputs["claimed_benefit"] == Decimal("200000.00")
    assert outputs["verified_benefit"] == Decimal("105000.00")
    assert outputs["adoptions_outside"] == 2


def test_output_figures_of_company_a_only(world):
    outputs = figures_of(world.org.company_a, world.year)["outputs"]

    assert outputs["problems_opened"] == 3
    assert outputs["problems_solved"] == 2
    assert nonzero(outputs["opened_by_category"]) == {
        "dust_control": 1,
        "quality": 1,
        "equipment": 1,
    }
    assert nonzero(outputs["solved_by_category"]) == {"dust_control": 1, "safety": 1}
    assert outputs["achievements"] == 3
    assert nonzero(outputs["achievements_by_kind"]) == {
        "technical_innovation": 1,
        "process_improvement": 1,
        "equipment_modification": 1,
    }
    assert nonzero(outputs["patents_by_type"]) == {"invention": 2, "utility_model": 1}
    assert nonzero(outputs["patents_by_status"]) == {"filed": 1, "published": 1, "granted": 1}
    assert outputs["claimed_benefit"] == Decimal("150000.00")
    assert outputs["verified_benefit"] == Decimal("80000.00")
    # ach1 adopted by the neighbouring team counts; ach3 adopted by a team inside
    # its own mine does not.
    assert outputs["adoptions_outside"] == 1


def test_output_figures_of_company_b_only(world):
    outputs = figures_of(world.org.company_b, world.year)["outputs"]

    assert (outputs["problems_opened"], outputs["problems_solved"]) == (1, 1)
    assert nonzero(outputs["opened_by_category"]) == {"equipment": 1}
    assert nonzero(outputs["solved_by_category"]) == {"equipment": 1}
    assert outputs["achievements"] == 2
    assert nonzero(outputs["achievements_by_kind"]) == {"technical_innovation": 1, "software": 1}
    assert nonzero(outputs["patents_by_type"]) == {"utility_model": 1}
    assert nonzero(outputs["patents_by_status"]) == {"filed": 1}
    assert outputs["claimed_benefit"] == Decimal("50000.00")
    assert outputs["verified_benefit"] == Decimal("25000.00")
    # B's achievement adopted in company A counts for B (its origin), not for A.
    assert outputs["adoptions_outside"] == 1


# --- Mentoring ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit, expected",
    [
        ("group", {"active": 4, "at_risk": 2, "completed": 1, "skill_rises": 1}),
        ("company_a", {"active": 2, "at_risk": 1, "completed": 1, "skill_rises": 1}),
        ("company_b", {"active": 2, "at_risk": 1, "completed": 0, "skill_rises": 0}),
    ],
)
def test_mentoring_figures(world, unit, expected):
    assert figures_of(getattr(world.org, unit), world.year)["mentoring"] == expected


# --- Trends and rankings ------------------------------------------------------------


def test_trends_by_month(world):
    group = figures_of(world.org.group, world.year)["trends"]
    assert group == {
        "proposals": [0, 3, 3, 3, 2, 2, 0, 0, 0, 0, 0, 0],
        "achievements": [0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0],
        "problems_solved": [0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    }
    company_b = figures_of(world.org.company_b, world.year)["trends"]
    assert company_b == {
        "proposals": [0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0],
        "achievements": [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0],
        "problems_solved": [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    }


def test_rankings(world):
    group = figures_of(world.org.group, world.year)["rankings"]
    assert per_unit(group["units_by_proposals"]) == [("A", 9), ("B", 4)]
    assert per_unit(group["units_by_achievements"]) == [("A", 3), ("B", 2)]
    # Achievements + patents of the year; A1-WASH has only last year's.
    assert [
        (row["code"], row["achievements_count"], row["patents_count"]) for row in group["studios"]
    ] == [
        ("A1-DUST", 2, 2),
        ("B1-TURB", 2, 1),
        ("A1-MINE", 1, 1),
    ]

    company_a = figures_of(world.org.company_a, world.year)["rankings"]
    assert per_unit(company_a["units_by_proposals"]) == [("A1", 9)]
    assert per_unit(company_a["units_by_achievements"]) == [("A1", 3)]
    assert [row["code"] for row in company_a["studios"]] == ["A1-DUST", "A1-MINE"]
