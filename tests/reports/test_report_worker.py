"""Report runs built by real Celery worker processes, through the broker (Redis when
REDIS_URL is set, the embedded filesystem transport otherwise), against the test
database: each kind end to end, and a worker killed mid-run whose run a new
worker finishes after the periodic recovery.

Routing: `services._signal_worker` sends `build_report.delay(run_id)`; each
test routes it to its own workers' queue (tests/workers.py).
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation

from core.history import not_recorded
from reports import services
from reports.builders import write_report
from reports.models import ReportRun
from studios.models import Studio
from tests import workers as worker_pool
from tests.reports import report_runs as runs
from tests.reports.report_runs import (
    OVERVIEW_SHEETS,
    THIS_YEAR,
    file_bytes,
    stored_files,
    xlsx_sheets,
)
from tests.workers import sent_to, wait_for

# The hand-built data of the report-run tests (and the fixtures it rests on).
report_data = runs.report_data
campaigns = runs.campaigns
make_proposal = runs.make_proposal
mentoring = runs.mentoring
# Worker processes on a queue of this test's own, and their shared media folder.
workers = worker_pool.workers
media_root = worker_pool.media_root

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Kind, Status, Format = ReportRun.Kind, ReportRun.Status, ReportRun.Format
BUILD_TASK = "reports.tasks.build_report"


def fresh_build(run: ReportRun) -> bytes:
    """What the builder writes for the run here and now, in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return write_report(run, on_section=lambda percent: None)


def test_a_real_worker_builds_each_report_kind(report_data, workers, media_root):
    org = report_data.org
    asked = [
        (Kind.GROUP_OVERVIEW, Format.XLSX),
        (Kind.STUDIO_ANNUAL, Format.XLSX),
        (Kind.STUDIO_ANNUAL, Format.CSV),
        (Kind.CAMPAIGN_SUMMARY, Format.XLSX),
        (Kind.MENTORING_SUMMARY, Format.XLSX),
        (Kind.MENTORING_SUMMARY, Format.CSV),
    ]
    workers.start()
    with sent_to(workers.queue, BUILD_TASK):
        requested = [
            services.report_run_request(by=org.official_a, kind=kind, year=THIS_YEAR, format=fmt)
            for kind, fmt in asked
        ]
    ids = [run.pk for run in requested]

    def all_finished():
        found = ReportRun.objects.filter(pk__in=ids)
        return all(run.is_finished for run in found)

    wait_for(all_finished, workers)
    built = ReportRun.objects.filter(pk__in=ids).select_related("org_unit", "campaign")
    for run in built.order_by("pk"):
        assert (run.status, run.attempt, run.progress, run.error) == (
            Status.SUCCEEDED,
            1,
            100,
            "",
        ), (run.kind, run.error, workers.log())
        assert run.file.name.endswith(f".{run.format}")
        content = file_bytes(run)
        if run.format == Format.CSV:
            # Same table as a build here (BOM, Chinese header and all).
            assert content == fresh_build(run), run.kind
        else:
            got, expected = xlsx_sheets(content), xlsx_sheets(fresh_build(run))
            assert list(got) == list(expected), run.kind
            for title in got:
                assert got[title] == expected[title], (run.kind, title)
    # The files are the ones the worker wrote, one per run, under the shared media root.
    assert len(stored_files(media_root)) == len(asked)
    sheets = xlsx_sheets(file_bytes(built.get(kind=Kind.GROUP_OVERVIEW)))
    assert list(sheets) == OVERVIEW_SHEETS
    studios = xlsx_sheets(file_bytes(built.get(kind=Kind.STUDIO_ANNUAL, format=Format.XLSX)))
    assert [row[0] for row in studios[f"{THIS_YEAR} 年工作室"][1:]] == ["A1-DUST", "A1-WASH"]


# Enough studios that building the annual summary takes seconds, not milliseconds:
# the test sees the run claimed (running) and kills the worker inside the builder.
SLOW_STUDIOS = 6000


def test_a_killed_worker_run_ends_succeeded_once_after_recovery(org, studios, workers, media_root):
    with not_recorded():  # the test's data, not history (3 s of field history for 6,000)
        Studio.objects.bulk_create(
            Studio(
                name=f"批量工作室{n}",
                code=f"BULK-{n:05d}",
                kind=Studio.Kind.EMPLOYEE,
                leader=studios.lead_a,
                org_unit=org.team_a101,
                speciality="检修",
                founded_on=datetime.date(2020, 1, 1),
                status=Studio.Status.ESTABLISHED,
            )
            for n in range(SLOW_STUDIOS)
        )
    first = workers.start()
    with sent_to(workers.queue, BUILD_TASK):
        run = services.report_run_request(
            by=org.official_a, kind=Kind.STUDIO_ANNUAL, year=THIS_YEAR
        )

    def claimed():
        return ReportRun.objects.filter(pk=run.pk, status=Status.RUNNING).exists()

    wait_for(claimed, workers, every=0.02)
    workers.kill(first)
    first.wait(timeout=10)
    # Killed mid-run: claimed by attempt 1, no file, nothing stored.
    run.refresh_from_db()
    assert (run.status, run.attempt, run.file.name) == (Status.RUNNING, 1, ""), workers.log()
    assert run.progress < 100
    assert stored_files(media_root) == []

    # The periodic check, once the heartbeat is older than the threshold, gives
    # the run back and signals it; a new worker takes it.
    later = timezone.now() + datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + 1)
    with sent_to(workers.queue, BUILD_TASK):
        counts = services.report_runs_recover(now=later)
    assert counts["requeued"] == 1 and counts["failed"] == 0
    workers.start()

    wait_for(lambda: ReportRun.objects.get(pk=run.pk).is_finished, workers)
    run = ReportRun.objects.select_related("org_unit", "campaign").get(pk=run.pk)
    assert (run.status, run.attempt, run.progress, run.error) == (
        Status.SUCCEEDED,
        2,
        100,
        "",
    ), workers.log()
    assert ReportRun.objects.count() == 1
    # One file, the second attempt's, with every studio of company A.
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [
        run.file.name
    ]
    sheets = xlsx_sheets(file_bytes(run))
    assert sheets == xlsx_sheets(fresh_build(run))
    assert len(sheets[f"{THIS_YEAR} 年工作室"]) == 1 + SLOW_STUDIOS + 2
