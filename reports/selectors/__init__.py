"""Reads behind the home pages, the dashboard and the reports: every figure the
union writes into its reports comes from here, computed in the database."""

from reports.selectors.dashboard import (  # noqa: F401
    DashboardScope,
    dashboard_figures,
    dashboard_scope_for,
)
from reports.selectors.home import home_showcase, home_summary  # noqa: F401
from reports.selectors.runs import (  # noqa: F401
    ReportRunAccess,
    report_run_access,
    report_runs_visible_to,
    report_runs_with_access,
)
