"""Report runs that an attempt left half done finish once, with one file.

- A run whose database connection dies mid-build (PostgreSQL restarted, here
  its backend terminated) is retried by the same task on a fresh connection and
  succeeds, without waiting for the periodic recovery. A real worker process on
  PostgreSQL: the fault is the worker's own connection going away under it,
  which an eager task inside the test's transaction cannot show.
- An attempt that died after storing its file and before marking the run leaves
  no second file once the next attempt stores its own.
"""

import datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils import timezone

from reports import services
from reports.models import ReportRun
from reports.tasks import build_report
from studios.models import Studio
from tests import workers as worker_pool
from tests.reports.report_runs import THIS_YEAR, queued_run, stored_files
from tests.workers import sent_to, wait_for

workers = worker_pool.workers
media_root = worker_pool.media_root

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="terminates a PostgreSQL backend"
)
Kind, Status = ReportRun.Kind, ReportRun.Status
BUILD_TASK = "reports.tasks.build_report"
# Enough studios that the build takes a few seconds: the backend is terminated
# while the worker is inside it.
SLOW_STUDIOS = 1500


def terminate_other_backends() -> int:
    """What a PostgreSQL restart does to the worker: its session is gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_connection_dies_succeeds_on_the_tasks_own_retry(
    org, studios, workers, media_root
):
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
    workers.env["REPORT_RETRY_DELAY_SECONDS"] = "1"
    workers.start()
    with sent_to(workers.queue, BUILD_TASK):
        run = services.report_run_request(
            by=org.official_a, kind=Kind.STUDIO_ANNUAL, year=THIS_YEAR
        )
    wait_for(
        lambda: ReportRun.objects.filter(pk=run.pk, status=Status.RUNNING).exists(),
        workers,
        every=0.02,
    )
    assert terminate_other_backends() >= 1

    # No recovery sweep runs here: only the task's own retry can finish it.
    wait_for(lambda: ReportRun.objects.get(pk=run.pk).is_finished, workers, seconds=30)
    run.refresh_from_db()
    assert (run.status, run.attempt, run.progress, run.error) == (
        Status.SUCCEEDED,
        2,
        100,
        "",
    ), workers.log()
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [
        run.file.name
    ]


class ProcessDied(BaseException):
    """The worker process ending between two statements (not an error a task
    catches: nothing after it runs)."""


def test_an_attempt_that_died_after_storing_its_file_leaves_no_second_file(
    org, media_root, monkeypatch, settings, django_capture_on_commit_callbacks
):
    real_save = FileSystemStorage.save

    def save_then_die(self, name, content, *args, **kwargs):
        real_save(self, name, content, *args, **kwargs)
        raise ProcessDied

    run = queued_run(org.official_a, kind=Kind.STUDIO_ANNUAL)
    monkeypatch.setattr(FileSystemStorage, "save", save_then_die)
    with pytest.raises(ProcessDied):
        build_report.apply(args=[run.pk])
    monkeypatch.undo()
    assert len(stored_files(media_root)) == 1  # the dead attempt's file, unreferenced
    run.refresh_from_db()
    assert (run.status, run.attempt, run.file.name) == (Status.RUNNING, 1, "")

    # The recovery hands the run to the next attempt, which stores its own file.
    later = timezone.now() + datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_runs_recover(now=later)
    run.refresh_from_db()
    assert (run.status, run.attempt) == (Status.SUCCEEDED, 2)
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [
        run.file.name
    ]
