"""One error body for every API failure (docs/api.md):

    {"detail": "<one sentence>", "code": "<machine code>", "errors": {...}}

`errors` is present only for 400. Domain errors raised by services (Django's
ValidationError / PermissionDenied / Http404 and core's Conflict) are mapped here,
so no view has to translate them; so is a query cancelled at the statement
timeout (503 `database_timeout`) and a database that cannot be reached (503
`database_unavailable`, with `Retry-After`: core/outages.py).
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.db import is_statement_timeout
from core.exceptions import Conflict
from core.outages import RETRY_AFTER_SECONDS, is_database_unavailable

log = logging.getLogger(__name__)


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record's current state does not allow this.")
    default_code = "conflict"


class DatabaseTimeout(exceptions.APIException):
    """PostgreSQL cancelled a query at the statement timeout (core.db)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "The database took too long to answer. Try again in a moment, or narrow the filter."
    )
    default_code = "database_timeout"


class DatabaseUnavailable(exceptions.APIException):
    """The database could not be reached or dropped the connection (core/outages.py).
    `wait` makes DRF send it as `Retry-After`."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "The database cannot be reached just now. Try again in a minute; if you were saving "
        "something, check whether it was saved before sending it again."
    )
    default_code = "database_unavailable"
    wait = RETRY_AFTER_SECONDS


def error_response(
    status_code: int, detail, code: str, *, errors: dict | None = None, headers=None
) -> JsonResponse:
    """The error body for an answer given outside DRF's views (a middleware)."""
    body = {"detail": str(detail), "code": code}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status_code, headers=headers)


def database_unavailable_response() -> JsonResponse:
    return error_response(
        DatabaseUnavailable.status_code,
        DatabaseUnavailable.default_detail,
        DatabaseUnavailable.default_code,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})
    if isinstance(exc, Conflict):
        return ConflictError(detail=str(exc.message), code=exc.code)
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _field_errors(data) -> dict:
    """Normalise DRF's error data to {field: [message, …]}."""
    if isinstance(data, dict):
        return {
            field: [str(m) for m in messages] if isinstance(messages, list) else messages
            for field, messages in data.items()
        }
    if isinstance(data, list):
        return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in data]}
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(data)]}


def exception_handler(exc, context):
    if is_statement_timeout(exc):
        request = context.get("request")
        log.warning("Statement timeout: %s", request.get_full_path() if request else "API")
        exc = DatabaseTimeout()
    elif is_database_unavailable(exc):
        request = context.get("request")
        log.error("Database unavailable: %s: %s", request.path if request else "API", exc)
        exc = DatabaseUnavailable()
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django's 500 handling log it

    if isinstance(exc, exceptions.ValidationError):
        body = {
            "detail": _("The data sent is not valid."),
            "code": "invalid",
            "errors": _field_errors(exc.detail),
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=response.headers)

    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    response.data = {
        "detail": str(detail),
        "code": codes if isinstance(codes, str) else "error",
    }
    return response
