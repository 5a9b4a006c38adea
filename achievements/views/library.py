"""The achievement library and achievement pages."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.pickers import people_kept
from accounts.selectors import is_official, people_visible_to
from achievements import services
from achievements.filtersets import (
    AchievementFilterSet,
)
from achievements.forms import (
    AchievementForm,
    AdoptionForm,
    ContributorFormSet,
    ShowAtConferenceForm,
    VerifyBenefitForm,
)
from achievements.selectors import (
    achievement_access,
    achievements_visible_to,
    achievements_with_access,
    conferences_visible_to,
    patents_visible_to,
)
from achievements.views.common import studio_from_query
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.history import history_section
from core.pages import ScopedListView, attach_from_page, form_page, run_service
from studios.selectors import studios_writable_by


class AchievementListView(ScopedListView):
    keyset = True
    export_api = "api:achievement"
    filterset_class = AchievementFilterSet
    template_name = "achievements/achievement_list.html"
    partial_template_name = "achievements/partials/achievement_results.html"
    context_object_name = "achievements"

    @staticmethod
    def visible_to(user):
        return achievements_visible_to(user).select_related("origin_problem")


def _achievement_detail_context(request, achievement, **forms):
    user = request.user
    access = achievement_access(user, achievement)
    context = {
        "achievement": achievement,
        "access": access,
        "contributors": achievement.contributors.select_related("person"),
        "patents": patents_visible_to(user).filter(achievement=achievement),
        "adoptions": achievement.adoptions.select_related("org_unit"),
        "conferences": conferences_visible_to(user).filter(achievements=achievement),
        "attachments": attachments_of(achievement),
        "attachment_form": AttachmentForm() if access.edits else None,
        **history_section(user, achievement, visible=access.manages, api="achievement"),
    }
    if access.manages and not achievement.is_verified:
        context["verify_form"] = forms.get("verify_form") or VerifyBenefitForm()
    if is_official(user):
        context["adoption_form"] = forms.get("adoption_form") or AdoptionForm(user=user)
        context["conference_form"] = forms.get("conference_form") or ShowAtConferenceForm(user=user)
    return context


@login_required
def achievement_detail(request, pk):
    achievement = get_object_or_404(achievements_with_access(request.user), pk=pk)
    return render(
        request,
        "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement),
    )


def _achievement_form_page(request, achievement=None):
    user = request.user
    editing = achievement is not None
    studio = achievement.studio if editing else studio_from_query(request)
    form = AchievementForm(
        request.POST or None, instance=achievement, user=user, studio=studio, editing=editing
    )
    credited = list(achievement.contributors.select_related("person")) if editing else []
    initial = (
        [{"person": c.person_id, "share": c.share} for c in credited]
        if editing
        else [{"person": user.pk, "share": 100}]
    )
    contributors = ContributorFormSet(
        request.POST or None,
        initial=None if request.POST else initial,
        prefix="contributors",
        form_kwargs={
            "people": people_visible_to(user).order_by("full_name"),
            "person_label": _("Contributor"),
            # Those credited already stay, seen by the writer or not, as
            # `achievement_update` keeps them; every reader reads their names.
            "kept": people_kept(
                user,
                [c.person for c in credited],
                names_readable=achievement_access(user, achievement).read,
            )
            if editing
            else None,
        },
    )
    return form_page(
        request,
        form,
        partial(services.achievement_update, achievement_id=achievement.pk)
        if editing
        else services.achievement_create,
        formsets={"contributors": contributors},
        formset_changes=lambda _editing: {"contributors": contributors.rows()},
        template="achievements/achievement_form.html",
        context={"achievement": achievement, "studio": studio},
        done_message=_("The achievement has been saved."),
        next_url=lambda saved: reverse("achievements:achievement-detail", args=[saved.pk]),
    )


@login_required
def achievement_create(request):
    if not studios_writable_by(request.user).exists():
        raise PermissionDenied
    return _achievement_form_page(request)


@login_required
def achievement_edit(request, pk):
    achievement = get_object_or_404(achievements_with_access(request.user), pk=pk)
    if not achievement_access(request.user, achievement).edits:
        raise PermissionDenied
    return _achievement_form_page(request, achievement)


@require_POST
@login_required
def achievement_verify(request, pk):
    achievement = get_object_or_404(achievements_with_access(request.user), pk=pk)
    form = VerifyBenefitForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if run_service(
            form,
            services.achievement_verify_benefit,
            achievement_id=achievement.pk,
            by=request.user,
            **data,
        ):
            messages.success(request, _("The benefit has been verified and is now locked."))
            return redirect("achievements:achievement-detail", pk=pk)
    return render(
        request,
        "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement, verify_form=form),
        status=400,
    )


@require_POST
@login_required
def adoption_add(request, pk):
    achievement = get_object_or_404(achievements_with_access(request.user), pk=pk)
    if not is_official(request.user):  # before the form: its unit choices are theirs
        raise PermissionDenied
    form = AdoptionForm(request.POST, user=request.user)
    if form.is_valid() and run_service(
        form,
        services.adoption_record,
        by=request.user,
        achievement=achievement,
        **form.cleaned_data,
    ):
        messages.success(request, _("The adoption has been recorded."))
        return redirect("achievements:achievement-detail", pk=pk)
    return render(
        request,
        "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement, adoption_form=form),
        status=400,
    )


@require_POST
@login_required
def achievement_show_at_conference(request, pk):
    achievement = get_object_or_404(achievements_with_access(request.user), pk=pk)
    if not is_official(request.user):
        raise PermissionDenied
    form = ShowAtConferenceForm(request.POST, user=request.user)
    if form.is_valid() and run_service(
        form,
        services.conference_show_achievements,
        conference_id=form.cleaned_data["conference"].pk,
        by=request.user,
        achievements=[achievement],
    ):
        messages.success(request, _("The achievement is listed at the conference."))
        return redirect("achievements:achievement-detail", pk=pk)
    return render(
        request,
        "achievements/achievement_detail.html",
        _achievement_detail_context(request, achievement, conference_form=form),
        status=400,
    )


@require_POST
@login_required
def achievement_attach(request, pk):
    achievement = get_object_or_404(achievements_with_access(request.user), pk=pk)
    next_url = reverse("achievements:achievement-detail", args=[pk])
    return attach_from_page(request, services.attachment_add, achievement, next_url)
