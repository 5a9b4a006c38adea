"""A person holding a one-time password from the office chooses their own
before anything else: every page sends them to the password change, every API
call answers 403 `password_change_required`."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

# What a person with a one-time password may still open (and the static files
# and the site's icon).
ALWAYS_OPEN = ("accounts:password-change", "accounts:password-change-done", "accounts:logout")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(("/static/", "/i18n/", "/api/", "/favicon.ico"))
            and request.path not in {reverse(name) for name in ALWAYS_OPEN}
        ):
            if request.headers.get("HX-Request") == "true":
                # htmx would swap the password page into the fragment it asked for
                # (the navigation's bell, whose copy then asks again, without end):
                # it opens the password page as a whole page instead.
                response = HttpResponse()
                response["HX-Redirect"] = reverse("accounts:password-change")
                return response
            return redirect("accounts:password-change")
        return self.get_response(request)


class PasswordChosen(BasePermission):
    """The API side of the same rule (API clients sign in with a token, after
    the middleware has run)."""

    message = _("Choose your own password first: sign in on the web page and change it.")
    code = "password_change_required"

    def has_permission(self, request, view):
        user = request.user
        return not (user and user.is_authenticated and getattr(user, "must_change_password", False))
