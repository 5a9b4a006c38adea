"""Who sees which report runs: the officials whose scope contains the run's
unit, whoever requested it and whether it was scheduled (DESIGN.md §5)."""

from django.db.models import QuerySet

from accounts.selectors import user_scope
from core.scoping import signed_in, within_paths
from reports.models import ReportRun


def report_runs_visible_to(user) -> QuerySet[ReportRun]:
    """Runs (and their files) an official may see; nobody else sees any."""
    if not signed_in(user):
        return ReportRun.objects.none()
    runs = ReportRun.objects.select_related("org_unit", "requested_by", "campaign")
    scope = user_scope(user)
    if scope.is_superuser:
        return runs
    return runs.filter(within_paths(scope.official_paths, unit_field="org_unit"))
