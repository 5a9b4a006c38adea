"""`?format=` is a list filter like any other (a session's format), not DRF's
renderer override, which answered 404 to everyone who used it."""

import pytest

from apprenticeships.models import Session
from tests.api_answers import field_errors, ids
from tests.apprenticeships import conftest as apprenticeships
from tests.apprenticeships.api import SESSIONS, sign_in
from tests.apprenticeships.test_plan_api import session_body

pytestmark = pytest.mark.django_db

mentoring = apprenticeships.mentoring


@pytest.fixture
def logged(api, mentoring):
    """The mentor has logged an on-site session and a theory one."""
    mentor = sign_in(api, mentoring, "member_a")
    return {
        kind: mentor.post(
            SESSIONS, session_body(mentoring.active, format=kind), format="json"
        ).json()["id"]
        for kind in (Session.Format.ON_SITE, Session.Format.THEORY)
    }


@pytest.mark.parametrize("reader", ["member_a", "apprentice_a", "official_a"])
def test_the_session_list_filters_on_its_format(api, mentoring, logged, reader):
    response = sign_in(api, mentoring, reader).get(SESSIONS, {"format": "on_site"})
    assert response.status_code == 200
    assert ids(response) == {logged[Session.Format.ON_SITE]}


def test_a_format_that_is_not_one_is_400_naming_it(api, mentoring):
    response = sign_in(api, mentoring, "member_a").get(SESSIONS, {"format": "json"})
    assert "format" in field_errors(response)


@pytest.mark.parametrize("value", ["xlsx", "csv", "json"])
def test_report_runs_answer_their_list_whatever_the_format(api, org, value):
    api.force_authenticate(org.group_official)
    assert api.get("/api/v1/report-runs/", {"format": value}).status_code == 200
