"""The OpenAPI schema says what the API answers (docs/api.md), in one place
rather than view by view:

- every operation lists the error answers it can give, each with the one error
  body `core.api.exceptions.exception_handler` builds;
- an action on one record (`{id}/attachments/`, `{id}/events/`) answers a plain
  array, neither paginated nor filtered, unless it is marked `@paginated_action`;
- fields a serializer leaves out for some readers are not required: those
  declared `required=False` and those it names in `viewer_dependent_fields`;
- an e-mail address that may be blank (or is read as stored) may be `""`.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

ERROR_CODES_BY_STATUS = {
    "400": "invalid",
    "401": "not_authenticated, authentication_failed, token_expired",
    "403": "permission_denied",
    "404": "not_found",
    "409": "conflict, invalid_transition, window_closed, … , idempotency_key_reused",
    "429": "throttled",
    "503": "database_timeout, database_unavailable, idempotency_unavailable",
}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "description": "A nested record's or a row's own errors."},
        ]
    }
)
class FieldErrorsField(serializers.JSONField):
    """One field's messages; for a nested record or a list of rows, their own
    errors by field or by row number."""


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    detail = serializers.CharField(help_text="One sentence in the request's language.")
    code = serializers.CharField(help_text="A machine code (docs/api.md).")
    errors = serializers.DictField(
        child=FieldErrorsField(),
        required=False,
        help_text="Only on a 400: each field as sent, with its messages.",
    )


def error_answer(status: int) -> OpenApiResponse:
    """An error answer to list in `extend_schema(responses=…)` where the
    operation gives one its method alone would not (a GET answering 409)."""
    return OpenApiResponse(ErrorSerializer, description=ERROR_CODES_BY_STATUS[str(status)])


def paginated_action(function):
    """Marks an action on one record whose answer is a page of rows (history)."""
    function.paginated = True
    return function


class AutoSchema(openapi.AutoSchema):
    def _action_is_paginated(self) -> bool:
        action = getattr(self.view, "action", None)
        if action == "list" or not getattr(self.view, "detail", False):
            return True
        return getattr(getattr(self.view, action, None), "paginated", False)

    def _get_paginator(self):
        return super()._get_paginator() if self._action_is_paginated() else None

    def get_filter_backends(self):
        return super().get_filter_backends() if self._action_is_paginated() else []

    def _error_statuses(self) -> list[str]:
        statuses = ["401", "403", "404", "429", "503"]
        has_input = self.method in ("POST", "PUT", "PATCH") or any(
            parameter.get("in") == "query" for parameter in self._get_parameters()
        )
        if has_input:
            statuses.append("400")
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            statuses.append("409")
        return sorted(statuses)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            if status in responses:
                continue
            answer = error_answer(int(status))
            responses[status] = self._get_response_for_code(
                answer, status, ["application/json"], direction
            )
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        optional = set(getattr(serializer, "viewer_dependent_fields", ())) | {
            name
            for name, field in serializer.fields.items()
            if field._kwargs.get("required") is False  # said so, not DRF's default
        }
        for name, field in serializer.fields.items():
            if isinstance(field, serializers.EmailField) and (field.read_only or field.allow_blank):
                # A blank address (or a stored one that may be blank) is answered
                # as "", which is no e-mail address.
                schema.get("properties", {}).get(name, {}).pop("format", None)
        if direction == "response" and optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema
