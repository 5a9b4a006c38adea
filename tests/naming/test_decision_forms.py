"""The office's irreversible forms on an application's page (the decision, the
outside result, an objection's decision): each starts on no choice, asks before
it is sent, and a rejection says it needs its reason."""

import re

import pytest
from django.urls import reverse

from naming import services
from naming.models import NamingApplication, Objection
from tests.page_html import error_beside, form_of

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status


def page(application, move=None):
    if move:
        return reverse("naming:application-move", args=[application.pk, move])
    return reverse("naming:application-detail", args=[application.pk])


def options(form_html: str, name: str) -> list[tuple[str, str]]:
    """(value, other attributes) of each option of the select `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', form_html, re.S)[1]
    return re.findall(r'<option value="([^"]*)"([^>]*)>', select)


def starts_on_no_choice(form_html: str, name: str) -> bool:
    listed = options(form_html, name)
    chosen = [value for value, attrs in listed if "selected" in attrs]
    return listed[0][0] == "" and chosen in ([], [""])


def submit_button(form_html: str) -> str:
    return re.search(r'<button type="submit"[^>]*>', form_html)[0]


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW])
def test_a_rejection_starts_unchosen_needs_its_reason_and_asks_first(as_person, staged, status):
    application = staged.at[status]
    office = as_person(staged.naming_calls.studios.org.group_official)

    html = office.get(page(application)).content.decode()

    form = form_of(html, page(application, "decide"))
    assert starts_on_no_choice(form, "outcome")
    assert [value for value, _ in options(form, "outcome")] == ["", Status.REJECTED]
    # rejection is the only decision here: its reason is marked required
    reason = re.search(r'<textarea name="reason"[^>]*>', form)[0]
    assert " required" in reason
    button = submit_button(form)
    assert 'data-confirm="' in button and 'data-confirm-with="reason"' in button


def test_a_decision_posted_without_a_choice_changes_nothing(as_person, staged):
    application = staged.at[Status.SUBMITTED]
    office = as_person(staged.naming_calls.studios.org.group_official)

    answer = office.post(page(application, "decide"), {"outcome": "", "reason": "材料不全"})

    assert answer.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_rejection_without_a_reason_is_refused_beside_the_reason(as_person, staged):
    application = staged.at[Status.PUBLIC_NOTICE]
    office = as_person(staged.naming_calls.studios.org.group_official)
    html = office.get(page(application)).content.decode()
    form = form_of(html, page(application, "decide"))
    # named and rejected both offered: none chosen, the reason required for a rejection
    assert starts_on_no_choice(form, "outcome")
    assert len(options(form, "outcome")) == 3

    answer = office.post(page(application, "decide"), {"outcome": Status.REJECTED, "reason": " "})

    assert answer.status_code == 400
    error_beside(
        form_of(answer.content.decode(), page(application, "decide")), "reason", "请填写理由。"
    )
    application.refresh_from_db()
    assert application.status == Status.PUBLIC_NOTICE


def test_the_outside_result_starts_unchosen_and_asks_first(as_person, bring, naming_calls):
    application = bring(Status.RECOMMENDED_UPWARD, call=naming_calls.provincial)
    office = as_person(naming_calls.studios.org.group_official)

    html = office.get(page(application)).content.decode()

    form = form_of(html, page(application, "result"))
    assert starts_on_no_choice(form, "named")
    assert 'data-confirm="' in submit_button(form)
    answer = office.post(page(application, "result"), {"named": ""})
    assert answer.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED_UPWARD


def test_an_objections_decision_starts_unchosen_and_asks_first(as_person, staged):
    application = staged.at[Status.PUBLIC_NOTICE]
    org = staged.naming_calls.studios.org
    objection = services.objection_lodge(
        application=application, by=org.worker_b, reason="数据不实"
    )
    office = as_person(org.group_official)

    html = office.get(page(application)).content.decode()

    action = reverse("naming:objection-decide", args=[objection.pk])
    form = form_of(html, action)
    assert starts_on_no_choice(form, "upheld")
    button = submit_button(form)
    assert 'data-confirm="' in button and 'data-confirm-with="reason"' in button
    answer = office.post(action, {"upheld": "", "reason": "核查属实"})
    assert answer.status_code == 400
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN
