"""The live OpenAPI schema is true: schemathesis sends every operation a few
generated requests as an official, a worker and an anonymous client, and every
answer must be no server error and must match the schema (status, media type,
headers, body). In-process against the WSGI app and the test database; each
request runs in a savepoint that is rolled back, so what it creates is gone
before the next. Bounded: a few examples per operation, a fixed seed, no
shrinking (docs/testing.md)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_issue

pytestmark = [pytest.mark.django_db, pytest.mark.schema]

EXAMPLES_PER_OPERATION = 1
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, minus the connection clean-up between requests that
    would close the test's open transaction (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema_document():
    return SchemaGenerator().get_schema(public=True)


@pytest.fixture
def api_schema(wsgi_app, schema_document):
    schema = schemathesis.openapi.from_dict(schema_document)
    schema.app = wsgi_app
    return schema


def _failures_of(operation, headers: dict) -> list[str]:
    failures = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, FailureGroup) as failure:  # noqa: BLE001 - all reported together
            failures.append(f"{operation.label}: {failure}")
        finally:
            transaction.savepoint_rollback(savepoint)

    run()
    return failures


@pytest.mark.parametrize("role", ["official", "worker", "anonymous"])
def test_every_answer_matches_the_schema(api_schema, studios, role):
    people = {"official": studios.org.group_official, "worker": studios.lead_a}
    headers = {}
    if role in people:
        headers["Authorization"] = f"Token {api_token_issue(person=people[role]).key}"
    failures = []
    for result in api_schema.get_all_operations():
        failures += _failures_of(result.ok(), headers)
    assert not failures, "\n\n".join(failures)
