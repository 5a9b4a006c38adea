"""Plan, session and evaluation pages (mostly used on a phone)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from apprenticeships import services
from apprenticeships.forms import (
    EvaluationForm,
    MarkDoneForm,
    MentorCapacityForm,
    MilestoneForm,
    SessionForm,
)
from apprenticeships.models import DEFAULT_MENTOR_CAPACITY, Pairing
from apprenticeships.selectors import (
    PairingAccess,
    mentor_capacities_managed_by,
    milestones_visible_to,
    pairing_access,
    pairings_mentored_by,
    pairings_with_access,
    sessions_visible_to,
)
from core.history import history_section
from core.pages import form_changes, run_action, run_service


def _back_to(pairing_id: int, anchor: str = "") -> str:
    return reverse("apprenticeships:pairing-detail", args=[pairing_id]) + anchor


def _may_plan(pairing: Pairing, access: PairingAccess) -> bool:
    return pairing.status in Pairing.OPEN_STATUSES and access.writes_plan


def _form_page(request, form, *, title, cancel_url, status=200, multipart=False, **more):
    return render(
        request,
        "apprenticeships/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "multipart": multipart, **more},
        status=status,
    )


@login_required
def milestone_create(request, pk):
    pairing = get_object_or_404(pairings_with_access(request.user), pk=pk)
    if not _may_plan(pairing, pairing_access(request.user, pairing)):
        raise PermissionDenied
    form = MilestoneForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, services.milestone_create, pairing_id=pk, by=request.user, **form.cleaned_data
        )
    ):
        messages.success(request, _("The step has been added to the plan."))
        return redirect(_back_to(pk, "#plan"))
    return _form_page(
        request,
        form,
        title=_("Add a step to the plan"),
        cancel_url=_back_to(pk),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def milestone_edit(request, pk):
    milestone = get_object_or_404(milestones_visible_to(request.user), pk=pk)
    access = pairing_access(request.user, milestone.pairing)
    if not _may_plan(milestone.pairing, access):
        raise PermissionDenied
    form = MilestoneForm(request.POST or None, instance=milestone)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            services.milestone_update,
            milestone_id=pk,
            by=request.user,
            **form_changes(form),
        )
    ):
        messages.success(request, _("The step has been saved."))
        return redirect(_back_to(milestone.pairing_id, "#plan"))
    return _form_page(
        request,
        form,
        title=milestone.title,
        cancel_url=_back_to(milestone.pairing_id),
        status=400 if request.method == "POST" else 200,
        **history_section(request.user, milestone, visible=access.manages, api="milestone"),
    )


@login_required
def milestone_done(request, pk):
    """Mark a step done: a few words and/or a photo taken on the spot."""
    milestone = get_object_or_404(milestones_visible_to(request.user), pk=pk)
    pairing = milestone.pairing
    if not pairing_access(request.user, pairing).marks_done:
        raise PermissionDenied
    form = MarkDoneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            services.milestone_mark_done,
            milestone_id=pk,
            by=request.user,
            evidence=data["evidence"],
            done_on=data["done_on"],
            upload=data["photo"],
        ):
            messages.success(request, _("Well done: the step is marked done."))
            return redirect(_back_to(pairing.pk, "#plan"))
    return _form_page(
        request,
        form,
        title=_("Done: %(step)s") % {"step": milestone.title},
        cancel_url=_back_to(pairing.pk),
        multipart=True,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_create(request):
    """The mentor logs a session with one or several apprentices."""
    if not pairings_mentored_by(request.user).filter(status=Pairing.Status.ACTIVE).exists():
        raise PermissionDenied
    initial = {"pairings": request.GET.getlist("pairing")}
    form = SessionForm(request.POST or None, user=request.user, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, services.session_log, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The session has been logged."))
        return redirect("apprenticeships:my-apprentices")
    return _form_page(
        request,
        form,
        title=_("Log a session"),
        cancel_url=reverse("apprenticeships:my-apprentices"),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def session_confirm(request, pk):
    get_object_or_404(sessions_visible_to(request.user), pk=pk)
    if run_action(request, services.session_confirm, session_id=pk, by=request.user):
        messages.success(request, _("Thank you: the session is confirmed."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("apprenticeships:my-apprenticeship")  # never off to another site
    return redirect(back)


@login_required
def evaluation_create(request, pk):
    pairing = get_object_or_404(pairings_with_access(request.user), pk=pk)
    levels = pairing_access(request.user, pairing).evaluation_levels
    if not levels:
        raise PermissionDenied
    if pairing.status != Pairing.Status.ACTIVE:
        messages.error(request, _("Only an active pairing is evaluated."))
        return redirect(_back_to(pk, "#evaluations"))
    initial = {"level": request.GET.get("level")}
    form = EvaluationForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        if run_service(form, services.evaluation_record, pairing_id=pk, by=request.user, **data):
            messages.success(request, _("The evaluation has been recorded."))
            return redirect(_back_to(pk, "#evaluations"))
    return _form_page(
        request,
        form,
        title=_("Record an evaluation"),
        cancel_url=_back_to(pk),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def mentor_capacity(request):
    """Officials set how many active apprentices a mentor in a unit may have."""
    if not is_official(request.user):
        raise PermissionDenied
    form = MentorCapacityForm(request.POST or None, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, services.mentor_capacity_set, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The limit has been saved."))
        return redirect("apprenticeships:mentor-capacity")
    return render(
        request,
        "apprenticeships/mentor_capacity.html",
        {
            "form": form,
            "settings": mentor_capacities_managed_by(request.user),
            "default": DEFAULT_MENTOR_CAPACITY,
        },
        status=400 if request.method == "POST" else 200,
    )
