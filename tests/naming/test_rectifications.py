"""Rectifications through the API for each role (opened, closed, de-listed:
allowed; outside scope 404, visible but not allowed 403, wrong state 409), the
check at the deadline, and what de-listing does to the share figures: later
years drop the studio, earlier ones keep it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from achievements.models import Achievement
from naming.models import Rectification
from naming.services import rectification_checks_run, rectification_open
from notices.models import Notice
from studios.models import Honour, Studio
from studios.selectors import list_share, shares_by_level_and_year
from tests.api_answers import field_errors, refused, url
from tests.naming.conftest import deadline_passed, today
from tests.roles import person

pytestmark = pytest.mark.django_db

BASE = "/api/v1/rectifications/"
Status = Rectification.Status
IN_A_MONTH = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
MOVES = {
    "close": ({"note": "完成两项攻关"}, Status.CLOSED_IMPROVED),
    "delist": ({"reason": "整改期满仍无成果"}, Status.DELISTED),
}


def _opening(managed, **changes):
    return {
        "studio_id": managed.studios.washing.pk,
        "reason": "一年无成果",
        "plan": "半年内完成一项攻关",
        "deadline": IN_A_MONTH,
        **changes,
    }


@pytest.mark.parametrize("role", ["official_a", "group_official", "admin"])
def test_the_office_opens_a_rectification(api, managed, role):
    api.force_authenticate(person(managed, role))
    answer = api.post(BASE, _opening(managed), format="json")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["status"], answer.json()["deadline"]) == (Status.OPEN, IN_A_MONTH)
    washing = Studio.objects.get(pk=managed.studios.washing.pk)
    assert washing.status == Studio.Status.RECTIFICATION
    assert washing.events.last().note == "一年无成果"


@pytest.mark.parametrize(
    ("role", "status"),
    # The washing studio is named: everyone sees it, only its office acts.
    [("colleague_a", 403), ("worker_b", 403), ("official_b", 403)],
)
def test_no_one_else_opens_one(api, managed, role, status):
    api.force_authenticate(person(managed, role))
    refused(api.post(BASE, _opening(managed), format="json"), status)
    assert Studio.objects.get(pk=managed.studios.washing.pk).status == Studio.Status.NAMED


def test_a_studio_outside_scope_or_a_bad_plan_is_a_400(api, managed):
    org = managed.org
    api.force_authenticate(org.official_b)
    # An established studio of company A is not visible to company B's office.
    outside = _opening(managed, studio_id=managed.studios.dust.pk)
    assert "studio_id" in field_errors(api.post(BASE, outside, format="json"))
    api.force_authenticate(org.official_a)
    past = (today() - datetime.timedelta(days=1)).isoformat()
    assert "deadline" in field_errors(
        api.post(BASE, _opening(managed, deadline=past), format="json")
    )
    assert "plan" in field_errors(api.post(BASE, _opening(managed, plan=" "), format="json"))
    assert not Rectification.objects.filter(studio=managed.studios.washing).exists()


def test_every_missing_field_of_an_opening_is_named_at_once(managed):
    # The API's serializer names them itself; the service does so for any caller.
    with pytest.raises(ValidationError) as refusal:
        rectification_open(
            by=managed.org.official_a,
            studio=managed.studios.washing,
            reason=" ",
            plan="",
            deadline=None,
        )
    assert set(refusal.value.message_dict) == {"reason", "plan", "deadline"}
    assert not Rectification.objects.filter(studio=managed.studios.washing).exists()


def test_a_studio_under_rectification_gets_no_second_one(api, managed):
    api.force_authenticate(managed.org.official_a)
    again = _opening(managed, studio_id=managed.studios.dust.pk)
    refused(api.post(BASE, again, format="json"), 409)


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize("role", ["official_a", "group_official", "admin"])
def test_the_office_closes_or_delists_after_the_deadline(api, managed, move, role):
    rectification = managed.rectification
    deadline_passed(rectification)
    body, status = MOVES[move]
    api.force_authenticate(person(managed, role))
    answer = api.post(url(BASE, rectification, move), body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == status
    # The check at the deadline is made now, as the nightly one has not run.
    assert answer.json()["checked_on"] == today().isoformat()
    assert answer.json()["output_found"] is False
    dust = Studio.objects.get(pk=managed.studios.dust.pk)
    # Closed: it still holds its titles, so named again; de-listed: established.
    expected = Studio.Status.NAMED if move == "close" else Studio.Status.ESTABLISHED
    assert dust.status == expected


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize(
    ("role", "status"),
    [("lead_a", 403), ("member_a", 403), ("worker_a", 404), ("official_b", 404)],
)
def test_no_one_else_closes_or_delists(api, managed, move, role, status):
    rectification = managed.rectification
    deadline_passed(rectification)
    api.force_authenticate(person(managed, role))
    refused(api.post(url(BASE, rectification, move), MOVES[move][0], format="json"), status)
    rectification.refresh_from_db()
    assert (rectification.status, rectification.checked_on) == (Status.OPEN, None)


@pytest.mark.parametrize("move", MOVES)
def test_nothing_is_decided_before_the_deadline_or_twice(api, managed, move):
    rectification = managed.rectification
    api.force_authenticate(managed.org.official_a)
    body = MOVES[move][0]
    refused(api.post(url(BASE, rectification, move), body, format="json"), 409)
    deadline_passed(rectification)
    assert api.post(url(BASE, rectification, "close"), {}, format="json").status_code == 200
    refused(api.post(url(BASE, rectification, move), body, format="json"), 409)


def test_delisting_needs_a_reason(api, managed):
    deadline_passed(managed.rectification)
    api.force_authenticate(managed.org.official_a)
    answer = api.post(url(BASE, managed.rectification, "delist"), {"reason": ""}, format="json")
    assert "reason" in field_errors(answer)


def test_the_check_at_the_deadline_is_made_once_and_tells_the_office(managed):
    rectification = managed.rectification
    Notice.objects.all().delete()
    assert rectification_checks_run() == 0  # the deadline has not come
    deadline_passed(rectification, days=0)
    Achievement.objects.create(
        studio=managed.studios.dust,
        title="湿式除尘改造",
        kind=Achievement.Kind.EQUIPMENT_MODIFICATION,
        completed_on=today() - datetime.timedelta(days=10),
        created_by=managed.org.official_a,
    )
    assert rectification_checks_run() == 1
    assert rectification_checks_run() == 0  # beat twice
    rectification.refresh_from_db()
    assert (rectification.checked_on, rectification.output_found) == (today(), True)
    assert rectification.output == {"achievements": 1, "patents": 0, "benefits_verified": 0}
    told = Notice.objects.filter(kind="naming.rectification_checked")
    assert [n.recipient.employee_no for n in told] == ["official_a"]
    assert "1" in told.get().text and rectification.status == Status.OPEN


@pytest.mark.parametrize("close_studio", [False, True])
def test_delisting_drops_the_studio_from_later_shares_and_keeps_earlier_ones(
    api, managed, close_studio
):
    provincial, this_year = managed.provincial, managed.this_year
    assert (list_share(provincial, None).ours, list_share(this_year, None).ours) == (1, 1)
    deadline_passed(managed.rectification)
    api.force_authenticate(managed.org.official_a)
    body = {"reason": "整改期满仍无成果", "close_studio": close_studio}
    answer = api.post(url(BASE, managed.rectification, "delist"), body, format="json")
    assert answer.status_code == 200, answer.content
    # The 2022 list keeps it; this year's list (the year of the de-listing) drops it.
    assert (list_share(provincial, None).ours, list_share(this_year, None).ours) == (1, 0)
    by_year = {row["year"]: row["share"].ours for row in shares_by_level_and_year(None)}
    assert (by_year[2022], by_year[today().year]) == (1, 0)
    # Its honours stay on their lists as history, revoked with the reason and date.
    honours = Honour.objects.filter(studio=managed.studios.dust)
    assert {(h.revoked_on, h.revoked_reason) for h in honours} == {(today(), "整改期满仍无成果")}
    dust = Studio.objects.get(pk=managed.studios.dust.pk)
    closed = Studio.Status.REVOKED if close_studio else Studio.Status.ESTABLISHED
    assert dust.status == closed
