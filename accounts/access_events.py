"""Sign-ins and failed sign-ins recorded as access events (AccountEvent).

Django says when someone signs in or fails to (`user_logged_in`,
`user_login_failed`, sent by `authenticate()` for the sign-in page, the admin's
and the API's token endpoint alike); these receivers only write the event
through `accounts.services.access_event_record`. Exports and report downloads
are recorded where they are served (core.api.views.ExportMixin, reports.views).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from accounts.models import AccountEvent
from accounts.services import access_event_record


def _signed_in(sender, request, user, **kwargs):
    access_event_record(action=AccountEvent.Action.SIGNED_IN, person=user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    tried = str(credentials.get("username") or credentials.get(User.USERNAME_FIELD) or "")
    person = User.objects.filter(**{User.USERNAME_FIELD: tried}).first() if tried else None
    access_event_record(
        action=AccountEvent.Action.SIGN_IN_FAILED,
        person=person,
        note="" if person else tried[:64],
        request=request,
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="accounts_access_signed_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="accounts_access_sign_in_failed")
