"""Every write to report runs. The request is the official's; the rest is the
worker's, each step a conditional UPDATE fenced by the attempt number, so a
late write from a dead attempt changes nothing."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import is_official, org_units_managed_by
from competitions.models import Campaign
from competitions.selectors import campaigns_managed_by
from core.services import ensure
from notices.services import notify
from reports.models import ReportRun

Status = ReportRun.Status
# List-shaped reports may also be written as CSV (one table, no sheets).
CSV_KINDS = (ReportRun.Kind.STUDIO_ANNUAL, ReportRun.Kind.MENTORING_SUMMARY)


@transaction.atomic
def report_run_request(
    *,
    by: User | None,
    kind: str,
    year: int,
    org_unit: OrgUnit | None = None,
    campaign: Campaign | None = None,
    format: str = ReportRun.Format.XLSX,
) -> ReportRun:
    """Queue a report over `org_unit`, a unit the requester manages (by default
    their widest; the `reported-org-units` picker offers them). `by` is None
    for the scheduled runs, which the system requests itself."""
    if by is not None:
        ensure(is_official(by), PermissionDenied())
        managed = org_units_managed_by(by)
        if org_unit is None:
            org_unit = managed.order_by("depth", "path").first()
        ensure(
            org_unit is not None and managed.filter(pk=org_unit.pk).exists(),
            ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
        )
        if campaign is not None:
            ensure(
                campaigns_managed_by(by).filter(pk=campaign.pk).exists(),
                ValidationError({"campaign": _("This campaign is outside your scope.")}),
            )
    if campaign is not None:
        # The campaign must be the report's: a five-small summary, of its year,
        # and one the run's unit takes part in or organised (its name is shown to
        # every official who sees the run, so never another company's campaign).
        ensure(
            kind == ReportRun.Kind.CAMPAIGN_SUMMARY,
            ValidationError({"campaign": _("Only a five-small summary is for one campaign.")}),
        )
        related = org_unit is not None and (
            org_unit.path.startswith(campaign.org_unit.path)
            or campaign.org_unit.path.startswith(org_unit.path)
        )
        ensure(
            campaign.year == year and related,
            ValidationError(
                {"campaign": _("Choose a campaign of that year that covers the unit.")}
            ),
        )
    ensure(
        format == ReportRun.Format.XLSX or kind in CSV_KINDS,
        ValidationError({"format": _("This report has several tables: it is written as Excel.")}),
    )
    return _queued(
        ReportRun(
            kind=kind,
            org_unit=org_unit,
            year=year,
            campaign=campaign,
            format=format,
            requested_by=by,
        )
    )


@transaction.atomic
def list_export_request(
    *, by: User, url: str, title: str, org_unit: OrgUnit | None, format: str
) -> ReportRun:
    """Queue the export of a list too long for the answer (core/api/views.py
    ExportMixin): anyone may export what they see; the worker replays `url`
    as `by`, and only `by` sees the run and its file (reports/selectors/runs.py)."""
    ensure(
        format in ReportRun.Format.values,
        ValidationError({"as": _("Choose xlsx or csv.")}),
    )
    # The unit the file is named after: the list's filter, else the person's
    # own; someone placed in no unit (a superuser) is filed under the group.
    unit = org_unit or by.org_unit or OrgUnit.objects.order_by("depth", "path").first()
    return _queued(
        ReportRun(
            kind=ReportRun.Kind.LIST_EXPORT,
            list_url=url,
            title=title[:100],
            org_unit=unit,
            year=timezone.localdate().year,
            format=format,
            requested_by=by,
        )
    )


def _queued(run: ReportRun) -> ReportRun:
    run.full_clean()
    run.save()
    _signal_worker(run.pk)
    return run


def _signal_worker(run_id: int) -> None:
    from core.signals_to_worker import send_after_commit
    from reports.tasks import build_report  # tasks import services: imported late

    send_after_commit(build_report, run_id)


@transaction.atomic
def report_run_claim(*, run_id: int) -> int | None:
    """Take a queued run for this attempt: its number, or None when the run is
    not queued (already taken, done, or failed), so a task runs at most once.
    One transaction: a connection lost before the number is read leaves the
    run queued, not taken by an attempt nobody knows."""
    now = timezone.now()
    spent = ReportRun.objects.filter(
        pk=run_id, status=Status.QUEUED, attempt__gte=settings.REPORT_MAX_ATTEMPTS
    )
    # What cut the last attempt, when it gave the run back (report_run_release).
    last_error = spent.values_list("error", flat=True).first()
    if last_error is not None:
        error = _("The report could not be built after %(n)s attempts.") % {
            "n": settings.REPORT_MAX_ATTEMPTS
        }
        if last_error:
            error = f"{error} {last_error}"
        if spent.update(status=Status.FAILED, finished_at=now, error=error[:2000]):
            return None
    taken = ReportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        attempt=F("attempt") + 1,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        error="",
    )
    if not taken:
        return None
    return ReportRun.objects.filter(pk=run_id).values_list("attempt", flat=True).first()


def report_run_progress(*, run_id: int, attempt: int, progress: int) -> bool:
    """Record progress and a heartbeat; False when this attempt lost the run."""
    return bool(
        ReportRun.objects.filter(pk=run_id, attempt=attempt, status=Status.RUNNING).update(
            progress=max(0, min(progress, 99)), heartbeat_at=timezone.now()
        )
    )


def report_run_finish(*, run_id: int, attempt: int, content: bytes, name: str) -> bool:
    """Store the file and mark the run succeeded, if this attempt still holds it.

    Each run keeps its file in a folder of its own, emptied before the file is
    written: an attempt that died after storing its file and before marking
    the run leaves nothing behind once a retry stores its own."""
    run = ReportRun.objects.filter(pk=run_id, attempt=attempt, status=Status.RUNNING).first()
    if run is None:
        return False
    storage = run.file.storage
    folder = report_run_folder(run)
    for earlier in storage.listdir(folder)[1] if storage.exists(folder) else []:
        storage.delete(f"{folder}/{earlier}")
    stored = storage.save(storage.generate_filename(f"{folder}/{name}"), ContentFile(content))
    with transaction.atomic():
        done = ReportRun.objects.filter(pk=run_id, attempt=attempt, status=Status.RUNNING).update(
            status=Status.SUCCEEDED,
            progress=100,
            file=stored,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if done:
            _tell_requester(run, "reports.run_ready")
    if not done and not ReportRun.objects.filter(pk=run_id, file=stored).exists():
        storage.delete(stored)  # lost the run between the two statements: no stray file
    return bool(done)


def report_run_folder(run: ReportRun) -> str:
    """Where the run's file is stored: by the month it was requested, then its id."""
    return f"reports/{timezone.localtime(run.created_at):%Y/%m}/{run.pk}"


def _tell_requester(run: ReportRun, kind: str) -> None:
    """The person who asked for the run hears it is done (a scheduled run has
    nobody to tell: its officials find it on the runs page)."""
    if run.requested_by_id is None:
        return
    notify(
        kind=kind,
        recipients=[run.requested_by_id],
        record=run,
        text_params={"title": run.title or run.get_kind_display()},
        url=run.get_absolute_url(),
    )


@transaction.atomic
def report_run_fail(*, run_id: int, attempt: int, error: str) -> bool:
    """Mark the run failed with a message the requester reads."""
    failed = ReportRun.objects.filter(pk=run_id, attempt=attempt, status=Status.RUNNING).update(
        status=Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    if failed:
        _tell_requester(ReportRun.objects.get(pk=run_id), "reports.run_failed")
    return bool(failed)


def report_run_release(*, run_id: int, attempt: int, reason: str = "") -> bool:
    """Give the run back to the queue (a transient error; the task retries).
    `reason` is kept in `error` (cleared by the next claim), so a run whose
    attempts all end so says why it failed."""
    return bool(
        ReportRun.objects.filter(pk=run_id, attempt=attempt, status=Status.RUNNING).update(
            status=Status.QUEUED, error=reason[:2000]
        )
    )


def report_runs_recover(*, now: datetime.datetime | None = None) -> dict:
    """The periodic check: a running run whose heartbeat stopped goes back to the
    queue (or fails after the last attempt), and a queued run nobody took is
    signalled again. Each change is conditional on what was read."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    stopped = ReportRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=stale_before)
    for run_id, attempt in stopped.values_list("pk", "attempt"):
        # Fenced on the attempt and on the heartbeat still being stale, so a
        # worker that wrote one since the read keeps its run.
        fenced = ReportRun.objects.filter(
            pk=run_id, attempt=attempt, status=Status.RUNNING, heartbeat_at__lt=stale_before
        )
        if attempt >= settings.REPORT_MAX_ATTEMPTS:
            with transaction.atomic():
                failed = fenced.update(
                    status=Status.FAILED,
                    finished_at=now,
                    error=_("The report could not be built: the worker stopped %(n)s times.")
                    % {"n": attempt},
                )
                if failed:
                    _tell_requester(ReportRun.objects.get(pk=run_id), "reports.run_failed")
            counts["failed"] += failed
        # The heartbeat is bumped so the check below does not send it a second time.
        elif fenced.update(status=Status.QUEUED, heartbeat_at=now):
            counts["requeued"] += 1
            _signal_worker(run_id)
    forgotten = ReportRun.objects.filter(status=Status.QUEUED).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, created_at__lt=stale_before)
    )
    for run_id in forgotten.values_list("pk", flat=True):
        # The heartbeat is bumped so the same run is not re-sent every minute.
        if ReportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(heartbeat_at=now):
            counts["resent"] += 1
            _signal_worker(run_id)
    return counts


@transaction.atomic
def report_runs_schedule(*, kind: str, last_year: bool = False) -> int:
    """The scheduled runs: one per company (the level-1 units under the group),
    requested by nobody, visible to every official over the company. A monthly
    run covers the year of the month just ended (on 1 January, December's)."""
    today = timezone.localdate()
    year = today.year - 1 if last_year else (today - datetime.timedelta(days=1)).year
    created = 0
    for company in OrgUnit.objects.filter(depth=2).order_by("path"):
        # Beat may deliver the same tick twice: one scheduled run a day per report.
        already = ReportRun.objects.filter(
            requested_by=None,
            kind=kind,
            org_unit=company,
            year=year,
            created_at__date=today,
        ).exists()
        if not already:
            report_run_request(by=None, kind=kind, year=year, org_unit=company)
            created += 1
    return created
