"""A naming application's change history (core.history): its insiders read it
(the studio, the officials over it, the office running the call), on its page
and through `naming-applications/{id}/history/`; a reader who only sees it
(its expert, anyone once on public notice) gets 403, an outsider 404; the list
costs the same queries however long the history. What the reader sees is in
their language: the facts frozen at submission (a JSON object) read as
recorded, not as their JSON (the page's conditions show them), the call, the
studio and the applicant by their names, the moment of submission in local
time to the minute."""

import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst

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


def test_the_facts_frozen_at_submission_read_as_recorded_not_as_json(api, staged, reviewed):
    api.force_authenticate(staged.naming_calls.studios.org.group_official)
    rows = api.get(history_url(reviewed), HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    frozen = [
        change
        for row in rows
        for change in row["changes"]
        if change["field"] == "Facts at submission"
    ]
    assert [(change["old"], change["new"]) for change in frozen] == [("—", "recorded")]


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
    # through the viewer's scope (the call, with the viewer's own unit its
    # scope reads, the studio, the applicant)
    with django_assert_num_queries(7):
        api.get(history_url(draft))
    for number in range(5):
        services.naming_application_update(
            application_id=draft.pk, by=lead, statement=f"第{number}稿"
        )
    with django_assert_num_queries(7):
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


# --- What the reader sees, in their language -----------------------------------------


def changes_read(rows, action) -> dict:
    """{field: (old, new)} of the application's own entry of `action`."""
    row = next(row for row in rows if row["action"] == action and row["record_kind"] in KINDS)
    return {change["field"]: (change["old"], change["new"]) for change in row["changes"]}


KINDS = {"naming application", "命名申报"}


@pytest.fixture
def submitted(bring, naming_calls):
    """The dust studio's application created as a draft by its lead, its
    statement changed, then submitted (its facts frozen)."""
    lead = naming_calls.studios.lead_a
    draft = bring(Status.DRAFT)
    with recording(via=Via.PAGE, actor=lead):
        services.naming_application_update(
            application_id=draft.pk, by=lead, statement="修改后的陈述"
        )
        services.naming_application_submit(application_id=draft.pk, by=lead)
    return NamingApplication.objects.get(pk=draft.pk)


@pytest.mark.parametrize(
    ("language", "labels", "words"),
    [
        (
            "zh-hans",
            ("命名通知", "工作室", "申报人", "状态", "申报时情况", "提交时间"),
            ("草稿", "已提交", "已记录"),
        ),
        (
            "en",
            ("Call", "Studio", "Applicant", "Status", "Facts at submission", "Submitted at"),
            ("Draft", "Submitted", "recorded"),
        ),
    ],
)
@pytest.mark.parametrize("role", ["lead_a", "group_official"])
def test_an_application_created_then_submitted_reads_in_the_readers_language(
    api, client, naming_calls, submitted, language, labels, words, role
):
    call, studio, applicant, status, facts, submitted_at = labels
    draft, sent, recorded = words
    reader = person(naming_calls, role)
    api.force_authenticate(reader)
    rows = api.get(history_url(submitted), HTTP_ACCEPT_LANGUAGE=language).json()["results"]
    created, submission = changes_read(rows, "create"), changes_read(rows, "update")
    with translation.override(language):
        moment = formats.date_format(timezone.localtime(submitted.submitted_at), "DATETIME_FORMAT")
        own = {capfirst(f.verbose_name) for f in NamingApplication._meta.concrete_fields}
    # Its own fields only (no reviews, objections or events), no id
    assert set(created) <= own - {"ID"}
    assert created[call] == ("—", submitted.call.title)
    assert created[studio] == ("—", submitted.studio.name)
    assert created[applicant] == ("—", str(submitted.applicant))
    assert created[status] == ("—", draft)
    assert facts not in created  # none yet
    assert submission[status] == (draft, sent)
    assert submission[facts] == ("—", recorded)
    assert submission[submitted_at] == ("—", moment)
    assert not re.search(r"\d:\d\d:\d\d|\d\.\d", moment)  # to the minute
    client.force_login(reader)
    entries = client.get(
        reverse("naming:application-detail", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).context["changes"]["entries"]
    # The page reads as the API does, entry by entry.
    assert [[(c.field, c.old, c.new) for c in e.changes] for e in entries] == [
        [(c["field"], c["old"], c["new"]) for c in row["changes"]] for row in rows
    ]


def test_the_moment_of_submission_reads_in_chinese_as_a_date_and_a_time(
    api, naming_calls, submitted
):
    api.force_authenticate(naming_calls.studios.org.group_official)
    rows = api.get(history_url(submitted), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    local = timezone.localtime(submitted.submitted_at)
    expected = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert changes_read(rows, "update")["提交时间"] == ("—", expected)
