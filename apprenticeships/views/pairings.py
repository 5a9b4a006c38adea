"""Pairing pages: the lists, "my apprenticeship", "my apprentices", the pairing
page with its plan, sessions and evaluations, and the manager's actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from apprenticeships import services
from apprenticeships.filtersets import PairingFilterSet
from apprenticeships.forms import (
    ActivateForm,
    ExtendForm,
    PairingEditForm,
    PairingForm,
    TerminateForm,
)
from apprenticeships.models import Attendance, Evaluation, Milestone, Pairing, Session
from apprenticeships.selectors import (
    attendances_visible_to,
    innovation_during_term,
    may_propose_pairings,
    pairing_access,
    pairings_mentored_by,
    pairings_of_apprentice,
    pairings_visible_to,
    pairings_with_access,
)
from core.attachments import attachments_by_owner
from core.history import history_section
from core.pages import ScopedListView, form_page, run_form_action, run_service

Status = Pairing.Status
# Open pairings first, then the finished ones, newest first within each.
OPEN_FIRST = Case(
    When(status=Status.ACTIVE, then=0),
    When(status=Status.PROPOSED, then=1),
    default=2,
    output_field=IntegerField(),
)


class PairingListView(ScopedListView):
    """A studio's or a unit's pairings, with status and at-risk filters."""

    visible_to = staticmethod(pairings_visible_to)
    export_api = "api:pairing"
    filterset_class = PairingFilterSet
    template_name = "apprenticeships/pairing_list.html"
    partial_template_name = "apprenticeships/partials/pairing_results.html"
    context_object_name = "pairings"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_propose"] = may_propose_pairings(user)
        context["is_official"] = is_official(user)
        context["is_mentor"] = pairings_mentored_by(user).exists()
        context["is_apprentice"] = pairings_of_apprentice(user).exists()
        return context


def _plan(pairing: Pairing) -> list[Milestone]:
    """The plan in order, each step with its evidence files (`files`)."""
    milestones = list(pairing.milestones.all())
    files = attachments_by_owner(milestones)
    for milestone in milestones:
        milestone.files = files.get(milestone.pk, [])
    return milestones


def _sessions_of(pairing: Pairing, user):
    """The pairing's sessions, each with this apprentice's confirmation and the
    names of everyone present whom the reader may see (one-to-many sessions)."""
    attendances = (
        Attendance.objects.filter(pairing=pairing)
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "session__attendances",
                attendances_visible_to(user).select_related("pairing__apprentice"),
                to_attr="everyone",
            )
        )
        .order_by("-session__held_on", "-session_id", "-id")
    )
    return list(attendances)


def _detail_context(request, pairing: Pairing, **forms) -> dict:
    user = request.user
    access = pairing_access(user, pairing)
    is_open = pairing.status in Pairing.OPEN_STATUSES
    milestones = _plan(pairing)
    labels = dict(Evaluation.Level.choices)
    context = {
        "pairing": pairing,
        "access": access,
        "milestones": milestones,
        "next_step": next((m for m in milestones if m.done_on is None), None),
        "attendances": _sessions_of(pairing, user),
        "evaluations": pairing.evaluations.select_related("evaluator").order_by(
            "-evaluated_on", "-id"
        ),
        "evaluation_levels": [(level, labels[level]) for level in access.evaluation_levels]
        if pairing.status == Status.ACTIVE
        else [],
        "is_open": is_open,
        "today": timezone.localdate(),
        "events": pairing.events.select_related("actor"),
        "extensions": pairing.extensions.select_related("by"),
        "innovation": innovation_during_term(pairing, user),
        **history_section(user, pairing, visible=access.manages, api="pairing"),
    }
    if access.manages and pairing.status == Status.PROPOSED:
        context["activate_form"] = forms.get("activate_form") or ActivateForm(
            initial={"agreement_signed_on": pairing.agreement_signed_on}
        )
    if access.manages and is_open:
        context["extend_form"] = forms.get("extend_form") or ExtendForm()
        context["terminate_form"] = forms.get("terminate_form") or TerminateForm()
    return context


@login_required
def pairing_detail(request, pk):
    pairing = get_object_or_404(pairings_with_access(request.user), pk=pk)
    return render(request, "apprenticeships/pairing_detail.html", _detail_context(request, pairing))


@login_required
def pairing_create(request):
    if not may_propose_pairings(request.user):
        raise PermissionDenied
    form = PairingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        pairing = run_service(form, services.pairing_propose, by=request.user, **data)
        if pairing:
            messages.success(request, _("The pairing has been proposed."))
            return redirect("apprenticeships:pairing-detail", pk=pairing.pk)
    return render(
        request,
        "apprenticeships/pairing_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def pairing_edit(request, pk):
    pairing = get_object_or_404(pairings_with_access(request.user), pk=pk)
    if not pairing_access(request.user, pairing).manages:
        raise PermissionDenied
    if pairing.status not in Pairing.OPEN_STATUSES:
        messages.error(request, _("This pairing has ended."))
        return redirect("apprenticeships:pairing-detail", pk=pk)
    return form_page(
        request,
        PairingEditForm(request.POST or None, instance=pairing),
        services.pairing_update,
        pairing_id=pairing.pk,
        template="apprenticeships/pairing_form.html",
        context={"pairing": pairing},
        done_message=_("The pairing has been saved."),
        next_url=lambda saved: reverse("apprenticeships:pairing-detail", args=[pk]),
    )


def _pairing_action(request, pk, form_class, form_name, service, done_message):
    pairing = get_object_or_404(pairings_with_access(request.user), pk=pk)
    if not pairing_access(request.user, pairing).manages:
        raise PermissionDenied
    return run_form_action(
        request,
        form_class,
        service,
        pairing_id=pk,
        done_message=done_message,
        next_url=reverse("apprenticeships:pairing-detail", args=[pk]),
        render_refused=lambda form: render(
            request,
            "apprenticeships/pairing_detail.html",
            _detail_context(request, pairing, **{form_name: form}),
            status=400,
        ),
    )


@require_POST
@login_required
def pairing_activate(request, pk):
    return _pairing_action(
        request,
        pk,
        ActivateForm,
        "activate_form",
        services.pairing_activate,
        _("The pairing is active."),
    )


@require_POST
@login_required
def pairing_extend(request, pk):
    return _pairing_action(
        request,
        pk,
        ExtendForm,
        "extend_form",
        services.pairing_extend,
        _("The term has been extended."),
    )


@require_POST
@login_required
def pairing_terminate(request, pk):
    return _pairing_action(
        request,
        pk,
        TerminateForm,
        "terminate_form",
        services.pairing_terminate,
        _("The pairing has been terminated."),
    )


def _with_plan(pairings):
    return pairings.order_by(OPEN_FIRST, "-starts_on", "-id").prefetch_related(
        Prefetch("milestones", Milestone.objects.order_by("position", "due_on", "id"))
    )


@login_required
def my_apprenticeship(request):
    """The apprentice's phone page: the plan as a timeline, the next step, and
    the sessions waiting for their confirmation."""
    pairings = list(_with_plan(pairings_of_apprentice(request.user)))
    to_confirm = (
        Session.objects.filter(
            attendances__pairing__apprentice=request.user,
            attendances__confirmed_at__isnull=True,
        )
        .select_related("mentor")
        .order_by("-held_on", "-id")
    )
    recent = (
        Attendance.objects.filter(pairing__apprentice=request.user)
        .select_related("session", "session__mentor")
        .order_by("-session__held_on", "-session_id", "-id")[:10]
    )
    for pairing in pairings:
        pairing.next_step = next((m for m in pairing.milestones.all() if m.done_on is None), None)
    return render(
        request,
        "apprenticeships/my_apprenticeship.html",
        {"pairings": pairings, "to_confirm": to_confirm, "recent": recent},
    )


@login_required
def my_apprentices(request):
    """The mentor's phone page: each apprentice, at risk or not, and the next step."""
    pairings = list(_with_plan(pairings_mentored_by(request.user)))
    for pairing in pairings:
        pairing.next_step = next((m for m in pairing.milestones.all() if m.done_on is None), None)
    return render(
        request,
        "apprenticeships/my_apprentices.html",
        {"pairings": pairings, "has_active": any(p.status == Status.ACTIVE for p in pairings)},
    )
