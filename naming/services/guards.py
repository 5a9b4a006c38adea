"""Checks every naming service starts with: the row lock, the rights, the state."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import InvalidTransition
from core.services import ensure, locked
from naming.models import (
    NamingApplication,
)
from naming.selectors import (
    naming_application_access,
    naming_applications_visible_to,
)


def locked_application(application_id: int, by: User) -> NamingApplication:
    """The application, row-locked, if `by` may see it; 404 otherwise."""
    return locked(naming_applications_visible_to(by), application_id)


def ensure_move(application: NamingApplication, status: str) -> None:
    """Refuse a move the state machine does not allow (409) before any other
    check, so a stale page is told the application has moved on."""
    if not application.can_move_to(status):
        labels = dict(NamingApplication.Status.choices)
        raise InvalidTransition(labels[application.status], labels[status])


def office_locked(application_id: int, by: User) -> NamingApplication:
    """Lock an application the office over its call runs; 403 for others who
    see it (its own members included)."""
    application = locked_application(application_id, by)
    ensure(
        naming_application_access(by, application).runs,
        PermissionDenied(_("Only the union office over the call, outside the studio, runs this.")),
    )
    return application


def reason_required(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    ensure(bool(reason), ValidationError({field: _("Give the reason.")}))
    return reason
