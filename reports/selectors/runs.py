"""Who sees which report runs: the officials whose scope contains the run's
unit, whoever requested it and whether it was scheduled (docs/access.md)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.selectors import user_scope
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from reports.models import ReportRun


def report_runs_visible_to(user) -> QuerySet[ReportRun]:
    """The reports an official may see (and their files), and anyone's own list
    exports: a list export holds the rows its requester sees, so it is theirs
    alone, whoever else manages the unit."""
    if not signed_in(user):
        return ReportRun.objects.none()
    runs = ReportRun.objects.select_related("org_unit", "requested_by", "campaign")
    own_exports = Q(kind=ReportRun.Kind.LIST_EXPORT, requested_by=user)
    scope = user_scope(user)
    if scope.is_superuser:
        return runs.filter(~Q(kind=ReportRun.Kind.LIST_EXPORT) | own_exports)
    reports = within_paths(scope.official_paths, unit_field="org_unit") & ~Q(
        kind=ReportRun.Kind.LIST_EXPORT
    )
    return runs.filter(reports | own_exports)


@dataclass(frozen=True)
class ReportRunAccess(RecordAccess):
    """What the viewer may do with one report run. There is no retry or cancel:
    a failed run is requested again, and the worker's recovery retries a stuck one."""

    # Fetch its file: a run the viewer sees, once it has succeeded (before that
    # there is no file, and the download answers 404 like an unknown run).
    download: bool = False


def report_run_facts(user) -> dict[str, Fact]:
    """The facts of `ReportRunAccess` as SQL conditions on a run's row."""
    if not signed_in(user):
        return dict.fromkeys(ReportRunAccess.fact_names(), False)
    return {
        "read": True,  # the facts are read on the viewer's scoped rows only
        "download": Q(status=ReportRun.Status.SUCCEEDED),
    }


def report_runs_with_access(user) -> QuerySet[ReportRun]:
    """`report_runs_visible_to(user)` with each row's access facts as columns, so
    the runs page and the API read `report_run_access()` without a query a row."""
    return annotate_facts(report_runs_visible_to(user), report_run_facts(user))


def report_run_access(user, run: ReportRun) -> ReportRunAccess:
    """Everything `user` may do with `run`: from the row's access columns when it
    came from `report_runs_with_access`, else one query."""
    return ReportRunAccess(
        **read_facts(
            run,
            ReportRunAccess.fact_names(),
            user=user,
            visible_to=report_runs_visible_to,
            facts_of=report_run_facts,
        )
    )
