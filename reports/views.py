import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.selectors import is_official
from core.api.views import record_access
from core.downloads import private_file_download
from core.pages import ScopedListView, run_service
from hr.selectors import open_work_of, people_left
from reports import services
from reports.builders import file_name
from reports.forms import DashboardForm, ReportRunForm
from reports.models import ReportRun
from reports.selectors import (
    dashboard_scope_for,
    dashboard_summary,
    home_showcase,
    home_summary,
    needs_action,
    report_run_access,
    report_runs_with_access,
)
from reports.snapshots import dashboard_figures

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def home(request):
    """Every role's landing page; an official's is the dashboard."""
    if is_official(request.user):
        return dashboard(request, is_home=True)
    return render(
        request,
        "reports/home.html",
        {
            **home_summary(request.user),
            **home_showcase(request.user),
            "needs_action": needs_action(request.user),
        },
    )


@login_required
def dashboard(request, is_home: bool = False):
    """The union's figures for a unit it manages and a year, with charts; every
    figure links to the list it counts."""
    if not is_official(request.user):
        raise PermissionDenied
    form = DashboardForm(request.GET or None, user=request.user)
    if form.is_bound and "org_unit" in form.errors:
        raise Http404  # a unit outside the official's scope is not confirmed to exist
    scope = dashboard_scope_for(request.user, **form.scope_arguments())
    if not form.is_bound:
        form = DashboardForm(
            initial={"org_unit": scope.unit, "year": scope.year}, user=request.user
        )
    # After the scope: a unit the official does not manage is a 404 above,
    # whether or not its figures are kept.
    kept = dashboard_figures(scope)
    figures = kept.figures
    # "M": the reader's abbreviation ("Jan", "一月"); MONTHS_3 is lower case.
    months = [date_format(datetime.date(scope.year, month, 1), "M") for month in range(1, 13)]
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "as_of": kept.as_of,
            "as_of_today": timezone.localtime(kept.as_of).date() == timezone.localdate(),
            "links": _links(scope),
            "months": months,
            "charts": _charts(figures, months),
            "is_home": is_home,
            "needs_action": needs_action(request.user) if is_home else [],
            "left_behind": open_work_of(people_left(scope.unit)),
            **dashboard_summary(request.user),
        },
    )


def _links(scope) -> dict:
    """Each figure's list, filtered to the scope; a table appends the row's code."""
    unit, year = scope.unit.pk, scope.year
    lists = {
        "studios": reverse("studios:studio-list"),
        "proposals": reverse("competitions:proposal-list"),
        "problems": reverse("achievements:problem-list"),
        "achievements": reverse("achievements:achievement-list"),
        "patents": reverse("achievements:patent-list"),
        "pairings": reverse("apprenticeships:pairing-list"),
    }
    in_year = f"org_unit={unit}&year={year}"
    return {
        **lists,
        "studio_status": f"{lists['studios']}?org_unit={unit}&status=",
        "studio_kind": f"{lists['studios']}?org_unit={unit}&kind=",
        "studio_named": f"{lists['studios']}?{in_year}&honour_level=",
        "proposal_category": f"{lists['proposals']}?{in_year}&category=",
        "proposal_status": f"{lists['proposals']}?{in_year}&status=",
        "problem_category": f"{lists['problems']}?{in_year}&category=",
        "achievement_kind": f"{lists['achievements']}?{in_year}&kind=",
        "patent_type": f"{lists['patents']}?{in_year}&patent_type=",
        "patent_status": f"{lists['patents']}?{in_year}&status=",
    }


def _charts(figures: dict, months: list[str]) -> dict:
    """What the charts draw, with labels already translated (Chart.js only
    draws; the tables beside them hold the same numbers)."""
    five, trends = figures["five_small"], figures["trends"]
    return {
        "chart-categories": {
            "labels": [str(row["label"]) for row in five["by_category"]],
            "datasets": [
                {"label": _("Proposals"), "data": [row["count"] for row in five["by_category"]]}
            ],
        },
        "chart-trends": {
            "labels": months,
            "datasets": [
                {"label": _("Proposals"), "data": trends["proposals"]},
                {"label": _("Achievements"), "data": trends["achievements"]},
                {"label": _("Problems solved"), "data": trends["problems_solved"]},
            ],
        },
    }


class ReportRunListView(ScopedListView):
    """The official's report runs (requested and scheduled) and the request form."""

    visible_to = staticmethod(report_runs_with_access)
    export_api = "api:report-run"
    template_name = "reports/run_list.html"
    context_object_name = "runs"

    def dispatch(self, request, *args, **kwargs):
        # Anyone signed in follows their own long list exports here; only an
        # official requests reports.
        posted = request.method == "POST" and request.user.is_authenticated
        if posted and not is_official(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not is_official(self.request.user):
            return context
        # Opened from the dashboard, the form starts on the unit and year shown there.
        initial = {
            "year": self.request.GET.get("year") or timezone.localdate().year,
            "org_unit": self.request.GET.get("org_unit"),
        }
        context["form"] = kwargs.get("form") or ReportRunForm(
            user=self.request.user, initial=initial
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ReportRunForm(request.POST, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v is not None}
            run = run_service(form, services.report_run_request, by=request.user, **data)
            if run:
                messages.success(request, _("The report is being built."))
                return redirect(f"{reverse('reports:run-list')}#run-{run.pk}")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
def report_run_row(request, pk):
    """One run's row: htmx polls it while the run is queued or running."""
    run = get_object_or_404(report_runs_with_access(request.user), pk=pk)
    return render(request, "reports/partials/run_row.html", {"run": run})


@login_required
def report_run_download(request, pk):
    """The run's file, to the officials who may see the run; 404 for anyone else."""
    run = get_object_or_404(report_runs_with_access(request.user), pk=pk)
    if not report_run_access(request.user, run).download:
        raise Http404  # no file yet: answered as for a run that does not exist
    record_access(request, "downloaded", str(run))
    return report_file_response(run)


def report_file_response(run: ReportRun) -> FileResponse:
    """A succeeded run's file as a download, for the page and the API alike;
    never kept in a shared cache. Named as the office files it (the report, the
    unit, the year, when it was built), in Chinese (core.downloads)."""
    content_type = "text/csv; charset=utf-8" if run.format == ReportRun.Format.CSV else XLSX_TYPE
    return private_file_download(
        run.file.open("rb"),
        # From the run, not the stored path (which storage may have altered).
        filename=file_name(run, at=run.finished_at),
        content_type=content_type,
    )
