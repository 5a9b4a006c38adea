"""A long list's export (a background `list_export` run, core/api/views.py) of
about 100,000 proposals at full size (10,000 at CI's tenth), against
PostgreSQL's own `COPY … TO STDOUT` of the same rows and columns, in the same
run; and the memory the export grows by.

Keys in var/bench/results.json: export_csv_ratio, export_xlsx_ratio,
export_rss_mb (docs/testing.md has the targets)."""

import csv
import gc
import io
import threading
import time
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import OrgUnit
from competitions.models import Proposal
from competitions.selectors import proposals_visible_to
from reports.builders import write_report
from reports.models import ReportRun

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator uses generate_series"
    ),
]

# The targets. The rows are read column by column from the database
# (core/export_columns.py), no longer through the API serializer (about a
# millisecond a row), as tuples of one query in which PostgreSQL also turns
# the moments into local time, lists the co-authors (an array) and leaves the
# goals as text; and the workbook is written by XlsxWriter in constant memory
# (core/exports.py), no longer by openpyxl's write-only mode, which took about
# twice as long to write the sheet. At a tenth on a shared two-core machine
# (load 3-7), best of three, 16 runs: CSV median 2.1x, 0.8-2.7 (the export
# 284 ms, COPY 165; the lowest ratios are runs whose COPY was disturbed), where
# converting, decoding and a co-author query a chunk in Python gave median
# 3.1x, 1.7-4.8 (426 ms) in the same runs; XLSX 6.0-11.2x (median 6.5 in six
# runs); growth 0-1 MB. With that margin the benchmark holds the issue's
# targets themselves; results.json has the measured ratios.
TARGETS = {"csv": 5, "xlsx": 40, "rss_mb": 100}
ROWS_AT_FULL_SIZE = 100_000
EXPORT_RUNS = 3

# The export's columns, read by PostgreSQL itself: what the file holds, with the
# joins it needs (names, not ids; co-authors as one cell).
COPY_SQL = """
COPY (
  SELECT p.code, c.name, p.status, author.full_name, p.author_share,
         (SELECT string_agg(person.full_name, '、' ORDER BY ca.id)
            FROM competitions_coauthor ca JOIN accounts_user person ON person.id = ca.person_id
           WHERE ca.proposal_id = p.id),
         entered.full_name, unit.name, p.category, p.goals, p.post, p.title,
         p.current_situation, p.improvement, p.expected_effect, p.expected_benefit,
         duplicate.code, p.submitted_at, p.created_at, p.updated_at,
         p.decided_at, p.decision_reason, p.implemented_on, p.implementing_department,
         p.verified_benefit, p.verification_evidence, p.verified_on
    FROM competitions_proposal p
    JOIN competitions_campaign c ON c.id = p.campaign_id
    JOIN accounts_user author ON author.id = p.author_id
    LEFT JOIN accounts_user entered ON entered.id = p.entered_by_id
    JOIN accounts_orgunit unit ON unit.id = p.org_unit_id
    LEFT JOIN competitions_proposal duplicate ON duplicate.id = p.duplicate_of_id
   WHERE unit.path LIKE %s
   ORDER BY p.created_at DESC, p.id DESC
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def _unit_of_about(rows: int, group) -> OrgUnit:
    """The widest unit with at most about `rows` proposals (a company at full
    size, a plant at a tenth)."""
    for unit in OrgUnit.objects.filter(depth__lte=3).order_by("depth", "path"):
        count = Proposal.objects.filter(org_unit__path__startswith=unit.path).count()
        if count <= rows * 1.5:
            return unit
    return group.root


def _copy_seconds(unit) -> float:
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.cursor.copy_expert(
            cursor.mogrify(COPY_SQL, [unit.path + "%"]).decode(), io.StringIO()
        )
        return time.perf_counter() - start


def _rows_in(content: bytes, kind: str) -> int:
    """The data rows of a run's file: below the CSV's header, below the
    workbook's title block (three lines) and header."""
    if kind == "csv":
        return sum(1 for _row in csv.reader(io.StringIO(content.decode("utf-8-sig")))) - 1
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return sum(1 for _row in sheet.iter_rows(max_col=1, values_only=True)) - 4


def _rss() -> int:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines() if "VmRSS" in line)


class PeakMemory(threading.Thread):
    """This process's resident size, sampled every 20 ms while the export runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.before = self.peak = _rss()
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, _rss())

    def growth_mb(self) -> float:
        self.done.set()
        self.join()
        return round((max(self.peak, _rss()) - self.before) / 2**20, 1)


def _timed_export(run) -> tuple[float, bytes]:
    start = time.perf_counter()
    content = write_report(run, on_section=lambda percent: True)
    return time.perf_counter() - start, content


@pytest.fixture(scope="module")
def export_unit(big_group, group_scale, django_db_blocker):
    with django_db_blocker.unblock():
        return _unit_of_about(int(ROWS_AT_FULL_SIZE * group_scale), big_group)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_long_export_against_copy(big_group, export_unit, kind, ratio, record):
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.LIST_EXPORT,
        list_url=f"http://testserver/api/v1/proposals/export/?as={kind}&org_unit={export_unit.pk}",
        title="五小提案",
        org_unit=export_unit,
        year=timezone.localdate().year,
        format=kind,
        requested_by=big_group.official,
    )
    rows = Proposal.objects.filter(org_unit__path__startswith=export_unit.path).count()
    baseline = min(_copy_seconds(export_unit) for _ in range(3))
    # A worker imports the URLconf (every app's API) when it starts
    # (config/celery.py), not during a run: timed here, it was a second or
    # more of the first export's time, several times COPY's own.
    import_module(settings.ROOT_URLCONF)
    # Nor is the full garbage collection those imports and the test's set-up
    # leave due: it fell in the timed part of the first export (0.15-0.25 s
    # over some 430,000 objects, more than COPY's whole time at a tenth).
    gc.collect()
    memory = PeakMemory()
    memory.start()
    measured, content = _timed_export(run)
    growth_mb = memory.growth_mb()
    # The fastest of three, as COPY's is: the run least disturbed by the
    # machine's other work (one run's time swung by half on a loaded machine).
    for _ in range(EXPORT_RUNS - 1):
        measured = min(measured, _timed_export(run)[0])
    under = {"org_unit__path__startswith": export_unit.path}
    seen = proposals_visible_to(big_group.official).filter(**under).count()
    assert _rows_in(content, kind) == seen  # every row the official sees
    value = ratio(measured, baseline, f"export_{kind}_ratio", "COPY")
    print(f"  ({rows} rows)")
    if kind == "xlsx":
        # The workbook is built in memory before it is stored (a report's file).
        record("export_rss_mb", growth_mb)
        assert growth_mb < TARGETS["rss_mb"]
    assert value <= TARGETS[kind]
