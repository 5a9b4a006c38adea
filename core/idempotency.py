"""`Idempotency-Key` on the API's POSTs (docs/api.md): a client that retries after
a 503 or a lost answer sends the same key, and gets the first answer again
instead of a second record.

The first answer that did something (a 2xx) is kept in Django's cache for 24
hours under the person and the key, with a fingerprint of the request: the same
key from the same person replays it (status, body and headers, plus
`Idempotent-Replayed: true`); the same key with another body or address is a
409 `idempotency_key_reused`. A refusal (4xx) or a failure (5xx) changed nothing
(docs/architecture.md), so it is not kept: the retry is simply asked again. While
the first request is still acting, a second with the same key waits a few
seconds for its answer, then is a 409 `idempotency_key_in_progress`; `cache.add`
is the lock, so only one of them acts. When the cache cannot be reached, the
request is refused with a 503 rather than acted on without the promise.
"""

import hashlib
import logging
import threading
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from core.api.exceptions import error_response
from core.middleware import API_PREFIX
from core.outages import RETRY_AFTER_SECONDS

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
ANSWER_SECONDS = 24 * 60 * 60
# Longer than any request may run (gunicorn's 30 s, Procfile): a lock outliving
# a request that died holds the key no longer than this.
LOCK_SECONDS = 60
# How long a second request with the key waits for the first one's answer.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.1
# The embedded mode's file cache checks for a key, then writes it: two threads of
# the one web process could both "add" it. Redis's add is atomic by itself.
_add_lock = threading.Lock()


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not key or len(key) > KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
            return error_response(
                400,
                _("The data sent is not valid."),
                "invalid",
                errors={
                    HEADER: [
                        _("Send 1 to %(n)s printable ASCII characters.") % {"n": KEY_MAX_LENGTH}
                    ]
                },
            )
        person = _authenticated_person(request)
        if person is None:
            return self.get_response(request)  # refused by the view (401 / 403)
        name = f"idempotency:{person.pk}:{hashlib.sha256(key.encode()).hexdigest()}"
        try:
            return self._once(request, name, _fingerprint(request))
        except (RedisError, OSError) as exc:
            log.error("Idempotency keys unavailable (cache): %s", exc)
            return error_response(
                503,
                _("Requests with an Idempotency-Key cannot be accepted just now. Try again later."),
                "idempotency_unavailable",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    def _once(self, request, name: str, fingerprint: str):
        answer_name, lock_name = f"{name}:answer", f"{name}:lock"
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            answer = cache.get(answer_name)
            if answer is not None:
                return _replay(answer, fingerprint)
            with _add_lock:
                if cache.add(lock_name, fingerprint, LOCK_SECONDS):
                    break
            if time.monotonic() >= deadline:
                return error_response(
                    409,
                    _("A request with this Idempotency-Key is still being answered."),
                    "idempotency_key_in_progress",
                    headers={"Retry-After": "1"},
                )
            time.sleep(POLL_SECONDS)
        try:
            # The holder before us may have kept its answer between our two looks.
            answer = cache.get(answer_name)
            if answer is not None:
                return _replay(answer, fingerprint)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                cache.set(
                    answer_name,
                    {
                        "fingerprint": fingerprint,
                        "status": response.status_code,
                        "headers": dict(response.items()),
                        "content": response.content,
                    },
                    ANSWER_SECONDS,
                )
            return response
        finally:
            cache.delete(lock_name)


def _replay(answer: dict, fingerprint: str) -> HttpResponse:
    if answer["fingerprint"] != fingerprint:
        return error_response(
            409,
            _("This Idempotency-Key was used for a different request."),
            "idempotency_key_reused",
        )
    response = HttpResponse(answer["content"], status=answer["status"], headers=answer["headers"])
    response[REPLAYED_HEADER] = "true"
    return response


def _authenticated_person(request):
    """Who the API will take the request to be from: its own authentication
    classes, asked ahead of the view (the view asks again)."""
    authenticators = [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    try:
        user = Request(request, authenticators=authenticators).user
    except exceptions.APIException:
        return None  # a bad token or a missing CSRF token: the view refuses it
    return user if user.is_authenticated else None


def _fingerprint(request) -> str:
    """The request's address and content. A multipart body is read as its
    fields and files: a client resending the same form draws a new boundary."""
    digest = hashlib.sha256(f"{request.get_full_path()}\n{request.content_type}\n".encode())
    if request.content_type == "multipart/form-data":
        for field, values in sorted(request.POST.lists()):
            digest.update(repr((field, values)).encode())
        for field, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((field, upload.name, upload.size)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()
