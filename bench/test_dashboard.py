"""The dashboard's figures for a large group stay within a fixed factor of plain
SQL computing the same figures, on PostgreSQL. The group is bench/group.py's."""

from decimal import Decimal

import pytest
from django.db import connection

from bench.conftest import best_seconds
from core.numbers import percent
from reports.selectors.dashboard import DashboardScope, five_small_figures, studio_figures

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator uses generate_series"
    ),
]

# Measured on a two-core machine at scale 0.1 (30 000 people, 1 000 studios,
# 100 000 proposals): ≈ 1.3x. The dashboard adds only Python around the same
# aggregates; the ceiling catches a per-row loop or a lost index.
TARGET = 5


def plain_sql(scope: DashboardScope, official_id: int) -> dict:
    """The same studio and five-small figures, in hand-written SQL."""
    path, year = scope.unit.path, scope.year
    with connection.cursor() as cursor:

        def rows(sql, *params):
            cursor.execute(sql, params)
            return cursor.fetchall()

        in_scope = "JOIN accounts_orgunit o ON o.id = {t}.org_unit_id AND o.path LIKE %s"
        studios = rows(
            "SELECT s.status, count(*) FROM studios_studio s "
            + in_scope.format(t="s")
            + " GROUP BY s.status",
            f"{path}%",
        )
        proposals = (
            "FROM competitions_proposal p JOIN competitions_campaign c ON c.id = p.campaign_id "
            + in_scope.format(t="p")
            + " WHERE c.year = %s AND p.submitted_at IS NOT NULL"
        )
        by_status = rows(
            f"SELECT p.status, count(*) {proposals} GROUP BY p.status", f"{path}%", year
        )
        by_category = rows(
            f"SELECT p.category, count(*) {proposals} GROUP BY p.category", f"{path}%", year
        )
        benefit, median = rows(
            f"SELECT sum(p.verified_benefit), percentile_cont(0.5) WITHIN GROUP (ORDER BY "
            f"p.decided_at - p.submitted_at) FILTER (WHERE p.decided_at IS NOT NULL) {proposals}",
            f"{path}%",
            year,
        )[0]
        workers = (
            "FROM accounts_user u " + in_scope.format(t="u") + " WHERE u.is_active AND NOT "
            "EXISTS (SELECT 1 FROM accounts_rolegrant r WHERE r.user_id = u.id "
            "AND r.role = 'union_official')"
        )
        headcount = rows(f"SELECT count(*) {workers}", f"{path}%")[0][0]
        # Workers by their own unit, whatever unit the proposal was filed under.
        of_year = (
            "FROM competitions_proposal p JOIN competitions_campaign c ON c.id = p.campaign_id "
            "WHERE c.year = %s AND p.submitted_at IS NOT NULL"
        )
        entrants = rows(
            f"SELECT count(*) {workers} AND u.id IN (SELECT p.author_id {of_year} UNION "
            f"SELECT a.person_id FROM competitions_coauthor a WHERE a.proposal_id IN "
            f"(SELECT p.id {of_year}))",
            f"{path}%",
            year,
            year,
        )[0][0]
    statuses = dict(by_status)
    decided = sum(
        statuses.get(s, 0)
        for s in ("approved", "rejected", "implemented", "benefit_verified", "awarded")
    )
    approved = sum(
        statuses.get(s, 0) for s in ("approved", "implemented", "benefit_verified", "awarded")
    )
    return {
        "studios_by_status": dict(studios),
        "total": sum(statuses.values()),
        "by_category": dict(by_category),
        "verified_benefit": benefit or Decimal(0),
        "median_days": Decimal(median.total_seconds() / 86400).quantize(Decimal("0.1"))
        if median
        else None,
        "headcount": headcount,
        "entrants": entrants,
        "approval_rate": percent(approved, decided),
    }


def the_same_figures(scope: DashboardScope) -> dict:
    studios, five = studio_figures(scope), five_small_figures(scope)
    return {
        "studios_by_status": {r["code"]: r["count"] for r in studios["by_status"] if r["count"]},
        "total": five["total"],
        "by_category": {r["code"]: r["count"] for r in five["by_category"] if r["count"]},
        "verified_benefit": five["verified_benefit"],
        "median_days": five["median_days_to_decision"],
        "headcount": five["headcount"],
        "entrants": five["entrants"],
        "approval_rate": five["approval_rate"],
    }


def test_dashboard_figures_stay_within_their_ratio_of_plain_sql(big_group, ratio):
    scope, official = DashboardScope(unit=big_group.root, year=big_group.year), big_group.official
    assert the_same_figures(scope) == plain_sql(scope, official.pk)
    measured = best_seconds(lambda: the_same_figures(scope), repeat=3)
    baseline = best_seconds(lambda: plain_sql(scope, official.pk), repeat=3)
    assert ratio(measured, baseline, "dashboard (studios + five-small)") < TARGET
