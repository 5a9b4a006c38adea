"""Request plumbing shared by every page."""

import logging

from django.shortcuts import render

from core.db import is_statement_timeout

log = logging.getLogger(__name__)


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
