"""Problem pages: the announced topics and their details."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from achievements import services
from achievements.filtersets import (
    ProblemFilterSet,
)
from achievements.forms import (
    ProblemForm,
    ProblemStatusForm,
)
from achievements.selectors import (
    achievements_visible_to,
    problem_access,
    problems_with_access,
)
from achievements.views.common import studio_from_query
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.history import history_section
from core.pages import ScopedListView, attach_from_page, form_page, run_service
from studios.selectors import studio_access, studios_writable_by


class ProblemListView(ScopedListView):
    """Every studio's announced topics, so nobody solves the same problem twice."""

    # The year filter reads each row's access: only insiders filter by dates.
    visible_to = staticmethod(problems_with_access)
    keyset = True
    export_api = "api:problem"
    filterset_class = ProblemFilterSet
    template_name = "achievements/problem_list.html"
    partial_template_name = "achievements/partials/problem_results.html"
    context_object_name = "problems"


def _problem_detail_context(request, problem, **forms):
    access = problem_access(request.user, problem)
    context = {
        "problem": problem,
        "access": access,
        "team": problem.team.all() if access.reads_full else [],
        "achievements": achievements_visible_to(request.user).filter(origin_problem=problem),
        "events": problem.events.select_related("actor") if access.reads_full else [],
        "attachments": attachments_of(problem) if access.reads_full else [],
        "attachment_form": AttachmentForm() if access.edits else None,
        **history_section(
            request.user,
            problem,
            visible=access.reads_full and studio_access(request.user, problem.studio).manages,
            api="problem",
        ),
    }
    if access.edits and problem.TRANSITIONS[problem.status]:
        context["status_form"] = forms.get("status_form") or ProblemStatusForm(problem=problem)
    return context


@login_required
def problem_detail(request, pk):
    problem = get_object_or_404(problems_with_access(request.user), pk=pk)
    return render(
        request, "achievements/problem_detail.html", _problem_detail_context(request, problem)
    )


def _problem_form_page(request, problem=None):
    editing = problem is not None
    studio = problem.studio if editing else studio_from_query(request)
    form = ProblemForm(
        request.POST or None, instance=problem, user=request.user, studio=studio, editing=editing
    )
    return form_page(
        request,
        form,
        partial(services.problem_update, problem_id=problem.pk)
        if editing
        else services.problem_create,
        template="achievements/problem_form.html",
        context={"problem": problem, "studio": studio},
        done_message=_("The problem has been saved."),
        next_url=lambda saved: reverse("achievements:problem-detail", args=[saved.pk]),
    )


@login_required
def problem_create(request):
    if not studios_writable_by(request.user).exists():
        raise PermissionDenied
    return _problem_form_page(request)


@login_required
def problem_edit(request, pk):
    problem = get_object_or_404(problems_with_access(request.user), pk=pk)
    if not problem_access(request.user, problem).edits:
        raise PermissionDenied
    return _problem_form_page(request, problem)


@require_POST
@login_required
def problem_change_status(request, pk):
    problem = get_object_or_404(problems_with_access(request.user), pk=pk)
    form = ProblemStatusForm(request.POST, problem=problem)
    if form.is_valid() and run_service(
        form, services.problem_change_status, problem_id=pk, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The status has been changed."))
        return redirect("achievements:problem-detail", pk=pk)
    return render(
        request,
        "achievements/problem_detail.html",
        _problem_detail_context(request, problem, status_form=form),
        status=400,
    )


@require_POST
@login_required
def problem_attach(request, pk):
    problem = get_object_or_404(problems_with_access(request.user), pk=pk)
    if not problem_access(request.user, problem).reads_full:
        raise PermissionDenied
    next_url = reverse("achievements:problem-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, problem, next_url)
