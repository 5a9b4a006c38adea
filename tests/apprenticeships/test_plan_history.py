"""The change history of a plan step and of a session (core.history): read by
the office over the pairing (the studio's leader, the officials over it),
refused to the mentor and the apprentice (403), unknown outside (404); on the
page, a step's history on its edit page and a session's on its pairing's page;
the API's list costs the same queries however long the history."""

import pytest
from django.urls import reverse

from apprenticeships import services
from apprenticeships.models import Milestone, Session
from core.history import Via, recording
from tests.apprenticeships.api import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.history]

# Who reads `mentoring.active`'s step and session history, and what the others get.
ANSWERS = {
    "lead_a": 200,
    "official_a": 200,
    "group_official": 200,
    "admin": 200,
    "member_a": 403,  # the mentor
    "apprentice_a": 403,
    "official_b": 404,
    "lead_b": 404,
}


def history_url(record) -> str:
    kind = {Milestone: "milestones", Session: "sessions"}[type(record)]
    return f"/api/v1/{kind}/{record.pk}/history/"


def renamed(step, by, title):
    with recording(via=Via.PAGE, actor=by):
        services.milestone_update(milestone_id=step.pk, by=by, title=title)


@pytest.mark.parametrize(("role", "status"), ANSWERS.items())
def test_the_office_over_the_pairing_reads_a_steps_and_a_sessions_history(
    api, mentoring, step, session, role, status
):
    sign_in(api, mentoring, role)
    for record in (step, session):
        assert api.get(history_url(record)).status_code == status, record


def test_a_steps_history_says_who_changed_what(api, mentoring, step):
    renamed(step, mentoring.member_a, "独立完成呼吸性粉尘采样")
    sign_in(api, mentoring, "official_a")
    latest = api.get(history_url(step), HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert (latest["by"], latest["via"]) == (mentoring.member_a.pk, "page")
    assert {"field": "Title", "old": "独立完成粉尘采样", "new": "独立完成呼吸性粉尘采样"} in (
        latest["changes"]
    )


def test_a_sessions_history_holds_the_apprentices_confirmation(api, mentoring, session):
    with recording(via=Via.API, actor=mentoring.apprentice_a):
        services.session_confirm(session_id=session.pk, by=mentoring.apprentice_a)
    sign_in(api, mentoring, "lead_a")
    latest = api.get(history_url(session)).json()["results"][0]
    assert (latest["by"], latest["via"], latest["action"]) == (
        mentoring.apprentice_a.pk,
        "api",
        "update",
    )


# The record through the viewer's scope (a session with its attendances), the
# right to read its history, the count and the page of entries with their
# actors, then one query per kind of record the entries name that the viewer
# may see, the record itself aside: a step's pairing; a session's mentor, and
# its attendances' pairing.
QUERIES = {"step": 5, "session": 7}


def test_the_history_lists_cost_the_same_queries_however_long(
    api, mentoring, step, session, django_assert_num_queries
):
    records = {"step": step, "session": session}
    sign_in(api, mentoring, "official_a")
    for record in records.values():
        api.get(history_url(record))  # content types cached, as in a running site
    for name, record in records.items():
        with django_assert_num_queries(QUERIES[name]):
            api.get(history_url(record))
    for number in range(5):
        renamed(step, mentoring.member_a, f"第{number}步")
        with recording(via=Via.ADMIN, actor=mentoring.org.admin):  # no service edits a session
            Session.objects.filter(pk=session.pk).update(hours=number + 1)
    for name, record in records.items():
        with django_assert_num_queries(QUERIES[name]):
            assert len(api.get(history_url(record)).json()["results"]) >= 6


# --- On the pages -------------------------------------------------------------------


def test_the_office_sees_a_steps_history_on_its_edit_page_and_the_mentor_does_not(
    client, mentoring, step
):
    renamed(step, mentoring.member_a, "独立完成呼吸性粉尘采样")
    page = reverse("apprenticeships:milestone-edit", args=[step.pk])
    client.force_login(mentoring.lead_a)
    response = client.get(page)
    assert response.status_code == 200
    assert 'id="changes"' in response.content.decode()
    assert response.context["changes"]["api_url"] == history_url(step)
    client.force_login(mentoring.member_a)  # the mentor plans the steps
    response = client.get(page)
    assert response.status_code == 200
    assert 'id="changes"' not in response.content.decode()


def test_a_sessions_changes_are_in_its_pairings_history_on_the_pairing_page(
    client, mentoring, session
):
    client.force_login(mentoring.org.official_a)
    response = client.get(reverse("apprenticeships:pairing-detail", args=[mentoring.active.pk]))
    kinds = {entry.record_kind for entry in response.context["changes"]["entries"]}
    assert str(Session._meta.verbose_name) in kinds
    assert session.topic in response.content.decode()
