"""A naming application's change history (core.history): its insiders read it
(the studio, the officials over it, the office running the call), on its page
and through `naming-applications/{id}/history/`; a reader who only sees it
(its expert, anyone once on public notice) gets 403, an outsider 404; the list
costs the same queries however long the history; a JSON field's change reads
as its JSON."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from core.history import Via, recording
from naming import services
from naming.models import NamingApplication
from tests.roles import person

pytestmark = [pytest.mark.django_db, pytest.mark.history]

Status = NamingApplication.Status

ANSWERS = {
    "lead_a": 200,  # the applicant
    "member_a": 200,
    "official_a": 200,  # over the studio
    "group_official": 200,  # runs the call
    "admin": 200,
    "expert": 403,  # scores it, reads no history
    "official_b": 404,
    "worker_b": 404,
}


def history_url(application) -> str:
    return f"/api/v1/naming-applications/{application.pk}/history/"


def page(client, application):
    return client.get(reverse("naming:application-detail", args=[application.pk]))


@pytest.fixture
def reviewed(staged):
    """The dust studio's application under expert review, after three moves."""
    return staged.at[Status.UNDER_REVIEW]


@pytest.mark.parametrize(("role", "status"), ANSWERS.items())
def test_the_insiders_read_an_applications_history(api, staged, reviewed, role, status):
    api.force_authenticate(person(staged.naming_calls, role))
    assert api.get(history_url(reviewed)).status_code == status


def test_on_public_notice_everyone_sees_it_but_only_insiders_its_history(api, staged):
    noticed = staged.at[Status.PUBLIC_NOTICE]
    api.force_authenticate(staged.naming_calls.studios.org.worker_b)
    assert api.get(f"/api/v1/naming-applications/{noticed.pk}/").status_code == 200
    assert api.get(history_url(noticed)).status_code == 403


def test_the_facts_frozen_at_submission_read_as_their_json(api, staged, reviewed):
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    rows = api.get(history_url(reviewed), HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    with translation.override("en"):
        label = str(NamingApplication._meta.get_field("facts").verbose_name)
    frozen = next(change for row in rows for change in row["changes"] if change["field"] == label)
    assert json.loads(frozen["new"]) == reviewed.facts


def test_the_history_says_who_changed_the_statement_and_through_what(api, staged):
    draft = staged.at[Status.DRAFT]
    lead = staged.naming_calls.studios.lead_a
    with recording(via=Via.PAGE, actor=lead):
        services.naming_application_update(application_id=draft.pk, by=lead, statement="新的陈述")
    api.force_authenticate(staged.naming_calls.studios.org.official_a)
    latest = api.get(history_url(draft)).json()["results"][0]
    assert (latest["by"], latest["via"]) == (lead.pk, "page")
    assert [(c["old"], c["new"]) for c in latest["changes"]] == [(draft.statement, "新的陈述")]


def test_the_history_list_costs_the_same_queries_however_long(
    api, staged, django_assert_num_queries
):
    draft = staged.at[Status.DRAFT]
    lead = staged.naming_calls.studios.lead_a
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    api.get(history_url(draft))  # content types cached, as in a running site
    # the application with the viewer's access (scope), the count and the page
    # of entries with their actors, one query per kind of record they name
    # (the call, the studio, the applicant)
    with django_assert_num_queries(6):
        api.get(history_url(draft))
    for number in range(5):
        services.naming_application_update(
            application_id=draft.pk, by=lead, statement=f"第{number}稿"
        )
    with django_assert_num_queries(6):
        assert len(api.get(history_url(draft)).json()["results"]) == 6


@pytest.mark.parametrize(("role", "sees"), [("official_a", True), ("expert", False)])
def test_the_change_history_card_is_on_the_page_for_insiders(client, staged, reviewed, role, sees):
    client.force_login(person(staged.naming_calls, role))
    response = page(client, reviewed)
    assert response.status_code == 200
    assert ('id="changes"' in response.content.decode()) is sees
    if sees:
        assert response.context["changes"]["api_url"] == history_url(reviewed)


def test_an_outsider_gets_404_on_the_page(client, staged, reviewed):
    client.force_login(staged.naming_calls.studios.org.official_b)
    assert page(client, reviewed).status_code == 404
