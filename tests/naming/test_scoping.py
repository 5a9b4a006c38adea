"""Who sees which calls and applications: a call its unit's people and the
officials inside or above it; an application its studio, the officials over it
and over the call, its experts, and everyone once on notice or named."""

import datetime

import pytest
from django.utils import timezone

from naming.models import NamingApplication
from tests.api_answers import ids, refused
from tests.naming.conftest import RUBRIC
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
APPLICATIONS = "/api/v1/naming-applications/"

# Who sees the dust studio's application at each step before the notice.
SEES_BEFORE_NOTICE = {
    "lead_a": True,
    "member_a": True,
    "official_a": True,
    "group_official": True,
    "admin": True,
    "worker_a": False,
    "colleague_a": False,
    "official_b": False,
    "worker_b": False,
}


@pytest.mark.parametrize(("role", "sees"), SEES_BEFORE_NOTICE.items())
def test_an_application_in_review_is_seen_by_insiders_only(api, staged, role, sees):
    application = staged.at[Status.UNDER_REVIEW]
    api.force_authenticate(person(staged.naming_calls, role))
    assert (application.pk in ids(api.get(APPLICATIONS))) is sees
    answer = api.get(f"{APPLICATIONS}{application.pk}/")
    assert answer.status_code == (200 if sees else 404)


def test_the_expert_sees_what_is_assigned_to_them_only(api, staged):
    api.force_authenticate(staged.naming_calls.expert)
    seen = ids(api.get(APPLICATIONS))
    assert staged.at[Status.UNDER_REVIEW].pk in seen
    assert staged.at[Status.RECOMMENDED].pk not in seen


def test_a_draft_is_the_studios_own(api, staged):
    draft = staged.at[Status.DRAFT]
    api.force_authenticate(staged.naming_calls.studios.lead_a)
    assert draft.pk in ids(api.get(APPLICATIONS))
    api.force_authenticate(staged.naming_calls.expert)
    refused(api.get(f"{APPLICATIONS}{draft.pk}/"), 404)


@pytest.mark.parametrize("role", ["worker_b", "colleague_a", "official_b"])
def test_the_notice_is_public_to_everyone_signed_in(api, staged, role):
    api.force_authenticate(person(staged.naming_calls, role))
    assert ids(api.get(APPLICATIONS, {"status": "public_notice"})) == {
        staged.at[Status.PUBLIC_NOTICE].pk
    }


def test_nobody_signed_out_sees_anything(api, staged):
    assert api.get(APPLICATIONS).status_code == 401
    assert api.get("/api/v1/naming-calls/").status_code == 401


def test_a_companys_call_is_not_seen_in_another_company(api, naming_calls):
    org = naming_calls.studios.org
    api.force_authenticate(org.official_a)
    body = {
        "title": "A 公司命名",
        "level": "enterprise",
        "year": 2026,
        "org_unit_id": org.company_a.pk,
        "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "quota": 2,
        "rubric": RUBRIC,
    }
    created = api.post("/api/v1/naming-calls/", body, format="json")
    assert created.status_code == 201, created.content
    call_id = created.json()["id"]
    for role, sees in [("worker_a", True), ("group_official", True), ("worker_b", False)]:
        api.force_authenticate(person(naming_calls, role))
        assert (call_id in ids(api.get("/api/v1/naming-calls/"))) is sees


@pytest.mark.parametrize(
    ("role", "rubric", "status"),
    [
        ("worker_a", RUBRIC, 403),
        ("official_a", [], 400),
        ("official_a", [{"name": "x", "max_points": 0}], 400),
    ],
)
def test_a_call_is_opened_by_an_official_with_a_rubric(api, naming_calls, role, rubric, status):
    org = naming_calls.studios.org
    api.force_authenticate(person(naming_calls, role))
    body = {
        "title": "命名",
        "level": "enterprise",
        "year": 2026,
        "org_unit_id": org.company_a.pk,
        "deadline": timezone.localdate().isoformat(),
        "quota": 1,
        "rubric": rubric,
    }
    assert api.post("/api/v1/naming-calls/", body, format="json").status_code == status
