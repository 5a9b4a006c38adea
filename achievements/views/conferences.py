"""Promotion conference pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
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
from core.pages import ScopedListView, form_page


class ConferenceListView(ScopedListView):
    visible_to = staticmethod(conferences_visible_to)
    export_api = "api:conference"
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
    return form_page(
        request,
        ConferenceForm(request.POST or None, user=request.user),
        services.conference_create,
        template="achievements/conference_form.html",
        done_message=_("The conference has been recorded."),
        next_url=lambda conference: reverse("achievements:conference-detail", args=[conference.pk]),
    )


@login_required
def conference_edit(request, pk):
    conference = get_object_or_404(conferences_visible_to(request.user), pk=pk)
    if not conferences_managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return form_page(
        request,
        ConferenceForm(request.POST or None, instance=conference, user=request.user),
        services.conference_update,
        conference_id=pk,
        template="achievements/conference_form.html",
        context={"conference": conference},
        done_message=_("The conference has been saved."),
        next_url=lambda saved: reverse("achievements:conference-detail", args=[pk]),
    )
