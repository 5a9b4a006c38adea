from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import ActivationSheetForm
from accounts.models import OrgUnit, SkillLevel, User
from accounts.selectors import is_official, org_units_managed_by, people_without_account
from accounts.services import people_activate
from accounts.sheets import activation_sheet_response
from core.downloads import private_download, private_file_download
from core.pages import ScopedListView, run_action, run_form_action, run_service
from hr import services
from hr.forms import ImportForm, UnitMergeForm
from hr.models import ImportRun
from hr.reading import COLUMNS, template_workbook
from hr.selectors import import_access, imports_with_access

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportListView(ScopedListView):
    """The office's HR imports and the upload form."""

    visible_to = staticmethod(imports_with_access)
    template_name = "hr/import_list.html"
    context_object_name = "imports"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_official(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ImportForm(user=self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            run = run_service(
                form,
                services.import_request,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                org_unit=form.cleaned_data["org_unit"],
            )
            if run:
                messages.success(
                    request, _("The file is being checked: nothing is written before you confirm.")
                )
                return redirect("hr:import-detail", pk=run.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _visible_import(request, pk) -> ImportRun:
    return get_object_or_404(imports_with_access(request.user), pk=pk)


@login_required
def import_detail(request, pk):
    """The preview (or the result) of one import; htmx polls it while the
    worker is on it."""
    run = _visible_import(request, pk)
    context = {
        "run": run,
        "access": import_access(request.user, run),
        "changes": _changes_shown(run),
    }
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "hr/partials/import_status.html", context)
    return render(request, "hr/import_detail.html", context)


def _changes_shown(run: ImportRun) -> list[dict]:
    """The preview's changes with each field named as the file's header names it."""
    labels = {column.key: column.chinese for column in COLUMNS[run.kind]}
    labels |= {"full_name": labels.get("name", ""), "is_active": labels.get("active", "")}
    choices = {"skill_level": dict(SkillLevel.choices), "kind": dict(OrgUnit.Kind.choices)}

    def shown(key, value):
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return choices.get(key, {}).get(value, value)

    return [
        {
            **change,
            "fields": [
                (labels.get(key, key), shown(key, old), shown(key, new))
                for key, (old, new) in change["changes"].items()
            ],
        }
        for change in run.changes
    ]


@login_required
@require_POST
def import_confirm(request, pk):
    run = _visible_import(request, pk)
    if run_action(request, services.import_confirm, by=request.user, run=run):
        messages.success(request, _("The import is being applied."))
    return redirect("hr:import-detail", pk=run.pk)


@login_required
def import_errors(request, pk):
    run = _visible_import(request, pk)
    if not run.error_file:
        raise Http404
    return error_file_response(run)


@login_required
def import_template(request, kind):
    if kind not in ImportRun.Kind.values:
        raise Http404
    return template_response(kind)


@login_required
def unit_detail(request, pk):
    """A unit as its officials manage it: its people and units below, closing
    it once emptied, merging it into another unit."""
    unit = get_object_or_404(
        org_units_managed_by(request.user).select_related("merged_into"), pk=pk
    )
    merge_form = UnitMergeForm(user=request.user, unit=unit)
    if request.method == "POST":
        if request.POST.get("action") == "activate":
            return _activate(request, unit)
        if request.POST.get("action") == "close":
            if run_action(request, services.unit_close, unit=unit, by=request.user):
                messages.success(request, _("The unit is closed."))
            return redirect("hr:unit-detail", pk=unit.pk)
        return run_form_action(
            request,
            UnitMergeForm(request.POST, user=request.user, unit=unit),
            services.unit_merge,
            unit=unit,
            done_message=_("The unit is merged: its people and records moved."),
            next_url=reverse("hr:unit-detail", args=[unit.pk]),
            render_refused=lambda form: _unit_page(request, unit, form, status=400),
        )
    return _unit_page(request, unit, merge_form)


def _activate(request, unit):
    """One-time passwords for the unit's people without an account, handed
    back as the slips in the format chosen (nothing is stored in clear)."""
    chosen = ActivationSheetForm(request.POST)
    if not chosen.is_valid():
        messages.error(request, _("Choose PDF or XLSX for the slips."))
        return redirect("hr:unit-detail", pk=unit.pk)
    sheet = run_action(request, people_activate, by=request.user, org_unit=unit)
    if not sheet:
        messages.info(request, _("Everyone in this unit already has an account."))
        return redirect("hr:unit-detail", pk=unit.pk)
    return activation_sheet_response(
        sheet,
        sheet_format=chosen.cleaned_data["sheet_format"],
        sign_in_url=request.build_absolute_uri(reverse("accounts:login")),
    )


def _unit_page(request, unit, merge_form, status=200):
    people = User.objects.filter(org_unit__path__startswith=unit.path)
    context = {
        "unit": unit,
        "without_account": people_without_account(people.filter(is_active=True), unit).count(),
        "active_people": people.filter(is_active=True).count(),
        "inactive_people": people.filter(is_active=False).count(),
        "children": org_units_managed_by(request.user).filter(
            path__startswith=unit.path, depth=unit.depth + 1
        ),
        "merge_form": merge_form,
        "activation_form": ActivationSheetForm(),
        "close_problem": None if unit.is_closed else services.unit_close_problem(unit),
    }
    return render(request, "hr/unit_detail.html", context, status=status)


def error_file_response(run: ImportRun) -> FileResponse:
    """The rejected rows of an import, for the page and the API alike."""
    return private_file_download(
        run.error_file.open("rb"),
        filename=_("import-%(id)s-rejected-rows.xlsx") % {"id": run.pk},
        content_type=XLSX_TYPE,
    )


def template_response(kind: str) -> HttpResponse:
    """An empty import workbook of `kind`, under its Chinese name."""
    names = {
        ImportRun.Kind.PEOPLE: "人员导入模板.xlsx",
        ImportRun.Kind.ORG_UNITS: "单位导入模板.xlsx",
    }
    return private_download(template_workbook(kind), filename=names[kind], content_type=XLSX_TYPE)
