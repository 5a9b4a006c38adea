"""Naming pages under /studios/naming/: the calls and the applications. Every
read goes through the scoping selectors, every move through `naming.services`
via `run_form_action`, so the pages and the API share one rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.history import history_section
from core.pages import ScopedListView, attach_from_page, form_page, run_action, run_form_action
from naming import services
from naming.filtersets import NamingApplicationFilterSet, NamingCallFilterSet
from naming.forms import (
    ApplyForm,
    DecideForm,
    ExpertsForm,
    NamingCallForm,
    NoteForm,
    ObjectionDecideForm,
    ObjectionForm,
    ReplaceExpertForm,
    ResultForm,
    ReviewForm,
    StatementForm,
    SubmitForm,
    VisitForm,
    WithdrawExpertForm,
)
from naming.models import NamingApplication, Objection
from naming.selectors import (
    application_checks,
    applications_on_notice,
    expert_assignments,
    experts_asked,
    naming_application_access,
    naming_applications_visible_to,
    naming_applications_with_access,
    naming_call_access,
    naming_calls_visible_to,
    naming_calls_with_places,
    naming_materials_of,
    naming_reviews_visible_to,
    objections_visible_to,
    studios_that_may_apply,
)
from naming.services.materials import may_add_materials, may_remove_material

Status = NamingApplication.Status
# The steps at which the office may still reject an application.
REJECTABLE = (
    Status.SUBMITTED,
    Status.RECOMMENDED,
    Status.UNDER_REVIEW,
    Status.SITE_VISIT,
    Status.PUBLIC_NOTICE,
)


class NamingCallListView(ScopedListView):
    """The naming home: the calls, and the applications on public notice."""

    visible_to = staticmethod(lambda user: naming_calls_with_places(naming_calls_visible_to(user)))
    filterset_class = NamingCallFilterSet
    template_name = "naming/call_list.html"
    partial_template_name = "naming/partials/call_results.html"
    context_object_name = "calls"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = is_official(self.request.user)
        context["on_notice"] = applications_on_notice(self.request.user)
        return context


class NamingApplicationListView(ScopedListView):
    visible_to = staticmethod(naming_applications_visible_to)
    filterset_class = NamingApplicationFilterSet
    export_api = "api:naming-application"
    template_name = "naming/application_list.html"
    partial_template_name = "naming/partials/application_results.html"
    context_object_name = "applications"


@login_required
def call_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    return form_page(
        request,
        NamingCallForm(request.POST or None, user=request.user),
        services.naming_call_create,
        template="naming/call_form.html",
        done_message=_("The call has been opened."),
        next_url=lambda call: reverse("naming:call-detail", args=[call.pk]),
    )


def _call_context(request, call, apply_form=None) -> dict:
    user = request.user
    studios = studios_that_may_apply(user, call) if call.is_open() else None
    return {
        "call": call,
        "access": naming_call_access(user, call),
        "applications": naming_applications_visible_to(user).filter(call=call),
        "apply_form": apply_form
        or (
            ApplyForm(studios=studios, call=call)
            if studios is not None and studios.exists()
            else None
        ),
    }


@login_required
def call_detail(request, pk):
    call = get_object_or_404(naming_calls_with_places(naming_calls_visible_to(request.user)), pk=pk)
    return render(request, "naming/call_detail.html", _call_context(request, call))


@require_POST
@login_required
def call_apply(request, pk):
    call = get_object_or_404(naming_calls_with_places(naming_calls_visible_to(request.user)), pk=pk)
    form = ApplyForm(request.POST, studios=studios_that_may_apply(request.user, call), call=call)
    return run_form_action(
        request,
        form,
        services.naming_application_create,
        call=call,
        fields=lambda data: {"studio": data["studio"], "statement": data["statement"]},
        done_message=_("Draft saved: check the conditions, then submit it."),
        next_url=lambda: redirect("naming:application-detail", pk=_created_pk(call, form)),
        render_refused=lambda bound: render(
            request, "naming/call_detail.html", _call_context(request, call, bound), status=400
        ),
    )


def _created_pk(call, form) -> int:
    return NamingApplication.objects.get(call=call, studio=form.cleaned_data["studio"]).pk


# --- One application's page ---------------------------------------------------------


def _visible_application(request, pk) -> NamingApplication:
    return get_object_or_404(naming_applications_with_access(request.user), pk=pk)


def _detail_context(request, application, **bound) -> dict:
    """Everything the page shows, with a form for each move the viewer may make
    now (bound ones after a refused POST)."""
    user = request.user
    access = naming_application_access(user, application)
    status = application.status
    forms = {}

    def offer(name, condition, make):
        if condition:
            forms[name] = bound.get(name) or make()

    offer(
        "statement_form",
        access.applies and status == Status.DRAFT,
        lambda: StatementForm(initial={"statement": application.statement}),
    )
    offer(
        "submit_form",
        (access.applies or access.runs) and status == Status.DRAFT,
        lambda: SubmitForm(may_override=access.recommends or access.runs),
    )
    offer("recommend_form", access.recommends and status == Status.SUBMITTED, NoteForm)
    offer(
        "experts_form",
        access.runs and status in (Status.RECOMMENDED, Status.UNDER_REVIEW),
        lambda: ExpertsForm(user=user, application=application),
    )
    offer(
        "visit_form",
        access.runs and status == Status.UNDER_REVIEW,
        lambda: VisitForm(initial={"visited_on": timezone.localdate()}),
    )
    offer("notice_form", access.runs and status == Status.SITE_VISIT, NoteForm)
    offer(
        "decide_form",
        status in REJECTABLE
        and (access.runs or (access.recommends and status == Status.SUBMITTED)),
        lambda: DecideForm(application=application),
    )
    offer(
        "result_form",
        access.runs and status == Status.RECOMMENDED_UPWARD,
        lambda: ResultForm(application=application),
    )
    notice_running = (
        status == Status.PUBLIC_NOTICE and timezone.localdate() <= application.notice_ends_on
    )
    offer("objection_form", notice_running, ObjectionForm)
    objections = list(objections_visible_to(user).filter(application=application))
    for objection in objections:
        objection.decide_form = (
            (bound.get(f"objection_{objection.pk}") or ObjectionDecideForm())
            if access.runs and objection.status == Objection.Status.OPEN
            else None
        )
    experts = _experts_with_forms(user, application, access, bound)
    reviews = list(naming_reviews_visible_to(user).filter(application=application))
    # The site visit's photos are the office's process: the insiders see them
    # (not its experts), the office adds them.
    visited = access.insider and application.visited_on is not None
    return {
        "attachments": attachments_of(application) if visited else [],
        "attachment_form": AttachmentForm() if visited and access.runs else None,
        "attach_url": reverse("naming:application-photos", args=[application.pk]),
        # The applicant's supporting materials: whoever reads its material.
        "materials": _materials(application, access),
        "material_form": AttachmentForm(auto_id="material_%s")
        if may_add_materials(access, application)
        else None,
        "application": application,
        "call": application.call,
        "access": access,
        "checks": application_checks(application) if access.reads_material else [],
        "events": application.events.select_related("actor") if access.insider else [],
        "experts": experts,
        "reviews": reviews,
        "may_review": access.reviews
        and status == Status.UNDER_REVIEW
        and not any(review.expert_id == user.pk for review in reviews),
        "objections": objections,
        "notice_running": notice_running,
        **history_section(user, application, visible=access.insider, api="naming-application"),
        **forms,
    }


def _materials(application, access) -> list:
    """The supporting files the reader may read, each marked `removable` by
    whether the reader may take it off now."""
    if not access.reads_material:
        return []
    files = list(naming_materials_of(application))
    for attachment in files:
        attachment.removable = may_remove_material(access, application, attachment)
    return files


def _experts_with_forms(user, application, access, bound) -> list:
    """The experts asked, for the office: each who has not scored, while the
    application is under review, with a form to replace them and, while
    another expert remains, one to withdraw them (bound after a refused POST)."""
    if not access.runs:
        return []
    experts = list(expert_assignments(application))
    under_review = application.status == Status.UNDER_REVIEW
    current = sum(1 for assignment in experts if assignment.ended_at is None)

    def form(move, assignment):
        return bound.get(f"{move}_{assignment.expert_id}") or _expert_form(
            move, application, user, None, assignment.expert_id
        )

    for assignment in experts:
        open_ = under_review and assignment.ended_at is None and not assignment.scored
        assignment.replace_form = form("replace", assignment) if open_ else None
        assignment.withdraw_form = form("withdraw", assignment) if open_ and current > 1 else None
    return experts


@login_required
def application_detail(request, pk):
    application = _visible_application(request, pk)
    return render(request, "naming/application_detail.html", _detail_context(request, application))


# (form class or factory, service, message in the reader's language, mapping of
# the cleaned data)
MOVES = {
    "statement": (
        lambda application, user, data: StatementForm(data),
        services.naming_application_update,
        gettext_lazy("The statement has been saved."),
        dict,
    ),
    "submit": (
        lambda application, user, data: SubmitForm(data, may_override=True),
        services.naming_application_submit,
        gettext_lazy("The application has been submitted."),
        lambda data: {"eligibility_override": data.get("eligibility_override", "")},
    ),
    "recommend": (
        lambda application, user, data: NoteForm(data),
        services.naming_application_recommend,
        gettext_lazy("The application has been recommended."),
        dict,
    ),
    "experts": (
        lambda application, user, data: ExpertsForm(data, user=user, application=application),
        services.naming_experts_assign,
        gettext_lazy("The experts have been asked to score it."),
        dict,
    ),
    "visit": (
        lambda application, user, data: VisitForm(data),
        services.naming_visit_record,
        gettext_lazy("The site visit has been recorded."),
        dict,
    ),
    "notice": (
        lambda application, user, data: NoteForm(data),
        services.naming_notice_start,
        gettext_lazy("The application is now on public notice."),
        dict,
    ),
    "decide": (
        lambda application, user, data: DecideForm(data, application=application),
        services.naming_application_decide,
        gettext_lazy("The decision has been recorded."),
        dict,
    ),
    "result": (
        lambda application, user, data: ResultForm(data, application=application),
        services.naming_result_record,
        gettext_lazy("The outside result has been recorded."),
        dict,
    ),
    "object": (
        lambda application, user, data: ObjectionForm(data),
        None,  # objection_lodge takes the application itself, below
        gettext_lazy("Your objection has been lodged; the union office will answer it."),
        dict,
    ),
}


@require_POST
@login_required
def application_move(request, pk, move):
    """One move on an application's page (submit, recommend, assign experts …)."""
    if move not in MOVES:
        raise PermissionDenied
    application = _visible_application(request, pk)
    make_form, service, message, fields = MOVES[move]
    form = make_form(application, request.user, request.POST)
    target = {"application_id": application.pk}
    if move == "object":
        service, target = services.objection_lodge, {"application": application}
    return run_form_action(
        request,
        form,
        service,
        fields=fields,
        done_message=message,
        next_url=reverse("naming:application-detail", args=[application.pk]),
        render_refused=lambda bound: _render_refused(request, application, f"{move}_form", bound),
        **target,
    )


# Taking an expert who has not scored off the application: (service, message).
EXPERT_MOVES = {
    "replace": (services.naming_expert_replace, gettext_lazy("The expert has been replaced.")),
    "withdraw": (services.naming_expert_withdraw, gettext_lazy("The expert has been withdrawn.")),
}


def _expert_form(move, application, user, data, expert_id):
    """The form of `move` for one expert; its prefix tells the experts apart."""
    prefix = f"{move}-{expert_id}"
    if move == "replace":
        return ReplaceExpertForm(data, user=user, application=application, prefix=prefix)
    return WithdrawExpertForm(data, prefix=prefix)


@require_POST
@login_required
def expert_move(request, pk, expert_pk, move):
    """Replace or withdraw one expert from the application's page (the office)."""
    if move not in EXPERT_MOVES:
        raise PermissionDenied
    application = _visible_application(request, pk)
    expert = get_object_or_404(experts_asked(application), pk=expert_pk)
    service, message = EXPERT_MOVES[move]
    return run_form_action(
        request,
        _expert_form(move, application, request.user, request.POST, expert.pk),
        service,
        application_id=application.pk,
        expert=expert,
        fields=dict,
        done_message=message,
        next_url=reverse("naming:application-detail", args=[application.pk]) + "#experts",
        render_refused=lambda bound: _render_refused(
            request, application, f"{move}_{expert.pk}", bound
        ),
    )


def _render_refused(request, application, form_name, bound):
    application = _visible_application(request, application.pk)
    return render(
        request,
        "naming/application_detail.html",
        _detail_context(request, application, **{form_name: bound}),
        status=400,
    )


@require_POST
@login_required
def application_photo_add(request, pk):
    """The office adds a photo of the site visit."""
    application = _visible_application(request, pk)
    next_url = reverse("naming:application-detail", args=[application.pk]) + "#files"
    return attach_from_page(request, services.naming_visit_photo_add, application, next_url)


@require_POST
@login_required
def application_material_add(request, pk):
    """The applicant (on the draft) or the office adds a supporting file."""
    application = _visible_application(request, pk)
    next_url = reverse("naming:application-detail", args=[application.pk]) + "#materials"
    return attach_from_page(request, services.naming_material_add, application, next_url)


@require_POST
@login_required
def application_material_remove(request, pk, attachment_pk):
    """The applicant takes a supporting file off the draft."""
    application = _visible_application(request, pk)
    if run_action(
        request,
        services.naming_material_remove,
        application_id=application.pk,
        attachment_id=attachment_pk,
        by=request.user,
    ):
        messages.success(request, _("The file has been removed."))
    return redirect(reverse("naming:application-detail", args=[application.pk]) + "#materials")


@login_required
def review_form(request, pk):
    """An assigned expert's rubric form."""
    application = _visible_application(request, pk)
    if not naming_application_access(request.user, application).reviews:
        raise PermissionDenied
    form = ReviewForm(request.POST or None, call=application.call)
    if request.method == "POST":
        return run_form_action(
            request,
            form,
            services.naming_review_submit,
            application_id=application.pk,
            fields=form.service_fields,
            done_message=_("Your scores have been saved."),
            next_url=reverse("naming:application-detail", args=[application.pk]),
            render_refused=lambda bound: render(
                request,
                "naming/review_form.html",
                {"application": application, "form": bound},
                status=400,
            ),
        )
    return render(request, "naming/review_form.html", {"application": application, "form": form})


@require_POST
@login_required
def objection_decide(request, pk):
    objection = get_object_or_404(objections_visible_to(request.user), pk=pk)
    application = _visible_application(request, objection.application_id)
    form = ObjectionDecideForm(request.POST)
    return run_form_action(
        request,
        form,
        services.objection_decide,
        objection_id=objection.pk,
        fields=dict,
        done_message=_("The objection has been decided."),
        next_url=reverse("naming:application-detail", args=[application.pk]),
        render_refused=lambda bound: _render_refused(
            request, application, f"objection_{objection.pk}", bound
        ),
    )
