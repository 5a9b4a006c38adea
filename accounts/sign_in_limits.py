"""Failed sign-ins per address, on the page and the token exchange alike.

django-axes locks an employee number after a few wrong passwords; it does not
count by address, since a whole mine reaches us through one (docs/operations.md).
So one address trying many employee numbers (a password spray) was never
stopped. This counts the failures of an address over a window, with a limit far
above what a shared terminal produces, and refuses its sign-ins (429) past it."""

from django.conf import settings
from django.core.cache import cache

from core.throttles import client_address


def _key(request) -> str:
    return f"sign-in-failures:{client_address(request)}"


def address_wait(request) -> int | None:
    """Seconds the request's address must wait before signing in again, or None."""
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    if not limit or cache.get(_key(request), 0) < limit:
        return None
    return settings.SIGN_IN_ADDRESS_WINDOW_SECONDS


def address_failure_count(request) -> None:
    """One more failed sign-in from the request's address (the window starts at
    its first failure)."""
    key = _key(request)
    cache.add(key, 0, timeout=settings.SIGN_IN_ADDRESS_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=settings.SIGN_IN_ADDRESS_WINDOW_SECONDS)
