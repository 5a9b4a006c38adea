from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.filtersets import OrgUnitFilterSet, PersonFilterSet, RoleGrantFilterSet
from accounts.forms import LoginForm, PasswordChangeFormStyled, PersonForm, RoleGrantForm
from accounts.selectors import (
    account_overview,
    is_official,
    org_units_visible_to,
    people_visible_to,
    people_with_access,
    person_access,
    role_grants_managed_by,
)
from accounts.services import password_changed
from accounts.sign_in_limits import address_failure_count, address_wait
from core.history import history_section
from core.pages import ScopedDetailView, ScopedListView, form_page, run_action


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = address_wait(request)
        if wait is not None:
            response = render(request, "registration/address_limited.html", status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            address_failure_count(self.request)
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeFormStyled
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(person=self.request.user)
        return response


class PersonListView(ScopedListView):
    visible_to = staticmethod(people_visible_to)
    keyset = True
    export_api = "api:person"
    filterset_class = PersonFilterSet
    template_name = "accounts/person_list.html"
    partial_template_name = "accounts/partials/person_results.html"
    context_object_name = "people"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "manages": is_official(self.request.user)}


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
        if access.manages:
            context["account"] = account_overview(self.object)
            # The office's role tool on the account card: roles over units the
            # viewer manages (an official over the person may grant them one).
            context["role_grants"] = (
                role_grants_managed_by(self.request.user)
                .filter(user=self.object)
                .order_by("org_unit__path")
            )
        context.update(
            history_section(self.request.user, self.object, visible=access.manages, api="person")
        )
        return context

    def post(self, request, *args, **kwargs):
        """One act of account care: reset the password (the one-time password is
        shown on this answer only), lift a lockout, deactivate, reactivate."""
        self.object = self.get_object()
        acts = {
            "reset": (services.person_password_reset, {}, None),
            "unlock": (services.person_unlock, {}, _("The lockout is lifted.")),
            "deactivate": (services.person_set_active, {"active": False}, _("Deactivated.")),
            "reactivate": (services.person_set_active, {"active": True}, _("Reactivated.")),
        }
        act = acts.get(request.POST.get("act"))
        if act is None:
            return HttpResponseBadRequest()
        service, extra, done = act
        result = run_action(request, service, person_id=self.object.pk, by=request.user, **extra)
        if result is None:
            return redirect("accounts:person-detail", pk=self.object.pk)
        if done is not None:
            messages.success(request, done)
            return redirect("accounts:person-detail", pk=self.object.pk)
        self.object = self.get_object()
        context = self.get_context_data(object=self.object, one_time_password=result)
        response = self.render_to_response(context)
        response["Cache-Control"] = "no-store"  # the password is on this page only
        return response


class OrgUnitListView(ScopedListView):
    visible_to = staticmethod(org_units_visible_to)
    export_api = "api:org-unit"
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


@login_required
def person_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    return form_page(
        request,
        PersonForm(request.POST or None, user=request.user),
        services.person_add,
        template="accounts/person_form.html",
        context={"cancel_url": reverse("accounts:person-list")},
        done_message=_("The person has been added. Open their account with a one-time password."),
        next_url=lambda person: reverse("accounts:person-detail", args=[person.pk]),
    )


@login_required
def person_edit(request, pk):
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    if not person_access(request.user, person).manages:
        raise PermissionDenied
    return form_page(
        request,
        PersonForm(request.POST or None, instance=person, user=request.user),
        services.person_update,
        person_id=person.pk,
        template="accounts/person_form.html",
        context={"person": person, "cancel_url": reverse("accounts:person-detail", args=[pk])},
        done_message=_("Saved."),
        next_url=lambda saved: reverse("accounts:person-detail", args=[pk]),
    )


class OfficialsOnly:
    """A page of the union office: anyone else signed in gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_official(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RoleGrantListView(OfficialsOnly, ScopedListView):
    """Union-official roles over the units the official manages, to grant and
    remove (never their own)."""

    visible_to = staticmethod(role_grants_managed_by)
    filterset_class = RoleGrantFilterSet
    template_name = "accounts/rolegrant_list.html"
    partial_template_name = "accounts/partials/rolegrant_results.html"
    context_object_name = "grants"

    def get_queryset(self):
        return super().get_queryset().order_by("org_unit__path", "user__employee_no", "id")


@login_required
def role_grant_create(request):
    if not is_official(request.user):
        raise PermissionDenied
    # A link from a unit's or a person's page fills that in (?org_unit=, ?user=).
    initial = {name: request.GET.get(name) for name in ("org_unit", "user")}
    return form_page(
        request,
        RoleGrantForm(request.POST or None, user=request.user, initial=initial),
        services.role_grant_by,
        template="accounts/rolegrant_form.html",
        context={"cancel_url": reverse("accounts:rolegrant-list")},
        done_message=_("The role is granted."),
        next_url=lambda grant: f"{reverse('accounts:rolegrant-list')}?org_unit={grant.org_unit_id}",
    )


@login_required
@require_POST
def role_grant_remove(request, pk):
    grant = get_object_or_404(role_grants_managed_by(request.user), pk=pk)
    removed = run_action(request, services.role_revoke, by=request.user, grant_id=grant.pk)
    if removed is not None:
        messages.success(
            request,
            _("%(name)s is no longer a union official over %(unit)s.")
            % {"name": removed.user.full_name, "unit": removed.org_unit.name},
        )
    # Back to the list as it was filtered (only a path of this site).
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("accounts:rolegrant-list")
    return redirect(back)
