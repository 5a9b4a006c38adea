"""The live OpenAPI schema is true: schemathesis sends every operation a
generated request as an official, a worker and an anonymous client, and every
answer must be no server error and must match the schema (status, media type,
headers, body). In-process against the WSGI app and the test database; each
request runs in a savepoint that is rolled back, so what it creates is gone
before the next.

An operation on one record (`{id}`) is sent the id of a real record the role
sees (read from the resource's own list, as a client would), spread over the
records listed so that actions meet records in different states; a random id
would only ever meet a 404. Bounded: one generated request per operation (sent
as each role), a fixed seed, no shrinking (docs/testing.md)."""

import datetime
import zlib
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from accounts import services as account_services
from accounts.services import api_token_issue
from achievements import services as achievement_services
from apprenticeships import services as apprenticeship_services
from apprenticeships.models import Evaluation, Session
from competitions.models import Proposal
from naming import services as naming_services
from naming.models import NamingApplication
from reports import services as report_services
from reports.models import ReportRun
from studios import services as studio_services
from tests.achievements.api import new_achievement, new_problem
from tests.apprenticeships.conftest import SCORES, mentoring  # noqa: F401 (a shared level)
from tests.competitions.conftest import campaigns, proposal_maker  # noqa: F401 (a shared level)
from tests.competitions.states import proposal_reviewed, reviewer_panel
from tests.naming.conftest import bring_to, naming_calls  # noqa: F401 (a shared level)
from tests.showcase.conftest import make_story, publish
from tests.world import shared_data

pytestmark = [pytest.mark.django_db, pytest.mark.schema]

EXAMPLES_PER_OPERATION = 1
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The list that shows a resource's records, where it is not the resource's own.
LISTED_AT = {"/api/v1/profiles/": "/api/v1/people/"}


@shared_data(needs=("mentoring", "campaigns", "naming_calls", "provincial_list"))
def one_of_each(built):
    """Over the shared levels (studios, pairings, campaigns, naming calls, a
    recognition list), a record of every other kind the API serves by id, most
    of them in the dust studio led by `lead_a`, so the worker sees them too: an
    awarded proposal of theirs (reviews, award shares, notices) and a draft; a
    plan step, a session and an evaluation; a problem, an achievement (adopted
    elsewhere), a patent and a conference; an assessment and an honour; a
    naming application on public notice with an expert's review and an
    objection; a published story and a draft; a report run and a unit's
    messenger robot. (An HR import is left out: it would store its file.)"""
    world = built.get("mentoring")
    org, lead, today = world.org, world.lead_a, timezone.localdate()
    make_proposal = proposal_maker(built.get("campaigns"))
    panel = reviewer_panel(org)
    proposal_reviewed(
        Proposal.Status.AWARDED,
        org=org,
        make_proposal=make_proposal,
        reviewers=panel.experts[:3],
        author=lead,
    )
    make_proposal(lead, submit=False, title="刮板机链条张紧装置")
    pairing = world.active
    apprenticeship_services.milestone_create(
        pairing_id=pairing.pk, by=world.member_a, title="独立完成粉尘采样", due_on=today
    )
    apprenticeship_services.session_log(
        by=world.member_a,
        pairings=[pairing],
        held_on=today,
        hours=Decimal(2),
        format=Session.Format.ON_SITE,
        topic="呼吸性粉尘采样",
    )
    apprenticeship_services.evaluation_record(
        pairing_id=pairing.pk,
        by=world.member_a,
        level=Evaluation.Level.MENTOR_MONTHLY,
        period=f"{today:%Y-%m}",
        **SCORES,
    )
    problem = new_problem(world)
    achievement = new_achievement(world, origin_problem=problem)
    achievement_services.patent_create(
        by=lead,
        studio=world.dust,
        application_no="CN202110123456.7",
        title="一种综采面喷雾降尘装置",
        patent_type="invention",
        filed_on=datetime.date(2021, 3, 1),
        holder="A公司",
        inventors=[lead],
        achievement=achievement,
    )
    achievement_services.adoption_record(
        by=org.group_official, achievement=achievement, org_unit=org.company_b, adopted_on=today
    )
    achievement_services.conference_create(
        by=org.group_official, name="成果推广会", held_on=today, organiser=org.group
    )
    studio_services.assessment_record(
        by=org.official_a, studio=world.dust, year=today.year - 1, score=Decimal(80), grade="good"
    )
    studio_services.honour_create(
        by=org.group_official, recognition_list=built.get("provincial_list"), studio=world.dust
    )
    application = bring_to(built.get("naming_calls"), NamingApplication.Status.PUBLIC_NOTICE)
    naming_services.objection_lodge(by=org.worker_b, application=application, reason="人数不实")
    publish(make_story(org.official_a, people=[lead], studios=[world.dust]), org.official_a)
    make_story(lead, title="师徒三代", studios=[world.dust])
    report_services.report_run_request(
        by=org.group_official, kind=ReportRun.Kind.GROUP_OVERVIEW, year=today.year
    )
    account_services.unit_webhook_set(
        by=org.group_official,
        org_unit=org.group,
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=schema",
    )
    return SimpleNamespace(official=org.group_official, worker=lead)


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, minus the connection clean-up between requests that
    would close the test's open transaction (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema_document():
    return SchemaGenerator().get_schema(public=True)


@pytest.fixture
def api_schema(wsgi_app, schema_document):
    schema = schemathesis.openapi.from_dict(schema_document)
    schema.app = wsgi_app
    return schema


def visible_ids(wsgi_app, schema_document, headers: dict) -> dict[str, list]:
    """{"/api/v1/<resource>/": ids of the records the role sees there}, read
    from the first rows of each resource's list as the role."""
    client = Client(wsgi_app)
    ids = {}
    for path in schema_document["paths"]:
        resource = path.partition("{id}")[0]
        if resource == path or resource in ids:
            continue
        answer = client.get(
            LISTED_AT.get(resource, resource), query_string={"page_size": 10}, headers=headers
        )
        rows = answer.json["results"] if answer.status_code == 200 else []
        ids[resource] = [row["id"] for row in rows]
    return ids


@dataclass(frozen=True)
class Role:
    name: str
    headers: dict
    ids: dict  # what `visible_ids` read for it

    def path_parameters(self, case) -> dict:
        """The case's path, sent to a record this role sees (one chosen by the
        operation, so a resource's actions meet different records) if any."""
        parameters = dict(case.path_parameters or {})
        choices = (
            self.ids.get(case.operation.path.partition("{id}")[0]) if "id" in parameters else None
        )
        if choices:
            parameters["id"] = choices[zlib.crc32(case.operation.label.encode()) % len(choices)]
        return parameters


def _failures_of(operation, roles: list[Role]) -> list[str]:
    """One generated request for `operation`, sent as each role."""
    failures = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        generated = case.path_parameters
        for role in roles:
            case.path_parameters = role.path_parameters(case) if generated else generated
            savepoint = transaction.savepoint()
            try:
                response = case.call(headers=role.headers)
                case.validate_response(response, checks=CHECKS, headers=role.headers)
            except (Exception, FailureGroup) as failure:  # noqa: BLE001 - all reported together
                failures.append(
                    f"{operation.label} as {role.name} {case.path_parameters}: {failure}"
                )
            finally:
                transaction.savepoint_rollback(savepoint)
            case.path_parameters = generated

    run()
    return failures


def test_every_answer_matches_the_schema(wsgi_app, api_schema, schema_document, one_of_each):
    roles = [Role("anonymous", {}, {})]
    for name in ("official", "worker"):
        person = getattr(one_of_each, name)
        headers = {"Authorization": f"Token {api_token_issue(person=person).key}"}
        ids = visible_ids(wsgi_app, schema_document, headers)
        assert sum(map(bool, ids.values())) >= 20, ids  # most resources have a record to meet
        roles.append(Role(name, headers, ids))
    failures = []
    for result in api_schema.get_all_operations():
        failures += _failures_of(result.ok(), roles)
    assert not failures, "\n\n".join(failures)
