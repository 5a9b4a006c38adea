"""Honest answers during outages: work committed while the broker is down is
answered as done (and done later by the sweep); while the database cannot be
reached the API answers 503 in its JSON body and a page with the product's 503
page, both with Retry-After, never Django's HTML 500."""

import datetime
import socket
import sqlite3
import time
from contextlib import contextmanager

import pytest
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core.outages import RETRY_AFTER_SECONDS, is_database_unavailable
from hr import services as hr_services
from hr.models import ImportRun
from reports import services as report_services
from reports.models import ReportRun
from tests.hr.imports import PEOPLE_HEADER, csv_file, person_row

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="terminates a PostgreSQL backend"
)


# --- the broker is down: the request still says what happened ---------------------------


@contextmanager
def broker_unreachable():
    """While inside: tasks are sent for real (not eagerly, as the suite runs them)
    to a Redis nobody listens on, a port just closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, f"redis://127.0.0.1:{port}/0"
    forget_broker_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        forget_broker_connections()


def forget_broker_connections():
    """The app keeps its connection and producer pools for the broker it first
    used; dropped, the next send opens them for the broker configured now.
    (`app.close()` would also unregister the app, and with it its tasks.)"""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def upload_people(api):
    rows = [person_row("N001", "新人甲", "A101")]
    return api.post(
        "/api/v1/imports/",
        {"kind": "people", "file": csv_file(PEOPLE_HEADER, rows)},
        format="multipart",
    )


# One test for both, as each test that commits costs an emptied database.
@pytest.mark.django_db(transaction=True)  # the service commits, then signals, in the request
def test_work_committed_while_the_broker_is_down_is_answered_as_accepted_and_done_later(
    org, api, settings, tmp_path, caplog
):
    settings.MEDIA_ROOT = tmp_path
    api.force_authenticate(org.official_a)
    with broker_unreachable():
        report = api.post(
            reverse("api:report-run-list"), {"kind": "mentoring_summary"}, format="json"
        )
        upload = upload_people(api)

    # The person is told the work is queued, and it is: one row each, waiting
    assert (report.status_code, upload.status_code) == (201, 202), (report.content, upload.content)
    for answer, model in ((report, ReportRun), (upload, ImportRun)):
        assert answer.json()["status"] == "queued"
        assert list(model.objects.values_list("pk", "status")) == [(answer.json()["id"], "queued")]
    assert caplog.text.count("left for the periodic sweep") == 2

    # With the broker back, each sweep re-sends its work and it is done, once
    later = timezone.now() + datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + 1)
    assert report_services.report_runs_recover(now=later)["resent"] == 1
    assert hr_services.imports_recover(now=later)["resent"] == 1
    assert list(ReportRun.objects.values_list("status", flat=True)) == ["succeeded"]
    assert list(ImportRun.objects.values_list("status", flat=True)) == ["preview_ready"]


# --- the database is gone ---------------------------------------------------------------


def terminate_backend(pid: int) -> None:
    """What an outage does to a connection: PostgreSQL ends its backend. Done
    from a connection of its own, which waits until the backend has gone."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    return
                time.sleep(0.02)
        pytest.fail(f"backend {pid} still running")
    finally:
        other.close()


@contextmanager
def database_gone_before(touching: str):
    """The test connection's backend is terminated just before the first
    statement whose SQL mentions `touching` is sent, so that statement fails as
    in an outage, and so would every later one on the connection. Afterwards
    the broken connection is closed, so the next statement connects anew."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    seen = []

    def cut(execute, sql, params, many, context):
        if not seen and touching in sql:
            seen.append(sql)
            terminate_backend(pid)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(cut):
            yield
    finally:
        connection.close()
    assert seen, f"no statement touched {touching}"


def assert_api_unavailable(answer):
    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json"
    assert answer["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = answer.json()
    assert body["code"] == "database_unavailable"
    assert body["detail"] and set(body) == {"detail", "code"}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_api_call_whose_database_goes_away_answers_503_json_with_retry_after(org, api, client):
    # A write, the database gone between the reads and the insert: nothing saved
    api.force_authenticate(org.official_a)
    with database_gone_before("INSERT"):
        answer = api.post(
            reverse("api:report-run-list"),
            {"kind": "mentoring_summary"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert_api_unavailable(answer)
    assert answer.json()["detail"].startswith("The database cannot be reached just now.")
    assert not ReportRun.objects.exists()

    # Signed in by session, whose reading (a middleware's) fails before the view
    client.raise_request_exception = False  # what the person gets, not the error
    client.force_login(org.official_a)
    with database_gone_before("django_session"):
        answer = client.get(reverse("api:report-run-list"))
    assert_api_unavailable(answer)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_page_whose_database_goes_away_answers_the_503_page_in_chinese(org, client):
    client.raise_request_exception = False
    client.force_login(org.official_a)
    page = reverse("studios:studio-list")
    # While signing the person in (a middleware), then while reading the page (the view)
    for touching in ("django_session", "studios_studio"):
        with database_gone_before(touching):
            answer = client.get(page)
        assert answer.status_code == 503, touching
        assert answer["Retry-After"] == str(RETRY_AFTER_SECONDS)
        html = answer.content.decode()
        assert '<html lang="zh-hans">' in html
        assert "无法连接数据库" in html
    # Once it is back, the next request connects anew and is answered as usual
    assert client.get(page).status_code == 200


@pytest.mark.django_db
def test_a_wrong_statement_is_a_bug_not_an_outage():
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        connection.cursor().execute("SELECT * FROM no_such_table")
    assert not is_database_unavailable(error.value)


def test_a_busy_sqlite_file_a_closed_connection_and_a_lost_server_are_outages(tmp_path):
    path = tmp_path / "busy.sqlite3"
    writer, other = sqlite3.connect(path), sqlite3.connect(path, timeout=0)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("INSERT INTO t VALUES (1)")
    writer.close()
    other.close()
    # Django raises its own error with the driver's as the cause
    locked = OperationalError(*busy.value.args)
    locked.__cause__ = busy.value
    lost = OperationalError("server closed the connection unexpectedly")
    for error in (locked, InterfaceError("connection already closed"), lost):
        assert is_database_unavailable(error), error
