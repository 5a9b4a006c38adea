"""Promotion conference pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.selectors import is_official
from achievements import services
from achievements.filtersets import (
    AchievementFilterSet,
    ConferenceFilterSet,
)
from achievements.forms import (
    ConferenceForm,
)
from achievements.selectors import (
    achievements_visible_to,
    conferences_managed_by,
    conferences_visible_to,
)
from core.pages import ScopedListView, form_changes, run_service


class ConferenceListView(ScopedListView):
    visible_to = staticmethod(conferences_visible_to)
    filterset_class = ConferenceFilterSet
    template_name = "achievements/conference_list.html"
    partial_template_name = "achievements/partials/conference_results.html"
    context_object_name = "conferences"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_create": is_official(self.request.user)}


class ConferenceDetailView(ScopedListView):
    """A conference and, paged, the achievements it displayed that the reader may see."""

    filterset_class = AchievementFilterSet
    template_name = "achievements/conference_detail.html"
    partial_template_name = "achievements/partials/achievement_results.html"
    context_object_name = "achievements"

    def visible_to(self, user):
        self.conference = get_object_or_404(conferences_visible_to(user), pk=self.kwargs["pk"])
        return achievements_visible_to(user).filter(conferences=self.conference)

    def get_queryset(self):
        queryset = self.visible_to(self.request.user)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        can_edit = conferences_managed_by(self.request.user).filter(pk=self.conference.pk).exists()
        return {
            **super().get_context_data(**kwargs),
            "conference": self.conference,
            "can_edit": can_edit,
        }


@login_required
def conference_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    form = ConferenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        conference = run_service(
            form, services.conference_create, by=request.user, **form.cleaned_data
        )
        if conference:
            messages.success(request, _("The conference has been recorded."))
            return redirect("achievements:conference-detail", pk=conference.pk)
    return render(request, "achievements/conference_form.html", {"form": form})


@login_required
def conference_edit(request, pk):
    conference = get_object_or_404(conferences_visible_to(request.user), pk=pk)
    if not conferences_managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = ConferenceForm(request.POST or None, instance=conference, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = form_changes(form)
        if run_service(
            form, services.conference_update, conference_id=pk, by=request.user, **changes
        ):
            messages.success(request, _("The conference has been saved."))
            return redirect("achievements:conference-detail", pk=pk)
    return render(
        request, "achievements/conference_form.html", {"form": form, "conference": conference}
    )
