"""Studio pages. Every read goes through the scoping selectors; every write
through `studios.services` via `run_service`, so pages and API share one rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from core.history import history_section
from core.pages import (
    ScopedDetailView,
    ScopedListView,
    form_page,
    run_action,
    run_form_action,
    run_service,
)
from studios import services
from studios.filtersets import RecognitionListFilterSet, StudioFilterSet
from studios.forms import (
    AssessmentForm,
    HonourForm,
    MembershipAddForm,
    RecognitionListForm,
    StatusChangeForm,
    StudioForm,
    StudioProfileForm,
)
from studios.models import Honour, RecognitionList
from studios.selectors import (
    Share,
    assessments_visible_to,
    honours_on_list_for,
    list_share,
    memberships_visible_to,
    recognition_lists_managed_by,
    recognition_lists_visible_to,
    recognition_lists_with_share,
    studio_access,
    studios_visible_to,
    studios_with_access,
)


class StudioListView(ScopedListView):
    visible_to = staticmethod(studios_visible_to)
    export_api = "api:studio"
    filterset_class = StudioFilterSet
    template_name = "studios/studio_list.html"
    partial_template_name = "studios/partials/studio_results.html"
    context_object_name = "studios"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = is_official(self.request.user)
        return context


def _detail_context(request, studio, **forms) -> dict:
    """Everything the studio page shows, with unbound forms unless given bound ones."""
    user = request.user
    access = studio_access(user, studio)
    memberships = memberships_visible_to(user).filter(studio=studio)
    # Each list the studio is on, with the group's share of it and the honour's
    # revocation if it was de-listed (kept as history), in one query.
    honours = Honour.objects.filter(studio=studio)
    lists = recognition_lists_with_share(
        RecognitionList.objects.filter(pk__in=honours.values("recognition_list")).annotate(
            revoked_on=Subquery(
                honours.filter(recognition_list=OuterRef("pk")).values("revoked_on")[:1]
            ),
            revoked_reason=Subquery(
                honours.filter(recognition_list=OuterRef("pk")).values("revoked_reason")[:1]
            ),
        ),
        None,
    )
    context = {
        "studio": studio,
        "access": access,
        "members": [m for m in memberships if m.left_on is None],
        "former_members": [m for m in memberships if m.left_on is not None],
        "today": timezone.localdate(),  # a membership ended today may be restored
        "honours": [(lst, Share(ours=lst.ours, total=lst.total_named)) for lst in lists],
        "assessments": (
            assessments_visible_to(user).filter(studio=studio) if access.insider else []
        ),
        "events": studio.events.select_related("actor") if access.insider else [],
        **history_section(user, studio, visible=access.manages, api="studio"),
    }
    if access.manages:
        context["status_form"] = forms.get("status_form") or StatusChangeForm(studio=studio)
        context["assessment_form"] = forms.get("assessment_form") or AssessmentForm()
    if access.edits:
        context["member_form"] = forms.get("member_form") or MembershipAddForm(
            user=user, studio=studio
        )
    return context


class StudioDetailView(ScopedDetailView):
    # The access columns come with the row: the page and its panels ask no more.
    visible_to = staticmethod(studios_with_access)
    template_name = "studios/studio_detail.html"
    context_object_name = "studio"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_detail_context(self.request, self.object)}


def _visible_studio(request, pk):
    return get_object_or_404(studios_with_access(request.user), pk=pk)


def _render_detail_with(request, studio, status=400, **forms):
    return render(
        request,
        "studios/studio_detail.html",
        _detail_context(request, studio, **forms),
        status=status,
    )


@login_required
def studio_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    return form_page(
        request,
        StudioForm(request.POST or None, user=request.user),
        services.studio_create,
        template="studios/studio_form.html",
        context={"creating": True},
        done_message=_("The studio has been registered."),
        next_url=lambda studio: reverse("studios:studio-detail", args=[studio.pk]),
    )


@login_required
def studio_edit(request, pk):
    studio = _visible_studio(request, pk)
    access = studio_access(request.user, studio)
    if access.manages:
        form_class = StudioForm
    elif access.leads:
        form_class = StudioProfileForm
    else:
        raise PermissionDenied
    return form_page(
        request,
        form_class(request.POST or None, instance=studio, user=request.user),
        services.studio_update,
        studio_id=studio.pk,
        template="studios/studio_form.html",
        context={"studio": studio},
        done_message=_("The studio has been saved."),
        next_url=lambda saved: reverse("studios:studio-detail", args=[studio.pk]),
    )


def _studio_step(request, on_studio, form, service, done_message, form_name, **kwargs):
    """A form on the studio page asking a service for one change (status,
    member, assessment): back to the page, or the page again with the errors."""

    def refused(bound):
        on_studio.refresh_from_db()
        return _render_detail_with(request, on_studio, **{form_name: bound})

    return run_form_action(
        request,
        form,
        service,
        fields=dict,
        done_message=done_message,
        next_url=reverse("studios:studio-detail", args=[on_studio.pk]),
        render_refused=refused,
        **kwargs,
    )


@require_POST
@login_required
def studio_change_status(request, pk):
    studio = _visible_studio(request, pk)
    return _studio_step(
        request,
        studio,
        StatusChangeForm(request.POST, studio=studio),
        services.studio_change_status,
        _("The status has been changed."),
        "status_form",
        studio_id=studio.pk,
    )


@require_POST
@login_required
def membership_add(request, pk):
    studio = _visible_studio(request, pk)
    return _studio_step(
        request,
        studio,
        MembershipAddForm(request.POST, user=request.user, studio=studio),
        services.membership_add,
        _("The member has been added."),
        "member_form",
        studio_id=studio.pk,
    )


@require_POST
@login_required
def membership_end(request, pk):
    membership = get_object_or_404(memberships_visible_to(request.user), pk=pk)
    if run_action(request, services.membership_end, membership_id=membership.pk, by=request.user):
        messages.success(request, _("The membership has ended."))
    return redirect("studios:studio-detail", pk=membership.studio_id)


@require_POST
@login_required
def membership_restore(request, pk):
    """Take back a membership ended today (studios.services.membership_restore)."""
    membership = get_object_or_404(memberships_visible_to(request.user), pk=pk)
    if run_action(
        request, services.membership_restore, membership_id=membership.pk, by=request.user
    ):
        messages.success(request, _("The membership has been restored."))
    return redirect("studios:studio-detail", pk=membership.studio_id)


@require_POST
@login_required
def assessment_add(request, pk):
    studio = _visible_studio(request, pk)
    return _studio_step(
        request,
        studio,
        AssessmentForm(request.POST),
        services.assessment_record,
        _("The assessment has been recorded."),
        "assessment_form",
        studio=studio,
    )


# --- Recognition lists -------------------------------------------------------------------


class RecognitionListListView(ScopedListView):
    visible_to = staticmethod(
        lambda user: recognition_lists_with_share(recognition_lists_visible_to(user), None)
    )
    export_api = "api:recognition-list"
    filterset_class = RecognitionListFilterSet
    template_name = "studios/recognitionlist_list.html"
    partial_template_name = "studios/partials/recognitionlist_results.html"
    context_object_name = "lists"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = is_official(self.request.user)
        return context


@login_required
def recognition_list_detail(request, pk):
    recognition_list = get_object_or_404(recognition_lists_visible_to(request.user), pk=pk)
    form = (
        HonourForm(request.POST or None, user=request.user) if is_official(request.user) else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid() and run_service(
            form,
            services.honour_create,
            by=request.user,
            recognition_list=recognition_list,
            **form.cleaned_data,
        ):
            messages.success(request, _("The honour has been recorded."))
            return redirect("studios:recognitionlist-detail", pk=pk)
    honours = honours_on_list_for(request.user, recognition_list)
    share = list_share(recognition_list, None)
    return render(
        request,
        "studios/recognitionlist_detail.html",
        {
            "recognition_list": recognition_list,
            "share": share,
            "studio_honours": [h for h in honours if h.studio_id],
            "person_honours": [h for h in honours if h.person_id],
            # Every personal honour is public, so only studios can be unseen.
            "some_unseen": len(honours) < share.ours,
            "can_edit": recognition_lists_managed_by(request.user).filter(pk=pk).exists(),
            "honour_form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def recognition_list_edit(request, pk):
    recognition_list = get_object_or_404(recognition_lists_visible_to(request.user), pk=pk)
    if not recognition_lists_managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return form_page(
        request,
        RecognitionListForm(request.POST or None, instance=recognition_list, user=request.user),
        services.recognition_list_update,
        list_id=pk,
        template="studios/recognitionlist_form.html",
        context={"recognition_list": recognition_list},
        done_message=_("The recognition list has been saved."),
        next_url=lambda saved: reverse("studios:recognitionlist-detail", args=[pk]),
    )


@login_required
def recognition_list_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    return form_page(
        request,
        RecognitionListForm(request.POST or None, user=request.user),
        services.recognition_list_create,
        template="studios/recognitionlist_form.html",
        done_message=_("The recognition list has been recorded."),
        next_url=lambda created: reverse("studios:recognitionlist-detail", args=[created.pk]),
    )
