"""Whether a service takes what it is given, asked without keeping its work:
the tests that a picker offers exactly what its service accepts ask this of
every record the picker could offer."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction


class _Undone(Exception):
    """Raised to roll back a service's work once it has been accepted."""


def takes(call: Callable[[], object], *refusals: type[Exception]) -> bool:
    """Whether `call` (a service call) succeeds, its work rolled back either
    way; it is refused by raising one of `refusals` (ValidationError when none
    is named). Any other exception fails the test."""
    refused = refusals or (ValidationError,)
    try:
        with transaction.atomic():
            call()
            raise _Undone
    except _Undone:
        return True
    except refused:
        return False
