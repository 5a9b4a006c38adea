# ruff: noqa: F811  (the competitions fixtures are imported, then asked for by name)
"""The reminder sweeps (docs/notices.md): reviews due in three days and
overdue, evaluations due at each level. Each runs twice in a row and after
days of downtime and tells each person once; nobody outside the record, and a
blind reviewer never learns the authors, the code or the unit."""

import datetime

import pytest
from django.conf import settings

from apprenticeships.models import Evaluation
from apprenticeships.periods import period_end, period_of
from apprenticeships.services.reminders import evaluations_due_notify
from competitions import services
from competitions.models import Campaign, Proposal
from competitions.services.reminders import review_reminders_send
from notices.models import Notice
from tests.competitions.conftest import (  # noqa: F401
    at,
    campaigns,
    make_proposal,
    panel,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
DUE, OVERDUE = "competitions.review_due", "competitions.review_overdue"
OFFICE_OVERDUE = "competitions.review_overdue_office"
EVALUATION = "apprenticeships.evaluation_due"


@pytest.fixture(autouse=True)
def _nothing_told_yet(db):
    """The shared levels are built through the services, which tell people
    about them; each test starts from no notice (rolled back after it)."""
    Notice.objects.all().delete()


def told(kind) -> list[str]:
    """Who was told, one name per notice (a person told twice shows twice)."""
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__employee_no", flat=True))


@pytest.fixture
def late_review(at, panel):
    """Worker_a's proposal under review: three experts reviewed, the fourth not."""
    proposal = at(Proposal.Status.UNDER_REVIEW)
    Notice.objects.all().delete()  # the submission's and the assignments'
    return proposal, panel.experts[3], proposal.assignments.get(reviewer=panel.experts[3]).due_on


def test_the_beat_schedule_runs_both_sweeps_daily():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "competitions.tasks.send_review_reminders" in tasks
    assert "apprenticeships.tasks.send_evaluation_reminders" in tasks


def test_a_review_due_in_three_days_reminds_its_reviewer_once(late_review):
    proposal, expert, due_on = late_review
    assert review_reminders_send(today=due_on - 4 * DAY).due_soon == 0  # not yet
    assert review_reminders_send(today=due_on - 3 * DAY).due_soon == 1
    assert review_reminders_send(today=due_on - 3 * DAY).due_soon == 0  # beat twice
    assert review_reminders_send(today=due_on - DAY).due_soon == 0  # days later
    # Only the one who has not reviewed: not the three who did, not the authors
    # or the office (nothing is late yet).
    assert told(DUE) == [expert.employee_no]
    assert not Notice.objects.exclude(kind=DUE).exists()
    notice = Notice.objects.get(kind=DUE)
    assert notice.url == f"/competitions/proposals/{proposal.pk}/"
    assert proposal.title in notice.text


def test_a_sweep_missed_for_days_still_sends_the_reminder_once(late_review):
    _proposal, expert, due_on = late_review
    review_reminders_send(today=due_on - 5 * DAY)  # before the window
    # Down from the third day before to the day before: the reminder is not lost.
    assert review_reminders_send(today=due_on - DAY).due_soon == 1
    review_reminders_send(today=due_on)
    assert told(DUE) == [expert.employee_no]


def test_an_overdue_review_tells_the_reviewer_and_the_nearest_office_once(org, late_review):
    _proposal, expert, due_on = late_review
    first = review_reminders_send(today=due_on + DAY)
    assert (first.overdue, first.office) == (1, 1)
    again = review_reminders_send(today=due_on + DAY)
    after_downtime = review_reminders_send(today=due_on + 3 * DAY)
    assert (again.overdue, again.office, after_downtime.overdue, after_downtime.office) == (
        0,
        0,
        0,
        0,
    )
    # The late reviewer hears of their own review; company A's official is the
    # nearest office: not the group's, not company B's, not the authors, not
    # the experts who reviewed.
    assert told(OVERDUE) == [expert.employee_no]
    assert told(OFFICE_OVERDUE) == [org.official_a.employee_no]
    assert not Notice.objects.filter(kind=DUE).exists()  # the due-soon day has passed


def test_a_replaced_reviewer_and_a_decided_proposal_are_not_reminded(org, late_review, panel):
    proposal, expert, due_on = late_review
    services.reviewer_replace(
        proposal_id=proposal.pk,
        by=org.group_official,
        reviewer=expert,
        replacement=panel.experts[4],
    )
    review_reminders_send(today=due_on - 2 * DAY)
    assert told(DUE) == [panel.experts[4].employee_no]
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.APPROVED)
    review_reminders_send(today=due_on + DAY)
    assert not Notice.objects.filter(kind__in=[OVERDUE, OFFICE_OVERDUE]).exists()


def test_the_office_hears_which_reviewers_are_late_the_reviewer_only_of_their_own(
    org, late_review, panel
):
    proposal, expert, due_on = late_review
    Campaign.objects.filter(pk=proposal.campaign_id).update(blind_review=True)
    # A second late reviewer of the same proposal and deadline.
    proposal.reviews.filter(reviewer=panel.experts[2]).delete()
    review_reminders_send(today=due_on + DAY)
    [office] = Notice.objects.filter(kind=OFFICE_OVERDUE)
    assert office.recipient == org.official_a
    for name in (expert.full_name, panel.experts[2].full_name, proposal.code):
        assert name in office.text
    # Each reviewer hears of their own review only: not the other's name.
    own = Notice.objects.get(kind=OVERDUE, recipient=expert)
    assert panel.experts[2].full_name not in own.text
    assert expert.full_name not in own.text


def test_a_blind_reviewer_is_reminded_without_the_authors_code_or_unit(org, late_review):
    proposal, expert, due_on = late_review
    Campaign.objects.filter(pk=proposal.campaign_id).update(blind_review=True)
    review_reminders_send(today=due_on - 2 * DAY)
    review_reminders_send(today=due_on + 2 * DAY)
    notices = list(Notice.objects.filter(recipient=expert))
    assert {notice.kind for notice in notices} == {DUE, OVERDUE}
    for notice in notices:
        for secret in (proposal.code, org.worker_a.full_name, proposal.org_unit.name):
            assert secret not in notice.text
            assert secret not in str(notice.params.values())
        assert proposal.title in notice.text


# --- Evaluations -----------------------------------------------------------------------


def year_end_after(pairing) -> datetime.date:
    """31 December of the year after the pairing began: a month, a quarter and
    a year end together, and the planned end (a year on) is past."""
    return datetime.date(pairing.starts_on.year + 1, 12, 31)


def evaluations_told() -> set[tuple[str, str]]:
    return {
        (employee_no, key.split(":")[2])
        for employee_no, key in Notice.objects.filter(kind=EVALUATION).values_list(
            "recipient__employee_no", "once_key"
        )
    }


def test_each_level_of_evaluation_reaches_the_one_who_records_it(mentoring):
    today = year_end_after(mentoring.active)
    assert evaluations_due_notify(today=today) > 0
    assert evaluations_told() == {
        # Company A's dust studio: member_a mentors, lead_a leads, official_a is the office.
        ("member_a", "mentor_monthly"),
        ("lead_a", "department_quarterly"),
        ("official_a", "unit_yearly"),
        ("official_a", "final"),
        # Company B: lead_b leads the studio and mentors, so the quarterly is the office's.
        ("lead_b", "mentor_monthly"),
        ("official_b", "department_quarterly"),
        ("official_b", "unit_yearly"),
        ("official_b", "final"),
    }
    # Never the apprentices, the group's office, or the proposed pairing's people.
    assert not Notice.objects.filter(
        recipient__employee_no__in=["apprentice_a", "apprentice_a2", "apprentice_b", "group"]
    ).exists()
    notice = Notice.objects.get(recipient__employee_no="member_a")
    assert notice.url == f"/apprenticeships/{mentoring.active.pk}/"
    assert "月度" in notice.params["level"]


def test_the_evaluation_sweep_run_twice_and_after_downtime_tells_each_once(mentoring):
    today = year_end_after(mentoring.active)
    first = evaluations_due_notify(today=today - 5 * DAY)  # the last week has begun
    assert first > 0
    assert evaluations_due_notify(today=today - 5 * DAY) == 0  # beat twice
    assert evaluations_due_notify(today=today - 3 * DAY) == 0  # a day skipped
    assert Notice.objects.filter(kind=EVALUATION).count() == first


def test_an_evaluation_due_while_the_sweep_was_down_is_not_lost(mentoring):
    pairing = mentoring.active
    month_end = period_end(
        Evaluation.Level.MENTOR_MONTHLY,
        period_of(Evaluation.Level.MENTOR_MONTHLY, pairing.starts_on + 40 * DAY),
    )
    evaluations_due_notify(today=month_end - 10 * DAY)  # not due yet
    assert not Notice.objects.filter(recipient=mentoring.member_a).exists()
    # Down from the month's last week until the next month began.
    evaluations_due_notify(today=month_end + 5 * DAY)
    period = period_of(Evaluation.Level.MENTOR_MONTHLY, month_end)
    (notice,) = Notice.objects.filter(recipient=mentoring.member_a, kind=EVALUATION)
    assert notice.params["period"] == period


def test_a_recorded_evaluation_is_no_longer_due(mentoring):
    pairing = mentoring.active
    today = year_end_after(pairing)
    Evaluation.objects.create(
        pairing=pairing,
        level=Evaluation.Level.MENTOR_MONTHLY,
        period=period_of(Evaluation.Level.MENTOR_MONTHLY, today),
        evaluator=mentoring.member_a,
        evaluated_on=today,
        theory=80,
        practice=80,
        safety=80,
        attitude=80,
        innovation=80,
    )
    evaluations_due_notify(today=today)
    assert ("member_a", "mentor_monthly") not in evaluations_told()
