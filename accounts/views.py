from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.filtersets import OrgUnitFilterSet, PersonFilterSet
from accounts.forms import LoginForm, PasswordChangeFormStyled
from accounts.selectors import (
    is_official,
    org_units_visible_to,
    people_visible_to,
    people_with_access,
    person_access,
)
from core.pages import ScopedDetailView, ScopedListView


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeFormStyled
    success_url = reverse_lazy("accounts:password-change-done")


class PersonListView(ScopedListView):
    visible_to = staticmethod(people_visible_to)
    filterset_class = PersonFilterSet
    template_name = "accounts/person_list.html"
    partial_template_name = "accounts/partials/person_results.html"
    context_object_name = "people"


class PersonDetailView(ScopedDetailView):
    visible_to = staticmethod(people_with_access)
    template_name = "accounts/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = context["access"] = person_access(self.request.user, self.object)
        # How the level was reached (a passed final appraisal, with its date): a
        # personal record, like the phone number, for oneself and officials.
        context["skill_history"] = (
            self.object.skill_level_changes.order_by("changed_on", "id") if access.private else []
        )
        return context


class OrgUnitListView(ScopedListView):
    visible_to = staticmethod(org_units_visible_to)
    filterset_class = OrgUnitFilterSet
    template_name = "accounts/orgunit_list.html"
    partial_template_name = "accounts/partials/orgunit_results.html"
    context_object_name = "units"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Officials open a unit's page to close or merge it (404 beyond their units).
        context["manages"] = is_official(self.request.user)
        return context
