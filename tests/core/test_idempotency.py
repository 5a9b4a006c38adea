"""`Idempotency-Key` on the API's POSTs (docs/api.md): a client retrying after a
503 or a lost answer gets the first answer again, and nothing is done twice."""

import socket
import uuid

import pytest
from rest_framework.test import APIClient

from hr.models import ImportRun
from reports.models import ReportRun
from tests.concurrency import RACES, run_at_once
from tests.hr.imports import PEOPLE_HEADER, csv_file, media_root, person_row, previewed  # noqa: F401

REPORT_RUNS = "/api/v1/report-runs/"


@pytest.fixture
def key():
    """A key of this test's own: the answers outlive the test in the cache."""
    return str(uuid.uuid4())


def request_report(api, key, kind="mentoring_summary"):
    return api.post(REPORT_RUNS, {"kind": kind}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def upload_people(api, key):
    # A fresh upload each time: the client draws a new multipart boundary
    rows = [person_row("N001", "新人甲", "A101")]
    return api.post(
        "/api/v1/imports/",
        {"kind": "people", "file": csv_file(PEOPLE_HEADER, rows)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def confirm_import(api, key):
    run = ImportRun.objects.get()
    return api.post(f"/api/v1/imports/{run.pk}/confirm/", HTTP_IDEMPOTENCY_KEY=key)


def a_previewed_import(org, capture):
    rows = [person_row("N001", "新人甲", "A101")]
    previewed(org.official_a, csv_file(PEOPLE_HEADER, rows), capture=capture)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("send", "prepare", "status"),
    [
        (request_report, None, 201),
        (upload_people, None, 202),
        (confirm_import, a_previewed_import, 202),
    ],
    ids=["a create", "a create with a file", "an action"],
)
def test_a_retry_with_the_same_key_gets_the_first_answer_and_acts_once(
    org, api, key, django_capture_on_commit_callbacks, send, prepare, status
):
    if prepare:
        prepare(org, django_capture_on_commit_callbacks)
    api.force_authenticate(org.official_a)
    first = send(api, key)
    again = send(api, key)

    assert first.status_code == status, first.content
    assert (again.status_code, again.json()) == (status, first.json())
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert ReportRun.objects.count() + ImportRun.objects.count() == 1
    if send is confirm_import:  # confirmed once: a confirmation without the key is refused
        assert send(api, str(uuid.uuid4())).status_code == 409


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_409_and_does_nothing(org, api, key):
    api.force_authenticate(org.official_a)
    assert request_report(api, key).status_code == 201
    reused = request_report(api, key, kind="studio_annual")
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert list(ReportRun.objects.values_list("kind", flat=True)) == ["mentoring_summary"]


@pytest.mark.django_db
def test_another_person_with_the_same_key_acts_for_themselves(org, api, key):
    answers = []
    for official in (org.official_a, org.official_b):
        api.force_authenticate(official)
        answers.append(request_report(api, key))
    assert [answer.status_code for answer in answers] == [201, 201]
    assert not any("Idempotent-Replayed" in answer for answer in answers)
    assert {run.requested_by for run in ReportRun.objects.all()} == {
        org.official_a,
        org.official_b,
    }


@pytest.mark.django_db
def test_a_refused_request_is_not_kept_so_the_corrected_retry_acts(org, api, key):
    api.force_authenticate(org.official_a)
    assert request_report(api, key, kind="no_such_report").status_code == 400
    assert request_report(api, key).status_code == 201
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_key", ["", "x" * 256, "tab\tinside"], ids=["empty", "too long", "a control character"]
)
def test_a_malformed_key_is_a_400_naming_the_header(org, api, bad_key):
    api.force_authenticate(org.official_a)
    answer = request_report(api, bad_key)
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["Idempotency-Key"]
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_a_signed_out_client_with_a_key_is_refused_as_without_it(api, key):
    assert request_report(api, key).status_code == 401


@pytest.mark.django_db
def test_when_the_keys_cannot_be_kept_a_keyed_post_is_refused_with_503(org, api, key, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    api.force_authenticate(org.official_a)
    answer = request_report(api, key)
    assert answer.status_code == 503
    assert answer.json()["code"] == "idempotency_unavailable"
    assert int(answer["Retry-After"]) > 0
    assert not ReportRun.objects.exists()


@RACES[0]  # PostgreSQL: real concurrency
@RACES[1]  # committed, so the threads' connections see the people
def test_concurrent_posts_with_the_same_key_act_once(org, key):
    def post():
        client = APIClient()
        client.force_authenticate(org.official_a)
        answer = request_report(client, key)
        return answer.status_code, answer.json()

    results, errors = run_at_once([(post,)] * 4)
    assert errors == []
    [run] = ReportRun.objects.all()
    # Each answer is the first one (given or replayed), or "still being answered"
    for status, body in results:
        assert (status, body.get("id")) == (201, run.pk) or (
            status,
            body["code"],
        ) == (409, "idempotency_key_in_progress")
