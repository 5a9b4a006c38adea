"""The call's conditions against the studio's records: shown before submitting,
each failed one explained, overridden only by an official with a reason, and
frozen with the studio's facts at submission."""

import datetime

import pytest
from django.utils import timezone

from naming import services
from naming.models import Level, NamingApplication
from naming.selectors import eligibility_now
from studios import services as studio_services
from studios.models import Membership
from tests.api_answers import refused, url
from tests.naming.conftest import RUBRIC

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"


@pytest.fixture
def strict_call(naming_calls):
    """A provincial call whose every condition the dust studio fails (founded
    2020, two members, no honours, no output)."""
    org = naming_calls.studios.org
    return services.naming_call_create(
        by=org.group_official,
        title="省级示范工作室",
        level=Level.PROVINCIAL,
        year=2026,
        org_unit=org.group,
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        quota=1,
        rubric=RUBRIC,
        min_years_founded=10,
        leader_honour_level=Level.PROVINCIAL,
        prior_level=Level.MUNICIPAL,
        min_members=5,
        min_output=2,
    )


def _draft(call, studios):
    return services.naming_application_create(by=studios.lead_a, call=call, studio=studios.dust)


def test_each_failed_condition_is_explained_before_submitting(strict_call, naming_calls):
    checks = eligibility_now(strict_call, naming_calls.studios.dust)
    assert [(c.code, c.passed) for c in checks] == [
        ("years_founded", False),
        ("leader_honour", False),
        ("prior_title", False),
        ("members", False),
        ("output", False),
    ]
    text = {c.code: c.explanation for c in checks}
    assert "2020-05-01" in text["years_founded"] and "10" in text["years_founded"]
    assert "2 " in text["members"] or "2" in text["members"]


def test_the_draft_page_shows_the_checks_with_their_reasons(as_person, strict_call, naming_calls):
    application = _draft(strict_call, naming_calls.studios)
    page = as_person(naming_calls.studios.lead_a).get(
        f"/studios/naming/applications/{application.pk}/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("years_founded", "leader_honour", "prior_title", "members", "output"):
        assert f'data-testid="check-{code}"' in html
    assert "✗" in html and "2020-05-01" in html


def test_a_met_condition_passes_with_its_evidence(naming_calls, provincial_list):
    studios = naming_calls.studios
    org = studios.org
    studio_services.honour_create(
        by=org.group_official,
        recognition_list=provincial_list,
        person=studios.lead_a,
        personal_title="model_worker",
    )
    studio_services.membership_add(
        studio_id=studios.dust.pk,
        by=org.group_official,
        person=org.worker_a,
        role=Membership.Role.MEMBER,
    )
    call = naming_calls.enterprise
    call.leader_honour_level = Level.PROVINCIAL
    call.min_members = 3
    checks = {c.code: c for c in eligibility_now(call, studios.dust)}
    assert (
        checks["leader_honour"].passed
        and provincial_list.title in checks["leader_honour"].explanation
    )
    assert checks["members"].passed and checks["years_founded"].passed


def test_a_revoked_title_is_no_longer_held(naming_calls, provincial_list):
    studios = naming_calls.studios
    official = studios.org.group_official
    studio_services.honour_create(
        by=official, recognition_list=provincial_list, studio=studios.dust
    )
    call = naming_calls.enterprise
    call.prior_level = Level.MUNICIPAL
    assert {c.code: c.passed for c in eligibility_now(call, studios.dust)}["prior_title"]
    studio_services.studio_delist(studio_id=studios.dust.pk, by=official, reason="连续两年无成果")
    check = {c.code: c for c in eligibility_now(call, studios.dust)}["prior_title"]
    assert not check.passed
    assert provincial_list.title not in check.explanation


def test_submitting_a_failing_application_is_refused_with_every_reason(
    api, strict_call, naming_calls
):
    application = _draft(strict_call, naming_calls.studios)
    api.force_authenticate(naming_calls.studios.lead_a)
    answer = api.post(url(BASE, application, "submit"), {}, format="json")
    assert answer.status_code == 400
    reasons = answer.json()["errors"]["eligibility"]
    assert len(reasons) == 5
    application.refresh_from_db()
    assert (application.status, application.facts) == (Status.DRAFT, {})


def test_a_lead_cannot_override_the_checks(api, strict_call, naming_calls):
    application = _draft(strict_call, naming_calls.studios)
    api.force_authenticate(naming_calls.studios.lead_a)
    body = {"eligibility_override": "我们很优秀"}
    refused(api.post(url(BASE, application, "submit"), body, format="json"), 403)


def test_an_official_overrides_with_a_reason_that_is_kept(api, strict_call, naming_calls):
    official = naming_calls.studios.org.official_a
    application = _draft(strict_call, naming_calls.studios)
    api.force_authenticate(official)
    body = {"eligibility_override": "重大技术突破，破格推荐"}
    answer = api.post(url(BASE, application, "submit"), body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["eligibility_override"] == "重大技术突破，破格推荐"
    application.refresh_from_db()
    assert (application.status, application.overridden_by) == (Status.SUBMITTED, official)
    assert "重大技术突破，破格推荐" in application.events.get().note
    # the checks stay on the record as they failed
    assert [c["passed"] for c in answer.json()["eligibility"]] == [False] * 5


def test_the_facts_are_frozen_at_submission(api, bring, naming_calls):
    studios = naming_calls.studios
    application = bring(Status.SUBMITTED)
    assert application.facts["members"] == 2
    assert application.facts["founded_on"] == "2020-05-01"
    studio_services.membership_end(
        membership_id=studios.dust.memberships.get(person=studios.member_a).pk,
        by=studios.org.group_official,
    )
    api.force_authenticate(studios.org.group_official)
    answer = api.get(url(BASE, application))
    assert answer.json()["facts"]["members"] == 2
    assert {c["code"]: c["passed"] for c in answer.json()["eligibility"]}["members"] is True


def test_outsiders_on_the_notice_see_no_facts_or_checks(api, bring, naming_calls):
    application = bring(Status.PUBLIC_NOTICE)
    api.force_authenticate(naming_calls.studios.org.worker_b)
    body = api.get(url(BASE, application)).json()
    assert body["status"] == Status.PUBLIC_NOTICE
    assert not {"facts", "eligibility", "eligibility_override", "visit_findings"} & set(body)
