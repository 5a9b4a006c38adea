"""Each move of an application through the API, for each role: allowed (200)
and refused (outside scope 404, visible but not allowed 403, wrong state 409)."""

import datetime

import pytest
from django.utils import timezone

from naming.models import NamingApplication
from tests.api_answers import refused, url
from tests.naming.conftest import notice_over
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"
TODAY = timezone.localdate().isoformat()
VISIT = {"visited_on": TODAY, "visitors": "专家组", "findings": "制度齐全，成果突出。"}

# (move, the status it starts from, its body, the status it leads to)
MOVES = {
    "submit": (Status.DRAFT, {}, Status.SUBMITTED),
    "recommend": (Status.SUBMITTED, {"note": "同意推荐"}, Status.RECOMMENDED),
    "assign-experts": (Status.RECOMMENDED, "experts", Status.UNDER_REVIEW),
    "record-visit": (Status.UNDER_REVIEW, VISIT, Status.SITE_VISIT),
    "start-notice": (Status.SITE_VISIT, {}, Status.PUBLIC_NOTICE),
    "decide": (Status.PUBLIC_NOTICE, {"outcome": "named", "reason": "公示无异议"}, Status.NAMED),
}


def _body(body, naming_calls):
    # A colleague of another team: seen by every official and lead of company A,
    # so the refusals below are about the move, not about the person named.
    colleague = naming_calls.studios.org.colleague_a
    return {"experts": [colleague.pk]} if body == "experts" else body


def _prepared(staged, move, naming_calls):
    status = MOVES[move][0]
    application = staged.at[status]
    if move == "record-visit":
        from naming import services

        services.naming_review_submit(
            application_id=application.pk, by=naming_calls.expert, scores=[30, 40]
        )
    if move == "decide":
        notice_over(application)
    return application


ALLOWED = [
    ("submit", "lead_a"),
    ("submit", "official_a"),
    ("submit", "group_official"),
    ("recommend", "official_a"),
    ("recommend", "group_official"),
    ("assign-experts", "group_official"),
    ("record-visit", "group_official"),
    ("start-notice", "group_official"),
    ("decide", "group_official"),
    ("decide", "admin"),
]


@pytest.mark.parametrize(("move", "role"), ALLOWED)
def test_the_person_whose_move_it_is_makes_it(api, staged, move, role):
    naming_calls = staged.naming_calls
    application = _prepared(staged, move, naming_calls)
    api.force_authenticate(person(naming_calls, role))
    response = api.post(
        url(BASE, application, move), _body(MOVES[move][1], naming_calls), format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == MOVES[move][2]
    application.refresh_from_db()
    event = application.events.last()
    assert (application.status, event.to_state) == (MOVES[move][2], MOVES[move][2])
    assert event.actor == person(naming_calls, role)


REFUSED = [
    # Members of the studio see it but never move it past their own draft.
    ("submit", "member_a", 403),
    ("recommend", "lead_a", 403),
    ("recommend", "member_a", 403),
    ("assign-experts", "official_a", 403),
    ("assign-experts", "lead_a", 403),
    ("record-visit", "official_a", 403),
    ("record-visit", "expert", 403),
    ("start-notice", "official_a", 403),
    ("start-notice", "lead_a", 403),
    ("decide", "official_a", 403),
    ("decide", "lead_a", 403),
    # On public notice everyone sees it, and no more.
    ("decide", "worker_b", 403),
    # Before the notice, people outside learn nothing.
    ("submit", "worker_b", 404),
    ("submit", "official_b", 404),
    ("recommend", "worker_b", 404),
    ("assign-experts", "official_b", 404),
    ("start-notice", "worker_a", 404),
]


@pytest.mark.parametrize(("move", "role", "status"), REFUSED)
def test_anyone_else_is_refused_and_nothing_moves(api, staged, move, role, status):
    naming_calls = staged.naming_calls
    application = _prepared(staged, move, naming_calls)
    before = application.events.count()
    api.force_authenticate(person(naming_calls, role))
    response = api.post(
        url(BASE, application, move), _body(MOVES[move][1], naming_calls), format="json"
    )
    refused(response, status)
    application.refresh_from_db()
    assert (application.status, application.events.count()) == (MOVES[move][0], before)


WRONG_STATE = [
    ("submit", Status.SUBMITTED),
    ("recommend", Status.DRAFT),
    ("recommend", Status.RECOMMENDED),
    ("assign-experts", Status.SUBMITTED),
    ("record-visit", Status.RECOMMENDED),
    ("start-notice", Status.UNDER_REVIEW),
    ("decide", Status.SITE_VISIT),
]


@pytest.mark.parametrize(("move", "status"), WRONG_STATE)
def test_a_move_from_the_wrong_status_is_409(api, staged, move, status):
    naming_calls = staged.naming_calls
    application = staged.at[status]
    api.force_authenticate(naming_calls.studios.org.group_official)
    response = api.post(
        url(BASE, application, move), _body(MOVES[move][1], naming_calls), format="json"
    )
    refused(response, 409)
    application.refresh_from_db()
    assert application.status == status


def test_rejection_needs_a_reason_and_ends_the_application(api, bring, naming_calls):
    application = bring(Status.UNDER_REVIEW)
    api.force_authenticate(naming_calls.studios.org.group_official)
    no_reason = api.post(url(BASE, application, "decide"), {"outcome": "rejected"}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    done = api.post(
        url(BASE, application, "decide"),
        {"outcome": "rejected", "reason": "成果不足"},
        format="json",
    )
    assert done.json()["status"] == Status.REJECTED
    again = api.post(url(BASE, application, "start-notice"), {}, format="json")
    refused(again, 409)


def test_the_unit_official_may_reject_what_they_have_not_recommended_only(api, bring, naming_calls):
    official_a = naming_calls.studios.org.official_a
    api.force_authenticate(official_a)
    submitted = bring(Status.SUBMITTED)
    answer = api.post(
        url(BASE, submitted, "decide"), {"outcome": "rejected", "reason": "材料不全"}, format="json"
    )
    assert answer.json()["status"] == Status.REJECTED
    in_review = bring(Status.UNDER_REVIEW, studio=naming_calls.studios.washing)
    refused(
        api.post(
            url(BASE, in_review, "decide"), {"outcome": "rejected", "reason": "x"}, format="json"
        ),
        403,
    )


def test_an_assigned_expert_scores_once_within_the_rubric(api, bring, naming_calls):
    application = bring(Status.UNDER_REVIEW)
    api.force_authenticate(naming_calls.expert)
    over = api.post(
        "/api/v1/naming-reviews/",
        {"application": application.pk, "scores": [41, 10]},
        format="json",
    )
    assert over.status_code == 400 and "scores" in over.json()["errors"]
    done = api.post(
        "/api/v1/naming-reviews/",
        {"application": application.pk, "scores": [38.5, 52], "comment": "好"},
        format="json",
    )
    assert done.status_code == 201, done.content
    assert done.json()["total"] == "90.5"
    twice = api.post(
        "/api/v1/naming-reviews/", {"application": application.pk, "scores": [1, 1]}, format="json"
    )
    refused(twice, 409)
    changed = api.patch(
        f"/api/v1/naming-reviews/{done.json()['id']}/", {"scores": [30, 30]}, format="json"
    )
    assert changed.json()["total"] == "60.0"
    # anyone else who sees the application may not score it
    api.force_authenticate(naming_calls.studios.org.group_official)
    refused(
        api.post(
            "/api/v1/naming-reviews/",
            {"application": application.pk, "scores": [1, 1]},
            format="json",
        ),
        403,
    )


def test_members_and_colleagues_of_the_studio_are_recused(api, bring, naming_calls):
    application = bring(Status.RECOMMENDED)
    studios = naming_calls.studios
    api.force_authenticate(studios.org.group_official)
    answer = api.post(
        url(BASE, application, "assign-experts"),
        {"experts": [studios.member_a.pk, studios.org.worker_a.pk]},
        format="json",
    )
    assert answer.status_code == 400
    reasons = " ".join(answer.json()["errors"]["experts"])
    assert studios.member_a.full_name in reasons and studios.org.worker_a.full_name in reasons
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED


def test_an_expert_no_longer_active_is_refused_naming_them(api, bring, naming_calls):
    application = bring(Status.RECOMMENDED)
    gone = naming_calls.expert
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    api.force_authenticate(naming_calls.studios.org.group_official)
    answer = api.post(
        url(BASE, application, "assign-experts"), {"experts": [gone.pk]}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["experts"] == [f"{gone.full_name} 已停用"]
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED and not application.assignments.exists()


def test_the_outside_result_is_recorded_with_the_outside_list(
    api, bring, naming_calls, provincial_list
):
    application = bring(Status.RECOMMENDED_UPWARD, call=naming_calls.provincial)
    api.force_authenticate(naming_calls.studios.org.official_a)
    refused(api.post(url(BASE, application, "record-result"), {"named": True}, format="json"), 403)
    api.force_authenticate(naming_calls.studios.org.group_official)
    no_list = api.post(url(BASE, application, "record-result"), {"named": True}, format="json")
    assert "list" in no_list.json()["errors"]
    named = api.post(
        url(BASE, application, "record-result"),
        {"named": True, "list": provincial_list.pk},
        format="json",
    )
    assert named.json()["status"] == Status.NAMED
    assert named.json()["outside_list"] == provincial_list.pk
    assert provincial_list.honours.filter(studio=naming_calls.studios.dust).exists()


def test_an_application_the_outside_body_did_not_name_is_closed(api, bring, naming_calls):
    application = bring(Status.RECOMMENDED_UPWARD, call=naming_calls.provincial)
    api.force_authenticate(naming_calls.studios.org.group_official)
    answer = api.post(url(BASE, application, "record-result"), {"named": False}, format="json")
    assert answer.json()["status"] == Status.NOT_NAMED
    refused(api.post(url(BASE, application, "record-result"), {"named": True}, format="json"), 409)


def test_a_draft_is_started_only_for_a_studio_one_leads_or_manages(api, naming_calls):
    studios = naming_calls.studios
    body = {"call_id": naming_calls.enterprise.pk, "studio_id": studios.washing.pk}
    api.force_authenticate(studios.lead_a)  # a studio they cannot see
    assert "studio_id" in api.post(BASE, body, format="json").json()["errors"]
    body["studio_id"] = studios.dust.pk
    api.force_authenticate(studios.member_a)  # a studio they belong to but do not lead
    assert "studio_id" in api.post(BASE, body, format="json").json()["errors"]
    api.force_authenticate(studios.lead_a)
    created = api.post(BASE, body, format="json")
    assert created.status_code == 201 and created.json()["status"] == Status.DRAFT
    refused(api.post(BASE, body, format="json"), 409)


def test_a_closed_call_takes_no_application(api, naming_calls):
    call = naming_calls.enterprise
    type(call).objects.filter(pk=call.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    api.force_authenticate(naming_calls.studios.lead_a)
    body = {"call_id": call.pk, "studio_id": naming_calls.studios.dust.pk}
    refused(api.post(BASE, body, format="json"), 409)
