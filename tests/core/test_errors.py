"""Domain errors raised by services map to the statuses of docs/api.md."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.test import APIRequestFactory

from core.api.exceptions import exception_handler
from core.exceptions import Conflict, InvalidTransition


def handle(exc):
    request = APIRequestFactory().get("/")
    return exception_handler(exc, {"request": request})


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ValidationError({"title": ["Required."]}), 400, "invalid"),
        (ValidationError("Shares must add up to 100 %."), 400, "invalid"),
        (PermissionDenied(), 403, "permission_denied"),
        (Http404(), 404, "not_found"),
        (Conflict(), 409, "conflict"),
        (InvalidTransition("awarded", "submit"), 409, "invalid_transition"),
    ],
)
def test_domain_errors_map_to_status_and_code(exc, status, code):
    response = handle(exc)
    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["detail"]
    assert ("errors" in response.data) == (status == 400)


def test_field_errors_are_listed_per_field():
    response = handle(ValidationError({"title": ["Required."]}))
    assert response.data["errors"] == {"title": ["Required."]}


def test_non_field_errors_are_listed_under_non_field_errors():
    response = handle(ValidationError("Shares must add up to 100 %."))
    assert response.data["errors"] == {"non_field_errors": ["Shares must add up to 100 %."]}


def test_invalid_transition_names_the_state():
    response = handle(InvalidTransition("awarded", "submit"))
    assert "awarded" in response.data["detail"]
