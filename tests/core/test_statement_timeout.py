"""The statement timeout: PostgreSQL cancels a query before gunicorn would give
up on the request, and the reader is told so with a 503 (page and API), not a
500. Celery workers run with their own, longer limit."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.urls import reverse

from core.db import is_statement_timeout, statement_timeout_set
from reports import views as report_pages
from reports.api import views as report_api
from tests.factories import PersonFactory, grant_official, make_unit

DASHBOARD = reverse("reports:dashboard")
OVERVIEW = reverse("api:stats-overview")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a statement timeout is PostgreSQL's"
)


def test_the_statement_timeout_is_below_the_web_servers_timeout():
    procfile = (Path(settings.BASE_DIR) / "Procfile").read_text()
    gunicorn_timeout = int(re.search(r"^web:.*--timeout (\d+)", procfile, re.M).group(1))
    assert gunicorn_timeout == 30
    assert 0 < settings.DATABASE_STATEMENT_TIMEOUT_MS < gunicorn_timeout * 1000
    assert settings.CELERY_STATEMENT_TIMEOUT_MS == 0 or (
        settings.CELERY_STATEMENT_TIMEOUT_MS > settings.DATABASE_STATEMENT_TIMEOUT_MS
    )


@on_postgresql
@pytest.mark.django_db
def test_web_connections_start_with_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_STATEMENT_TIMEOUT_MS // 1000}s"


@on_postgresql
@pytest.mark.django_db
def test_a_worker_connection_starts_with_the_workers_timeout():
    # What the Celery worker does to its connections at start (config/celery.py),
    # here on a connection of its own so the test's transaction is untouched.
    worker_settings = {**connection.settings_dict}
    worker_settings["OPTIONS"] = {**worker_settings["OPTIONS"]}
    statement_timeout_set(worker_settings, 1_800_000)
    worker = type(connections[DEFAULT_DB_ALIAS])(worker_settings, alias="worker")
    try:
        with worker.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "30min"
    finally:
        worker.close()


def test_the_timeout_option_is_replaced_or_dropped_and_other_flags_kept():
    database = {"OPTIONS": {"options": "-c search_path=app -c statement_timeout=25000"}}
    statement_timeout_set(database, 60_000)
    assert database["OPTIONS"]["options"] == "-c search_path=app -c statement_timeout=60000"
    statement_timeout_set(database, 0)
    assert database["OPTIONS"]["options"] == "-c search_path=app"
    assert "options" not in statement_timeout_set({}, 0)["OPTIONS"]


@pytest.fixture
def official(db):
    group = make_unit("TG")
    person = PersonFactory(org_unit=group)
    grant_official(person, group)
    return person


def cancelled() -> OperationalError:
    """Django's error for a query PostgreSQL cancelled, as psycopg raises it."""
    error = OperationalError("canceling statement due to statement timeout")
    error.__cause__ = type("QueryCanceled", (Exception,), {"pgcode": "57014"})()
    return error


def slow_figures(scope):
    """The dashboard's figures as a query that outruns a (small) statement
    timeout: for real on PostgreSQL, as psycopg would report it elsewhere."""
    if connection.vendor != "postgresql":
        raise cancelled()
    # A savepoint, so the cancelled statement leaves the test's transaction usable.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")


def test_a_page_whose_query_is_cut_by_the_timeout_answers_503_saying_so(
    client, official, monkeypatch
):
    monkeypatch.setattr(report_pages, "dashboard_figures", slow_figures)
    client.force_login(official)
    response = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert b"The database took too long" in response.content
    assert b"narrow the filter" in response.content


def test_an_api_request_whose_query_is_cut_by_the_timeout_answers_503(api, official, monkeypatch):
    monkeypatch.setattr(report_api, "dashboard_figures", slow_figures)
    api.force_authenticate(official)
    response = api.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database took too long to answer. Try again in a moment, "
        "or narrow the filter.",
        "code": "database_timeout",
    }


def test_other_database_errors_are_not_taken_for_a_timeout():
    lost = OperationalError("server closed the connection unexpectedly")
    assert not is_statement_timeout(lost)
    assert is_statement_timeout(cancelled())
