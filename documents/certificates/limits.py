"""How often one address may check codes at /verify/: the codes cannot be
guessed (31**12 of them), and the limit keeps anyone from trying. Counted per
address over a fixed window in the cache, like failed sign-ins
(accounts/sign_in_limits.py)."""

from django.conf import settings
from django.core.cache import cache

from core.throttles import client_address


def verify_wait(request) -> int | None:
    """Count this check; the seconds the address must wait when it is over the
    limit, else None."""
    limit = settings.CERTIFICATE_VERIFY_LIMIT
    if not limit:
        return None
    window = settings.CERTIFICATE_VERIFY_WINDOW_SECONDS
    key = f"certificate-verify:{client_address(request)}"
    cache.add(key, 0, timeout=window)  # the window starts at the first check
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=window)
        count = 1
    return window if count > limit else None
