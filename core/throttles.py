"""API throttles whose rates are read from settings.API_THROTTLE_RATES when a
request comes (DRF's own read them once, at import): an operator changes them
in the environment, a test switches them on with the settings fixture. A scope
without a rate is not throttled. Over the rate: 429 with Retry-After and the
API's error body (`code: throttled`)."""

from django.conf import settings
from rest_framework import throttling


class RatesFromSettings:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(RatesFromSettings, throttling.AnonRateThrottle):
    """Requests without a signed-in person, per address."""


class PersonThrottle(RatesFromSettings, throttling.UserRateThrottle):
    """Requests of a signed-in person, per person (a whole mine shares an
    address); anonymous requests are AnonymousThrottle's."""

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ScopedThrottle(RatesFromSettings, throttling.ScopedRateThrottle):
    """A view's own `throttle_scope` (the token exchange: `sign_in`)."""


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT reverse proxies
    the address the outermost one saw, read from X-Forwarded-For counted from
    the right (what a client writes there itself is never trusted). DRF's
    throttles (NUM_PROXIES) and django-axes read it the same way."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.PROXY_COUNT and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(settings.PROXY_COUNT, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")
