"""Domain errors raised by services and mapped to HTTP statuses in one place.

Services raise Django's own `ValidationError` (400), `PermissionDenied` (403) and
`Http404`/`ObjectDoesNotExist` (404); the one status Django has no exception for is
409, so it lives here.
"""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The record's state forbids the request (illegal transition, closed window …)."""

    default_message = _("The record's current state does not allow this.")
    default_code = "conflict"

    def __init__(self, message=None, code: str | None = None):
        self.message = message or self.default_message
        self.code = code or self.default_code
        super().__init__(str(self.message))


class InvalidTransition(Conflict):
    """A state machine refused a move from the current state."""

    default_code = "invalid_transition"

    def __init__(self, current: str, target: str):
        super().__init__(
            _("Cannot move from “%(state)s” to “%(target)s”.")
            % {"state": current, "target": target}
        )
