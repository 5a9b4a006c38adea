"""This year's re-reviews of studios named five or more years ago: listed for
their office, each outcome recorded once (kept, rectify, de-list) by the office
only."""

import datetime

import pytest
from django.utils import timezone

from naming.models import Rectification, ReReview
from studios.models import Honour, Studio
from tests.api_answers import field_errors, refused, results
from tests.roles import person

pytestmark = pytest.mark.django_db

BASE = "/api/v1/re-reviews/"
IN_A_MONTH = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(
    ("role", "due"),
    # The turbine studio (plant B1) was named six years ago; the washing studio
    # four; the dust studio is under rectification.
    [
        ("group_official", ["B1-TURB"]),
        ("official_b", ["B1-TURB"]),
        ("official_a", []),
        ("lead_b", []),
        ("worker_a", []),
    ],
)
def test_the_office_sees_the_studios_due_this_year(api, managed, role, due):
    api.force_authenticate(person(managed, role))
    rows = results(api.get(f"{BASE}due/"))
    assert [row["code"] for row in rows] == due
    if due:
        assert rows[0]["named_year"] == timezone.localdate().year - 6


def _record(api, managed, who, **body):
    api.force_authenticate(person(managed, who))
    return api.post(BASE, {"studio_id": managed.studios.turbine.pk, **body}, format="json")


def test_kept_is_recorded_once_a_year(api, managed):
    answer = _record(api, managed, "official_b", outcome="kept")
    assert answer.status_code == 201, answer.content
    assert answer.json()["year"] == timezone.localdate().year
    refused(_record(api, managed, "official_b", outcome="kept"), 409)
    assert not results(api.get(f"{BASE}due/"))


@pytest.mark.parametrize(("role", "status"), [("lead_b", 403), ("worker_a", 403)])
def test_no_one_but_the_office_records_it(api, managed, role, status):
    refused(_record(api, managed, role, outcome="kept"), status)
    assert not ReReview.objects.exists()


def test_a_studio_not_due_is_refused(api, managed):
    api.force_authenticate(managed.org.official_a)
    washing = {"studio_id": managed.studios.washing.pk, "outcome": "kept"}
    refused(api.post(BASE, washing, format="json"), 409)


def test_rectify_opens_a_rectification_with_its_plan(api, managed):
    no_plan = _record(api, managed, "official_b", outcome="rectify", reason="成果少")
    assert "plan" in field_errors(no_plan)
    answer = _record(
        api,
        managed,
        "official_b",
        outcome="rectify",
        reason="成果少",
        plan="一年内完成两项成果",
        deadline=IN_A_MONTH,
    )
    assert answer.status_code == 201, answer.content
    rectification = Rectification.objects.get(pk=answer.json()["rectification"])
    assert (rectification.plan, rectification.status) == ("一年内完成两项成果", "open")
    turbine = Studio.objects.get(pk=managed.studios.turbine.pk)
    assert turbine.status == Studio.Status.RECTIFICATION


@pytest.mark.parametrize(
    ("outcome", "missing"),
    [("rectify", {"reason", "plan", "deadline"}), ("delist", {"reason"}), ("kept", set())],
)
def test_every_field_the_outcome_needs_is_named_at_once(api, managed, outcome, missing):
    answer = _record(api, managed, "official_b", outcome=outcome)
    if not missing:
        assert answer.status_code == 201, answer.content
        return
    assert set(field_errors(answer)) == missing
    assert not ReReview.objects.exists()
    assert not Rectification.objects.filter(studio=managed.studios.turbine).exists()


def test_delist_revokes_the_titles(api, managed):
    assert "reason" in field_errors(_record(api, managed, "official_b", outcome="delist"))
    answer = _record(
        api, managed, "official_b", outcome="delist", reason="五年无成果", close_studio=True
    )
    assert answer.status_code == 201, answer.content
    turbine = Studio.objects.get(pk=managed.studios.turbine.pk)
    assert turbine.status == Studio.Status.REVOKED
    assert Honour.objects.get(studio=turbine).revoked_reason == "五年无成果"
