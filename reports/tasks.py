"""Thin Celery wrappers around the report services (docs/architecture.md)."""

import logging
from contextlib import suppress

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from core.db import is_statement_timeout, on_replica
from core.queue import close_broken_connections
from reports import services, snapshots
from reports.builders import RunLost, file_name, write_report
from reports.models import ReportRun

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def build_report(self, run_id: int, give_back: int | None = None) -> None:
    """Claim the run, build its file section by section, store it. Safe to run
    twice: a run that is not queued is left alone. `give_back` is the attempt a
    transient database error interrupted, released here if it still holds the
    run (its own release may have failed with the database still down)."""
    attempt = None
    try:
        if give_back is not None:
            services.report_run_release(run_id=run_id, attempt=give_back)
        attempt = services.report_run_claim(run_id=run_id)
        if attempt is None:
            return
        # The run's own row is read and written on the primary; the data it
        # reports on is read on the replica when there is a current one (core.db).
        run = ReportRun.objects.select_related("org_unit", "campaign").get(pk=run_id)
        with translation.override(settings.LANGUAGE_CODE):
            content = on_replica(
                lambda: write_report(
                    run,
                    on_section=lambda percent: services.report_run_progress(
                        run_id=run_id, attempt=attempt, progress=percent
                    ),
                )
            )
            name = file_name(run)
        services.report_run_finish(run_id=run_id, attempt=attempt, content=content, name=name)
    except RunLost:
        return  # recovery gave the run to another attempt: its result counts
    except TRANSIENT as exc:
        # The error may have broken the connection itself (PostgreSQL restarted,
        # the backend killed): every write below needs a fresh one.
        close_broken_connections()
        if is_statement_timeout(exc):
            # The worker's statement timeout (CELERY_STATEMENT_TIMEOUT_MS): the
            # same query would be cut again on a retry.
            _fail(run_id, attempt, _("The report took too long to build."))
            return
        held = attempt if attempt is not None else give_back
        if self.request.retries < self.max_retries:
            # The database hiccupped: give the run back and try again shortly;
            # if the database is still away, the retry gives it back first.
            with suppress(*TRANSIENT):
                services.report_run_release(
                    run_id=run_id,
                    attempt=held,
                    reason=_("Attempt %(n)s was cut by a database error: %(error)s")
                    % {"n": held, "error": exc},
                )
            raise self.retry(
                exc=exc,
                countdown=settings.REPORT_RETRY_DELAY,
                kwargs={"run_id": run_id, "give_back": held},
            ) from exc
        _fail(run_id, held, _("The report could not be built: %(error)s") % {"error": exc})
    except SoftTimeLimitExceeded:
        _fail(run_id, attempt, _("The report took too long to build."))
    except Exception as exc:
        log.exception("Report run %s failed", run_id)
        _fail(run_id, attempt, _("The report could not be built: %(error)s") % {"error": exc})


def _fail(run_id: int, attempt: int | None, error: str) -> None:
    if attempt is not None:
        services.report_run_fail(run_id=run_id, attempt=attempt, error=error)


@shared_task(ignore_result=True)
def recover_report_runs() -> dict:
    """Periodic (beat): re-queue runs whose worker stopped; see the service."""
    return services.report_runs_recover()


@shared_task(ignore_result=True)
def schedule_monthly_five_small_reports() -> int:
    """Beat, on the 1st of each month: a five-small summary per company, kept
    for the officials over it."""
    return services.report_runs_schedule(kind=ReportRun.Kind.CAMPAIGN_SUMMARY)


@shared_task(ignore_result=True)
def schedule_yearly_studio_reports() -> int:
    """Beat, on 2 January: last year's studio annual summary per company."""
    return services.report_runs_schedule(kind=ReportRun.Kind.STUDIO_ANNUAL, last_year=True)


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def refresh_dashboard_snapshots() -> dict:
    """Beat, every few minutes: recompute the stale dashboard snapshots."""
    return snapshots.dashboard_snapshots_refresh_stale()


@shared_task(ignore_result=True)
def rebuild_dashboard_snapshots() -> dict:
    """Beat, nightly: recompute every dashboard snapshot (at-risk pairings change
    with the date)."""
    return snapshots.dashboard_snapshots_rebuild()
