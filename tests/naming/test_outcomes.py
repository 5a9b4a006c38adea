"""The decision after the notice: an enterprise call names the studio on the
group's own list, a higher call recommends it upward; the call's places, the
notice's days and open objections hold the decision back."""

import pytest

from naming import services
from naming.models import NamingApplication, Objection
from studios.models import Honour, RecognitionList, Studio
from tests.api_answers import refused, url
from tests.naming.conftest import notice_over

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"


def _decide(api, application, outcome):
    return api.post(url(BASE, application, "decide"), {"outcome": outcome}, format="json")


def test_named_at_enterprise_level_puts_the_studio_on_the_groups_list(api, bring, naming_calls):
    application = bring(Status.PUBLIC_NOTICE)
    notice_over(application)
    api.force_authenticate(naming_calls.studios.org.group_official)
    assert _decide(api, application, "named").json()["status"] == Status.NAMED
    call = type(naming_calls.enterprise).objects.get(pk=naming_calls.enterprise.pk)
    group_list = call.recognition_list
    assert (group_list.level, group_list.total_named) == (RecognitionList.Level.ENTERPRISE, 2)
    assert Honour.objects.filter(
        recognition_list=group_list, studio=naming_calls.studios.dust
    ).exists()
    assert Studio.objects.get(pk=naming_calls.studios.dust.pk).status == Studio.Status.NAMED


def test_the_second_naming_of_a_call_uses_the_same_list(api, bring, naming_calls):
    api.force_authenticate(naming_calls.studios.org.group_official)
    for studio in (naming_calls.studios.dust, naming_calls.studios.washing):
        application = bring(Status.PUBLIC_NOTICE, studio=studio)
        notice_over(application)
        assert _decide(api, application, "named").status_code == 200
    assert RecognitionList.objects.filter(level="enterprise").count() == 1
    assert RecognitionList.objects.get().honours.count() == 2


@pytest.mark.parametrize(
    ("call", "outcome"), [("enterprise", "recommended_upward"), ("provincial", "named")]
)
def test_the_outcome_must_fit_the_calls_level(api, bring, naming_calls, call, outcome):
    application = bring(Status.PUBLIC_NOTICE, call=getattr(naming_calls, call))
    notice_over(application)
    api.force_authenticate(naming_calls.studios.org.group_official)
    answer = _decide(api, application, outcome)
    assert answer.status_code == 400 and "outcome" in answer.json()["errors"]


def test_no_decision_while_the_notice_runs(api, bring, naming_calls):
    application = bring(Status.PUBLIC_NOTICE)
    api.force_authenticate(naming_calls.studios.org.group_official)
    body = refused(_decide(api, application, "named"), 409)
    assert application.notice_ends_on.isoformat() in body["detail"]


def test_the_last_place_taken_refuses_another(api, bring, naming_calls):
    studios = naming_calls.studios
    api.force_authenticate(studios.org.group_official)
    waiting = []
    for studio in (studios.dust, studios.washing, studios.turbine):
        application = bring(Status.PUBLIC_NOTICE, studio=studio)
        notice_over(application)
        waiting.append(application)
    assert _decide(api, waiting[0], "named").status_code == 200
    assert _decide(api, waiting[1], "named").status_code == 200
    refused(_decide(api, waiting[2], "named"), 409)
    # a rejection takes no place and is always possible
    rejected = api.post(
        url(BASE, waiting[2], "decide"),
        {"outcome": "rejected", "reason": "名额已满"},
        format="json",
    )
    assert rejected.json()["status"] == Status.REJECTED


def test_an_open_objection_holds_the_decision(api, bring, naming_calls):
    application = bring(Status.PUBLIC_NOTICE)
    services.objection_lodge(
        by=naming_calls.studios.org.worker_b, application=application, reason="数据不实"
    )
    notice_over(application)
    api.force_authenticate(naming_calls.studios.org.group_official)
    refused(_decide(api, application, "named"), 409)
    objection = Objection.objects.get()
    services.objection_decide(
        objection_id=objection.pk,
        by=naming_calls.studios.org.group_official,
        upheld=False,
        reason="经核实无误",
    )
    assert _decide(api, application, "named").status_code == 200
