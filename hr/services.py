"""Every write of HR imports, and the unit changes they make (close, merge).

The upload and the confirm are the official's (each in a transaction, the
import row-locked before it changes state); the preview and the apply are the
worker's, each step a conditional UPDATE fenced by the attempt number, so a
late write from a dead attempt changes nothing (like report runs).
"""

import contextlib
import datetime
import io
import os
import shutil
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, RoleGrant, User
from accounts.selectors import is_official, open_units_managed_by, org_units_managed_by
from accounts.services import unit_checked
from core.exceptions import Conflict
from core.exports import workbook_to, write_sheet
from core.history import Via, recording
from core.services import ensure, locked
from core.signals import records_changed
from core.signals_to_worker import send_after_commit
from hr.models import ImportRun
from hr.planning import (
    ERRORS_KEPT,
    MAX_ROWS,
    Outcome,
    PeoplePlan,
    PeopleWriter,
    RunLost,
    UnitPlan,
    fingerprint,
    too_many_rows,
)
from hr.reading import open_table
from hr.selectors import imports_visible_to, merge_targets, open_work_of
from notices.kinds import in_product_language
from notices.services import notify

Status = ImportRun.Status


# ── units: close and merge ─────────────────────────────────────────────────


def unit_close_problem(unit: OrgUnit) -> str | None:
    """Why `unit` cannot be closed yet, or None: its people are moved first, and
    its open child units closed or moved."""
    below = OrgUnit.objects.filter(path__startswith=unit.path)
    if User.objects.filter(org_unit__in=below, is_active=True).exists():
        return _("Unit %(code)s still has active people: move them first.") % {"code": unit.code}
    if below.exclude(pk=unit.pk).filter(closed_on__isnull=True).exists():
        return _("Unit %(code)s still has open units below it.") % {"code": unit.code}
    return None


def _managed(by: User | None, unit: OrgUnit) -> OrgUnit:
    """The unit row-locked, if `by` manages it (None: the command line, the system)."""
    units = OrgUnit.objects.all() if by is None else org_units_managed_by(by)
    return locked(units, unit.pk)


@transaction.atomic
def unit_close(*, unit: OrgUnit, by: User | None) -> OrgUnit:
    """Close an emptied unit: it takes no new records or people; nothing is deleted."""
    unit = _managed(by, unit)
    ensure(not unit.is_closed, Conflict(_("This unit is already closed.")))
    problem = unit_close_problem(unit)
    ensure(problem is None, Conflict(problem))
    unit.closed_on = timezone.localdate()
    unit.save(update_fields=["closed_on"])
    return unit


# Where a unit's rows stay put when it is merged: the grants of officials over
# it (a wider scope is granted by hand, never by a merge) and what was filed
# under it (reports, imports), which describe the unit as it was.
KEPT_ON_MERGE = {RoleGrant, ImportRun}


@transaction.atomic
def unit_merge(*, unit: OrgUnit, into: OrgUnit, by: User | None) -> OrgUnit:
    """Merge `unit` into `into`: its people, its records and its child units move
    to the surviving unit, and it is closed, pointing at the survivor. Records
    keep their codes and their history. `into` is one of `merge_targets` (an
    open unit `by` manages outside `unit`'s subtree), as the merge form's
    picker offers them."""
    unit = _managed(by, unit)
    into = _managed(by, into)
    if not merge_targets(by, unit).filter(pk=into.pk).exists():
        # The offer decides; say which of its rules fails.
        ensure(not unit.is_closed, Conflict(_("A closed unit cannot be merged.")))
        ensure(
            not into.path.startswith(unit.path),
            ValidationError({"into": _("A unit cannot be merged into itself or a unit below it.")}),
        )
        raise ValidationError({"into": _("This unit is closed.")})
    for relation in OrgUnit._meta.related_objects:
        model = relation.related_model
        if model is OrgUnit or model in KEPT_ON_MERGE or model._meta.app_label == "reports":
            continue
        model._default_manager.filter(**{relation.field.name: unit}).update(
            **{relation.field.name: into}
        )
    for child in OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1):
        OrgUnit.objects.move(
            OrgUnit.objects.get(pk=child.pk), OrgUnit.objects.get(pk=into.pk), "last-child"
        )
    OrgUnit.objects.filter(pk=unit.pk).update(closed_on=timezone.localdate(), merged_into=into)
    # Records and units moved in bulk: whatever is derived from them, anywhere.
    records_changed.send(sender=OrgUnit, unit_ids=None)
    unit.refresh_from_db()
    return unit


# ── imports: the official's steps ──────────────────────────────────────────


@contextlib.contextmanager
def local_path(field_file):
    """A path on this machine for a stored file (a temporary copy when the
    storage is not a local folder)."""
    try:
        yield field_file.path
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(field_file.name)[1]) as copy:
        with field_file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def _checked_upload(kind: str, upload) -> None:
    """Refuse, before anything is stored, a file that is too big, is not a
    spreadsheet, has no recognisable header or too many rows."""
    ensure(
        upload.size <= settings.IMPORT_MAX_BYTES,
        ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.IMPORT_MAX_BYTES >> 20}
            }
        ),
    )
    suffix = os.path.splitext(upload.name)[1].lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        table = open_table(kind, copy.name, upload.name)
    ensure(table.row_count is None or table.row_count <= MAX_ROWS, ValidationError(too_many_rows()))
    upload.seek(0)


@transaction.atomic
def import_request(
    *,
    by: User,
    kind: str,
    upload,
    mode: str = ImportRun.Mode.UPSERT,
    org_unit: OrgUnit | None = None,
) -> ImportRun:
    """Store the file and queue its preview over `org_unit`, an open unit the
    official manages (by default their widest). Nothing else is written until
    the official confirms."""
    ensure(is_official(by), PermissionDenied())
    ensure(
        kind in ImportRun.Kind.values, ValidationError({"kind": _("Choose people or org units.")})
    )
    ensure(
        mode in ImportRun.Mode.values,
        ValidationError({"mode": _("Choose how the file is applied.")}),
    )
    ensure(
        mode == ImportRun.Mode.UPSERT or kind == ImportRun.Kind.PEOPLE,
        ValidationError({"mode": _("Only a people file can be a full roster.")}),
    )
    if org_unit is None:
        org_unit = open_units_managed_by(by).order_by("depth", "path").first()
    ensure(
        org_unit is not None,
        ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
    )
    # An open unit they manage (`open_units_managed_by`), as the form's picker offers.
    unit_checked(org_unit, by)
    ensure(upload is not None, ValidationError({"file": _("Choose a file to upload.")}))
    _checked_upload(kind, upload)
    run = ImportRun(
        kind=kind, mode=mode, org_unit=org_unit, requested_by=by, file_name=upload.name[:200]
    )
    run.file.save(os.path.basename(upload.name), File(upload), save=False)
    run.save()
    _signal("preview", run.pk)
    return run


@transaction.atomic
def import_confirm(*, by: User, run: ImportRun) -> ImportRun:
    """Apply a ready preview, if the data it saw is still what is there."""
    run = locked(imports_visible_to(by), run.pk)
    ensure(
        run.requested_by_id == by.pk, PermissionDenied(_("Only who uploaded the file confirms it."))
    )
    ensure(
        run.status == Status.PREVIEW_READY,
        Conflict(_("Only a ready preview can be confirmed."), code="not_ready"),
    )
    ensure(
        fingerprint(run.org_unit, run.kind) == run.fingerprint,
        Conflict(
            _("The data changed since the preview: upload the file again for a new preview."),
            code="preview_stale",
        ),
    )
    run.status = Status.APPLYING
    run.claimed = False
    run.progress = 0
    run.confirmed_at = timezone.now()
    run.heartbeat_at = run.confirmed_at
    run.save(update_fields=["status", "claimed", "progress", "confirmed_at", "heartbeat_at"])
    _signal("apply", run.pk)
    return run


def _signal(phase: str, run_id: int) -> None:
    from hr.tasks import apply_import, preview_import  # tasks import services

    send_after_commit(preview_import if phase == "preview" else apply_import, run_id)


# ── imports: the worker's steps ────────────────────────────────────────────

WAITING = {"preview": Q(status=Status.QUEUED), "apply": Q(status=Status.APPLYING, claimed=False)}


def _tell_requester(run_id: int, kind: str) -> None:
    """The person who uploaded the file hears where its import stands (and the
    unit's messenger group, for the office: the kinds are bound for it)."""
    run = ImportRun.objects.select_related("org_unit").get(pk=run_id)
    status = in_product_language(run.get_status_display())
    notify(
        kind=kind,
        recipients=[run.requested_by_id],
        record=run,
        text_params={"title": run.file_name, "status": status},
        url=reverse("hr:import-detail", args=[run.pk]),
        office_unit=run.org_unit,
    )


@transaction.atomic
def import_claim(*, run_id: int, phase: str) -> int | None:
    """Take the import for this attempt of `phase`: its number, or None when it
    is not waiting for that phase (taken, done, failed), so a task runs once."""
    now = timezone.now()
    waiting = ImportRun.objects.filter(WAITING[phase], pk=run_id)
    if waiting.filter(attempt__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        finished_at=now,
        error=_("The import could not be completed after %(n)s attempts.")
        % {"n": settings.REPORT_MAX_ATTEMPTS},
    ):
        _tell_requester(run_id, "hr.import_failed")
        return None
    changes = {"claimed": True, "attempt": F("attempt") + 1, "heartbeat_at": now, "progress": 0}
    if phase == "preview":
        changes["status"] = Status.PREVIEWING
    if not waiting.update(**changes):
        return None
    return ImportRun.objects.filter(pk=run_id).values_list("attempt", flat=True).first()


def _held(run_id: int, attempt: int):
    return ImportRun.objects.filter(
        pk=run_id, attempt=attempt, claimed=True, status__in=(Status.PREVIEWING, Status.APPLYING)
    )


def import_progress(*, run_id: int, attempt: int, progress: int) -> None:
    """A heartbeat with progress; RunLost when this attempt no longer holds it."""
    if not _held(run_id, attempt).update(
        progress=max(0, min(progress, 99)), heartbeat_at=timezone.now()
    ):
        raise RunLost


def _error_file(run: ImportRun, outcome: Outcome) -> str:
    """The rejected rows with their values and reasons, to fix and upload again,
    written as every workbook is (core.exports): a value typed as a formula in
    the HR file comes back as text, never run when the office opens it."""
    from hr.reading import COLUMNS

    columns = COLUMNS[run.kind]
    out = io.BytesIO()
    with workbook_to(out) as book:
        write_sheet(
            book,
            _("Rejected rows"),
            [_("Row"), *[c.chinese for c in columns], _("Reason")],
            (
                [row, *[values.get(c.key, "") for c in columns], message]
                for row, _key, message, values in outcome.errors
            ),
        )
    content = out.getvalue()
    return run.error_file.storage.save(
        run.error_file.field.generate_filename(run, f"import-{run.pk}-errors.xlsx"),
        ContentFile(content),
    )


def _plan(run: ImportRun, **options):
    with local_path(run.file) as path:
        table = open_table(run.kind, path, run.file_name)
        skip = {error["row"] for error in run.errors} if options.pop("skip_errors", False) else ()
        if run.kind == ImportRun.Kind.PEOPLE:
            plan = PeoplePlan(
                table, root=run.org_unit, mode=run.mode, by=run.requested_by, skip_rows=skip
            )
            return plan.run(**options)
        return UnitPlan(table, root=run.org_unit, by=run.requested_by, skip_rows=skip).run(
            **options
        )


def _summary(outcome: Outcome) -> dict:
    return {
        "counts": outcome.counts,
        "changes": outcome.changes,
        "errors": [
            {"row": row, "key": key, "message": message}
            for row, key, message, _v in outcome.errors[:ERRORS_KEPT]
        ],
        # The first ones are enough for a list of at most OPEN_WORK_SHOWN rows; the
        # dashboard lists the open work of every inactive person in scope.
        "open_work": open_work_of(User.objects.filter(pk__in=outcome.moved_or_left[:5000])),
    }


def import_preview(*, run_id: int, attempt: int) -> bool:
    """The dry run: what the file would change, written on the import only."""
    run = ImportRun.objects.select_related("org_unit", "requested_by").get(pk=run_id)
    seen = fingerprint(run.org_unit, run.kind)
    progress = lambda percent: import_progress(run_id=run_id, attempt=attempt, progress=percent)  # noqa: E731
    options = {"on_progress": progress} if run.kind == ImportRun.Kind.PEOPLE else {}
    outcome = _plan(run, **options)
    stored = _error_file(run, outcome) if outcome.errors else ""
    with transaction.atomic():
        done = _held(run_id, attempt).update(
            status=Status.PREVIEW_READY,
            claimed=False,
            progress=100,
            fingerprint=seen,
            error_file=stored,
            previewed_at=timezone.now(),
            heartbeat_at=timezone.now(),
            **_summary(outcome),
        )
        if done:
            _tell_requester(run_id, "hr.import_ready")
    if not done and stored:
        run.error_file.storage.delete(stored)
    return bool(done)


def import_apply(*, run_id: int, attempt: int) -> bool:
    """Write the rows the preview found valid, chunk by chunk, each chunk fenced:
    a new attempt after a dead worker finds what was written unchanged."""
    run = ImportRun.objects.select_related("org_unit", "requested_by").get(pk=run_id)

    def fence():
        # Inside each chunk's transaction: lock the import and check it is still ours.
        if not _held(run_id, attempt).select_for_update().exists():
            raise RunLost
        _held(run_id, attempt).update(heartbeat_at=timezone.now())

    # Every change the rows make is recorded as made by this import.
    with recording(via=Via.IMPORT, actor=run.requested_by):
        source = _("HR import %(file)s") % {"file": run.file_name}
        if run.kind == ImportRun.Kind.PEOPLE:
            writer = PeopleWriter(
                by=run.requested_by, source=source[:200], fence=fence, root=run.org_unit
            )
            outcome = _plan(
                run,
                skip_errors=True,
                writer=writer,
                on_progress=lambda percent: import_progress(
                    run_id=run_id, attempt=attempt, progress=percent
                ),
            )
        else:
            outcome = _plan(run, skip_errors=True, apply=True, fence=fence)
    summary = _summary(outcome)
    # The apply's own errors (a row valid at preview, refused now) add to the preview's.
    summary["errors"] = run.errors + summary["errors"]
    summary["counts"]["error"] += len(run.errors)
    with transaction.atomic():
        done = _held(run_id, attempt).update(
            status=Status.APPLIED,
            claimed=False,
            progress=100,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            **summary,
        )
        if done:
            _tell_requester(run_id, "hr.import_ready")
    return bool(done)


@transaction.atomic
def import_fail(*, run_id: int, attempt: int, error: str) -> bool:
    failed = _held(run_id, attempt).update(
        status=Status.FAILED, claimed=False, error=error[:2000], finished_at=timezone.now()
    )
    if failed:
        _tell_requester(run_id, "hr.import_failed")
    return bool(failed)


def imports_recover(*, now: datetime.datetime | None = None) -> dict:
    """The periodic check: an import whose worker's heartbeat stopped goes back
    to waiting for its phase (it fails after the last attempt); a waiting one
    nobody took is signalled again."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    stopped = ImportRun.objects.filter(claimed=True, heartbeat_at__lt=stale_before)
    for run_id, attempt, status in stopped.values_list("pk", "attempt", "status"):
        fenced = _held(run_id, attempt).filter(heartbeat_at__lt=stale_before)
        phase = "preview" if status == Status.PREVIEWING else "apply"
        if attempt >= settings.REPORT_MAX_ATTEMPTS:
            with transaction.atomic():
                failed = fenced.update(
                    status=Status.FAILED,
                    claimed=False,
                    finished_at=now,
                    error=_("The import could not be completed: the worker stopped %(n)s times.")
                    % {"n": attempt},
                )
                if failed:
                    _tell_requester(run_id, "hr.import_failed")
            counts["failed"] += failed
        elif fenced.update(
            claimed=False,
            heartbeat_at=now,
            status=Status.QUEUED if phase == "preview" else Status.APPLYING,
        ):
            counts["requeued"] += 1
            _signal(phase, run_id)
    forgotten = ImportRun.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.APPLYING, claimed=False),
        heartbeat_at__lt=stale_before,
    ) | ImportRun.objects.filter(
        status=Status.QUEUED, heartbeat_at__isnull=True, created_at__lt=stale_before
    )
    for run_id, status in forgotten.values_list("pk", "status"):
        phase = "preview" if status == Status.QUEUED else "apply"
        if ImportRun.objects.filter(WAITING[phase], pk=run_id).update(heartbeat_at=now):
            counts["resent"] += 1
            _signal(phase, run_id)
    return counts
