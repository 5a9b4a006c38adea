"""Objections during the public notice: lodged by anyone signed in while it
runs, decided by the office with a reason; upheld sends the application back to
expert review (or rejects it), dismissed leaves it on notice."""

import pytest

from naming.models import NamingApplication, Objection
from tests.api_answers import refused, url
from tests.naming.conftest import notice_over

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
OBJECTIONS = "/api/v1/objections/"


def _lodge(api, who, application, reason="该工作室成果数据存在夸大"):
    api.force_authenticate(who)
    return api.post(OBJECTIONS, {"application": application.pk, "reason": reason}, format="json")


@pytest.mark.parametrize("role", ["worker_b", "lead_b", "lead_a", "official_b"])
def test_anyone_signed_in_objects_during_the_notice(api, bring, naming_calls, role):
    from tests.roles import person

    application = bring(Status.PUBLIC_NOTICE)
    answer = _lodge(api, person(naming_calls, role), application)
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == Objection.Status.OPEN
    objection = Objection.objects.get(pk=answer.json()["id"])
    assert objection.events.get().to_state == Objection.Status.OPEN


def test_an_objection_needs_a_reason_and_is_lodged_once(api, bring, naming_calls):
    application = bring(Status.PUBLIC_NOTICE)
    worker = naming_calls.studios.org.worker_b
    assert "reason" in _lodge(api, worker, application, reason="  ").json()["errors"]
    assert _lodge(api, worker, application).status_code == 201
    refused(_lodge(api, worker, application), 409)


def test_no_objection_before_or_after_the_notice(api, bring, naming_calls):
    lead = naming_calls.studios.lead_a  # sees the application at every step
    before = bring(Status.SITE_VISIT)
    refused(_lodge(api, lead, before), 409)
    after = bring(Status.PUBLIC_NOTICE, studio=naming_calls.studios.washing)
    notice_over(after)
    refused(_lodge(api, naming_calls.studios.org.worker_b, after), 409)


def test_an_application_not_on_notice_is_unknown_to_outsiders(api, bring, naming_calls):
    application = bring(Status.SITE_VISIT)
    answer = _lodge(api, naming_calls.studios.org.worker_b, application)
    assert "application" in answer.json()["errors"]


@pytest.fixture
def objected(api, bring, naming_calls):
    application = bring(Status.PUBLIC_NOTICE)
    objection = _lodge(api, naming_calls.studios.org.worker_b, application).json()
    return application, objection["id"]


def _decide(api, who, objection_id, **body):
    api.force_authenticate(who)
    return api.post(url(OBJECTIONS, objection_id, "decide"), body, format="json")


def test_upheld_sends_the_application_back_to_review(api, naming_calls, objected):
    application, objection_id = objected
    office = naming_calls.studios.org.group_official
    answer = _decide(api, office, objection_id, upheld=True, reason="核查属实，补充评审")
    assert answer.json()["status"] == Objection.Status.UPHELD
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    assert "核查属实" in application.events.last().note


def test_upheld_with_reject_rejects_the_application(api, naming_calls, objected):
    application, objection_id = objected
    office = naming_calls.studios.org.group_official
    _decide(api, office, objection_id, upheld=True, reject=True, reason="弄虚作假")
    application.refresh_from_db()
    assert application.status == Status.REJECTED


def test_dismissed_leaves_the_application_on_notice(api, naming_calls, objected):
    application, objection_id = objected
    office = naming_calls.studios.org.group_official
    no_reason = _decide(api, office, objection_id, upheld=False, reason="")
    assert "reason" in no_reason.json()["errors"]
    answer = _decide(api, office, objection_id, upheld=False, reason="经核实无误")
    assert answer.json()["decision_reason"] == "经核实无误"
    application.refresh_from_db()
    assert application.status == Status.PUBLIC_NOTICE
    refused(_decide(api, office, objection_id, upheld=True, reason="再议"), 409)


@pytest.mark.parametrize(
    ("role", "status"), [("worker_b", 403), ("official_a", 404), ("lead_a", 404)]
)
def test_only_the_office_decides_an_objection(api, naming_calls, objected, role, status):
    from tests.roles import person

    _application, objection_id = objected
    refused(_decide(api, person(naming_calls, role), objection_id, upheld=True, reason="x"), status)
    assert Objection.objects.get(pk=objection_id).status == Objection.Status.OPEN


def test_the_studio_never_learns_who_objected(api, naming_calls, objected):
    api.force_authenticate(naming_calls.studios.lead_a)
    assert api.get(OBJECTIONS).json()["results"] == []
    api.force_authenticate(naming_calls.studios.org.group_official)
    (row,) = api.get(OBJECTIONS).json()["results"]
    assert row["lodged_by"]["id"] == naming_calls.studios.org.worker_b.pk
