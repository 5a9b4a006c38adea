"""Request plumbing shared by every page."""

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import translation

from core.api.exceptions import database_unavailable_response
from core.db import is_statement_timeout
from core.outages import RETRY_AFTER_SECONDS, is_database_unavailable

log = logging.getLogger(__name__)

API_PREFIX = "/api/"


class DatabaseTimeoutMiddleware:
    """A page whose query PostgreSQL cancelled at the statement timeout
    (`DATABASE_STATEMENT_TIMEOUT_MS`) answers 503 with a page saying so, not a
    500: the request asked more of the database than a request may take, and
    a narrower filter or a later try may well succeed. The API answers the same
    in its own body (core.api.exceptions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_statement_timeout(exception):
            return None
        log.warning("Statement timeout: %s %s", request.method, request.get_full_path())
        return render(request, "503.html", status=503)


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached (core/outages.py) every request
    answers 503 with `Retry-After`: the API in its JSON error body, a page with
    the product's 503 page, never Django's HTML 500.

    A view's error comes to `process_exception`. The database is also read
    before any view runs (the session and the signed-in person, by the
    middlewares below this one) and written after it (the session), where
    Django turns the error into its 500 page at once; that error is noted on the
    request (`_note_database_outage`) and the 500 replaced here, so this
    middleware stands above every middleware that touches the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log.error(
            "Database unavailable: %s %s: %s", request.method, request.get_full_path(), exception
        )
        return unavailable_response(request)


@receiver(got_request_exception)
def _note_database_outage(sender, request=None, **kwargs):
    """Django sends this while handling an error no view or middleware
    answered, before it logs it and renders its 500."""
    error = sys.exc_info()[1]
    if request is not None and error is not None and is_database_unavailable(error):
        request.database_unavailable = True


def unavailable_response(request):
    if request.path.startswith(API_PREFIX):
        return database_unavailable_response()
    # Nothing on this page may need the database: it is rendered as for someone
    # signed out and without stored messages, and in the language the request
    # asks for (the error may have come before the language was chosen).
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = render(
            request,
            "503.html",
            {"database_unavailable": True, "user": AnonymousUser(), "messages": ()},
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
