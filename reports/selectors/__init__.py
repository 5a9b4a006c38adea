"""Reads behind the home pages, the dashboard and the reports: every figure the
union writes into its reports comes from here, computed in the database."""

from reports.selectors.dashboard import (  # noqa: F401
    DashboardScope,
    dashboard_scope_for,
    live_dashboard_figures,
)
from reports.selectors.home import (  # noqa: F401
    dashboard_summary,
    home_showcase,
    home_summary,
    needs_action,
)
from reports.selectors.runs import (  # noqa: F401
    ReportRunAccess,
    report_run_access,
    report_runs_visible_to,
    report_runs_with_access,
)
