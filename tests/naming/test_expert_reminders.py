"""The day an expert scores a naming application by (docs/naming.md,
docs/notices.md): set by the office when it asks them, kept by whoever
replaces them; the daily sweep reminds the expert three days before it and
once it has passed, and then tells the office running the call too; nobody
twice, nobody who has scored or was taken off."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from naming import services
from naming.models import ExpertAssignment, NamingApplication
from naming.services.reminders import ExpertReminders, expert_reminders_send
from notices.models import Notice
from studios.models import Membership
from tests.api_answers import field_errors
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = NamingApplication.Status
BASE = "/api/v1/naming-applications/"


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def under_review_by(staged, due_on) -> NamingApplication:
    """The staged application under review, its expert to score by `due_on`."""
    application = staged.at[Status.UNDER_REVIEW]
    ExpertAssignment.objects.filter(application=application).update(due_on=due_on)
    return application


def told(kind: str) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__employee_no", flat=True))


def test_the_expert_hears_three_days_before_the_day_and_only_once(staged):
    under_review_by(staged, in_days(2))

    first, again = expert_reminders_send(), expert_reminders_send()

    assert (first.due_soon, first.overdue, first.office) == (1, 0, 0)
    assert (again.due_soon, again.overdue, again.office) == (0, 0, 0)
    assert told("naming.score_due") == ["expert"]
    notice = Notice.objects.get(kind="naming.score_due")
    assert in_days(2).isoformat() in notice.params["due"]


def test_a_day_further_off_waits(staged):
    under_review_by(staged, in_days(4))
    assert expert_reminders_send().due_soon == 0
    # The sweep three days later tells them, as it would on that day
    assert expert_reminders_send(today=in_days(1)).due_soon == 1


def test_once_the_day_has_passed_the_expert_and_the_office_hear_once(staged):
    application = under_review_by(staged, in_days(-1))

    first, again = expert_reminders_send(), expert_reminders_send()

    assert (first.overdue, first.office) == (1, 1)
    assert (again.overdue, again.office) == (0, 0)
    assert told("naming.score_overdue") == ["expert"]
    office = Notice.objects.get(kind="naming.score_overdue_office")
    assert office.recipient == staged.naming_calls.studios.org.group_official
    assert office.params["experts"] == staged.naming_calls.expert.full_name
    assert office.record_id == application.pk


def two_experts_late(staged) -> NamingApplication:
    """The staged application under review, its expert and `colleague_a` asked,
    the day to score by yesterday."""
    application = staged.at[Status.UNDER_REVIEW]
    org = staged.naming_calls.studios.org
    services.naming_experts_assign(
        application_id=application.pk, by=org.group_official, experts=[org.colleague_a]
    )
    ExpertAssignment.objects.filter(application=application).update(due_on=in_days(-1))
    return application


def test_an_expert_who_has_scored_is_not_reminded_nor_named_to_the_office(staged):
    application = two_experts_late(staged)
    org = staged.naming_calls.studios.org
    services.naming_review_submit(
        application_id=application.pk, by=staged.naming_calls.expert, scores=[30, 40]
    )

    sent = expert_reminders_send()

    assert told("naming.score_overdue") == [org.colleague_a.employee_no]
    office = Notice.objects.get(kind="naming.score_overdue_office")
    assert office.params["experts"] == org.colleague_a.full_name
    assert (sent.overdue, sent.office) == (1, 1)


def test_a_replacement_keeps_a_day_to_come_and_not_one_that_has_passed(api, staged):
    org = staged.naming_calls.studios.org
    api.force_authenticate(org.group_official)
    application = two_experts_late(staged)
    replace = f"{BASE}{application.pk}/replace-expert/"
    body = {"expert": staged.naming_calls.expert.pk, "reason": "专家出差，改由他人评审。"}

    # Replaced because the day passed: the replacement is not late on arrival
    taken = api.post(replace, {**body, "replacement": org.official_a.pk}, format="json")
    assert taken.status_code == 200, taken.content
    current = ExpertAssignment.objects.get(application=application, expert=org.official_a)
    assert current.due_on is None
    expert_reminders_send()
    assert org.official_a.employee_no not in told("naming.score_overdue")

    # A day named with the replacement is theirs; a day to come is kept
    ExpertAssignment.objects.filter(application=application).update(due_on=in_days(5))
    again = {"expert": org.official_a.pk, "reason": "再次调整评审专家。", "due_on": None}
    api.post(replace, {**again, "replacement": org.worker_b.pk}, format="json")
    assert ExpertAssignment.objects.get(expert=org.worker_b).due_on == in_days(5)
    body = {"expert": org.worker_b.pk, "reason": "又一次调整。", "due_on": in_days(9).isoformat()}
    api.post(replace, {**body, "replacement": staged.naming_calls.expert.pk}, format="json")
    latest = ExpertAssignment.objects.get(
        application=application, expert=staged.naming_calls.expert, ended_at__isnull=True
    )
    assert latest.due_on == in_days(9)


def test_an_official_of_the_applying_studio_is_not_told_who_is_late(staged):
    # Given the official who runs the call is also a member of the studio applying
    application = under_review_by(staged, in_days(-1))
    office = staged.naming_calls.studios.org.group_official
    Membership.objects.create(studio=application.studio, person=office, role=Membership.Role.MEMBER)

    sent = expert_reminders_send()

    # Then the expert hears, but the experts' names do not reach that official
    assert told("naming.score_overdue") == ["expert"]
    assert sent.office == 0
    assert not Notice.objects.filter(kind="naming.score_overdue_office").exists()


def test_nobody_is_reminded_without_a_day(staged):
    under_review_by(staged, None)
    assert expert_reminders_send() == ExpertReminders(due_soon=0, overdue=0, office=0)
    assert not Notice.objects.filter(kind__startswith="naming.score").exists()


def test_the_office_names_the_day_when_it_asks_and_a_past_one_is_refused(api, staged):
    application = staged.at[Status.RECOMMENDED]
    org = staged.naming_calls.studios.org
    api.force_authenticate(org.group_official)
    assign = f"{BASE}{application.pk}/assign-experts/"
    body = {"experts": [staged.naming_calls.expert.pk]}

    refused = api.post(assign, {**body, "due_on": in_days(-1).isoformat()}, format="json")
    assert "due_on" in field_errors(refused)
    assert NamingApplication.objects.get(pk=application.pk).status == Status.RECOMMENDED

    taken = api.post(assign, {**body, "due_on": in_days(10).isoformat()}, format="json")
    assert taken.status_code == 200, taken.content
    assert ExpertAssignment.objects.get(application=application).due_on == in_days(10)


def test_the_pages_show_the_day_to_the_office_and_the_expert(as_person, staged):
    application = under_review_by(staged, in_days(-1))
    office = as_person(staged.naming_calls.studios.org.group_official)
    url = reverse("naming:application-detail", args=[application.pk])
    html = office.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    late = f'<span class="text-danger" data-testid="due-on">by {in_days(-1):%Y-%m-%d}</span>'
    assert late in html.decode()
    home = as_person(person(staged.naming_calls, "expert")).get(reverse("reports:home"))
    group = next(g for g in home.context["needs_action"] if g.key == "naming-scores")
    assert any(f"{in_days(-1):%Y-%m-%d}" in item.note for item in group.items)


def test_the_office_names_the_day_on_the_page_and_a_past_one_is_refused_beside_it(
    as_person, staged
):
    application = staged.at[Status.RECOMMENDED]
    client = as_person(staged.naming_calls.studios.org.group_official)
    move = reverse("naming:application-move", args=[application.pk, "experts"])

    refused = client.post(move, {"experts_key": "expert", "due_on": in_days(-3).isoformat()})
    assert refused.status_code == 400
    assert "评分截止日期不能早于今天。" in refused.content.decode()
    assert not application.assignments.exists()

    taken = client.post(move, {"experts_key": "expert", "due_on": in_days(7).isoformat()})
    assert taken.status_code == 302
    assert application.assignments.get().due_on == in_days(7)
