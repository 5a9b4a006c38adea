"""The at-risk columns kept on each pairing (last session, next step due, the
day it becomes at risk): written by the services with every change, read by
the filter, the counts and the lists, and recomputed by the nightly check,
which finds nothing to fix after any change made through the services."""

import datetime
import importlib
import io
import logging
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone

from apprenticeships import selectors, services, tasks
from apprenticeships.filtersets import PairingFilterSet
from apprenticeships.models import AT_RISK_AFTER_DAYS, Evaluation, Milestone, Pairing, Session
from apprenticeships.services.risk import RiskCheck
from tests.apprenticeships.conftest import SCORES, days_ago, final_passed
from tests.apprenticeships.test_risk import new_pairing, session_on, step_due

pytestmark = pytest.mark.django_db

Status = Pairing.Status
DAY = datetime.timedelta(days=1)
QUIET = datetime.timedelta(days=AT_RISK_AFTER_DAYS)


# --- Helpers ------------------------------------------------------------------------


def evaluate(m, pairing, level, **fields):
    by = {
        Evaluation.Level.MENTOR_MONTHLY: m.member_a,
        Evaluation.Level.FINAL: m.org.official_a,
    }[level]
    return services.evaluation_record(pairing_id=pairing.pk, by=by, level=level, **SCORES, **fields)


def stored(pairing) -> tuple:
    row = Pairing.objects.get(pk=pairing.pk)
    return (row.last_session_on, row.next_step_due_on, row.at_risk_from)


def nothing_to_fix():
    result = services.pairings_risk_check(fix=False)
    assert result.checked == Pairing.objects.count()
    return result.wrong == 0


# --- Every change through the services keeps the columns -----------------------------


def _proposed_with_a_plan(m):
    pairing = new_pairing(m, activate=False)
    step_due(m, pairing, -20)
    return pairing, (None, days_ago(-20), None)


def _activated_with_a_plan(m):
    pairing = new_pairing(m, started=30, activate=False)
    step_due(m, pairing, -5)
    services.pairing_activate(pairing_id=pairing.pk, by=m.lead_a, agreement_signed_on=days_ago(30))
    # quiet since the start (30 days ago) comes before the step's due date
    return pairing, (None, days_ago(-5), days_ago(30) + QUIET)


def _one_to_one_session(m):
    pairing = new_pairing(m)
    session_on(m, pairing, 3)
    return pairing, (days_ago(3), None, days_ago(3) + QUIET)


def _group_session(m):
    first, second = new_pairing(m), new_pairing(m)
    services.session_log(
        by=m.member_a,
        pairings=[first, second],
        held_on=days_ago(2),
        hours=Decimal("1.5"),
        format=Session.Format.SAFETY,
        topic="班前安全确认",
    )
    assert stored(first) == (days_ago(2), None, days_ago(2) + QUIET)
    return second, (days_ago(2), None, days_ago(2) + QUIET)


def _older_session_logged_later(m):
    pairing = new_pairing(m, started=60)
    session_on(m, pairing, 4)
    session_on(m, pairing, 40)
    return pairing, (days_ago(4), None, days_ago(4) + QUIET)


def _session_confirmed(m):
    pairing = new_pairing(m)
    session = session_on(m, pairing, 1)
    services.session_confirm(session_id=session.pk, by=pairing.apprentice)
    return pairing, (days_ago(1), None, days_ago(1) + QUIET)


def _step_past_due(m):
    pairing = new_pairing(m)
    session_on(m, pairing, 1)
    step_due(m, pairing, 2)
    return pairing, (days_ago(1), days_ago(2), days_ago(1))


def _later_step_keeps_the_earlier_one(m):
    pairing = new_pairing(m, started=5)  # quiet only in 16 days: the step comes first
    step_due(m, pairing, -3)
    step_due(m, pairing, -30)
    return pairing, (None, days_ago(-3), days_ago(-4))


def _due_date_moved(m):
    pairing = new_pairing(m)
    step = step_due(m, pairing, -10)
    services.milestone_update(milestone_id=step.pk, by=m.member_a, due_on=days_ago(-60))
    return pairing, (None, days_ago(-60), days_ago(30) + QUIET)


def _step_renamed(m):
    pairing = new_pairing(m, started=5)
    step = step_due(m, pairing, -10)
    services.milestone_update(milestone_id=step.pk, by=m.lead_a, title="掌握采样器校准")
    return pairing, (None, days_ago(-10), days_ago(-11))


def _earliest_step_done(m):
    pairing = new_pairing(m)
    first = step_due(m, pairing, 5)
    step_due(m, pairing, -15)
    services.milestone_mark_done(milestone_id=first.pk, by=pairing.apprentice, evidence="已完成")
    return pairing, (None, days_ago(-15), days_ago(30) + QUIET)


def _proposed_start_moved(m):
    pairing = new_pairing(m, activate=False)
    services.pairing_update(pairing_id=pairing.pk, by=m.lead_a, starts_on=days_ago(50))
    return pairing, (None, None, None)


def _goals_edited(m):
    pairing = new_pairing(m)
    services.pairing_update(pairing_id=pairing.pk, by=m.lead_a, goals="独立完成检测")
    return pairing, (None, None, days_ago(30) + QUIET)


def _extended(m):
    pairing = new_pairing(m)
    services.pairing_extend(
        pairing_id=pairing.pk,
        by=m.lead_a,
        planned_end_on=pairing.planned_end_on + 90 * DAY,
        reason="项目延期",
    )
    return pairing, (None, None, days_ago(30) + QUIET)


def _active_terminated(m):
    pairing = new_pairing(m, started=60)
    step_due(m, pairing, 10)
    session_on(m, pairing, 30)
    services.pairing_terminate(pairing_id=pairing.pk, by=m.lead_a, reason="调离本矿")
    return pairing, (days_ago(30), days_ago(10), None)


def _proposed_terminated(m):
    pairing = new_pairing(m, activate=False)
    services.pairing_terminate(pairing_id=pairing.pk, by=m.lead_a, reason="本人申请")
    return pairing, (None, None, None)


def _monthly_evaluation(m):
    pairing = new_pairing(m)
    evaluate(
        m, pairing, Evaluation.Level.MENTOR_MONTHLY, period=timezone.localdate().strftime("%Y-%m")
    )
    return pairing, (None, None, days_ago(30) + QUIET)


def _final_not_passed(m):
    pairing = new_pairing(m)
    evaluate(m, pairing, Evaluation.Level.FINAL, outcome=Evaluation.Outcome.NOT_PASSED)
    return pairing, (None, None, days_ago(30) + QUIET)


def _graduated(m):
    pairing = new_pairing(m, started=60)
    step_due(m, pairing, 10)
    final_passed(pairing, m.org.official_a)
    return pairing, (None, days_ago(10), None)


CHANGES = {
    "proposed with a plan": _proposed_with_a_plan,
    "activated with a plan": _activated_with_a_plan,
    "one-to-one session": _one_to_one_session,
    "group session": _group_session,
    "older session logged later": _older_session_logged_later,
    "session confirmed": _session_confirmed,
    "step past due": _step_past_due,
    "later step keeps the earlier one": _later_step_keeps_the_earlier_one,
    "due date moved": _due_date_moved,
    "step renamed": _step_renamed,
    "earliest step done": _earliest_step_done,
    "proposed start moved": _proposed_start_moved,
    "goals edited": _goals_edited,
    "extended": _extended,
    "active pairing terminated": _active_terminated,
    "proposed pairing terminated": _proposed_terminated,
    "monthly evaluation": _monthly_evaluation,
    "final appraisal not passed": _final_not_passed,
    "graduated": _graduated,
}


@pytest.mark.parametrize("change", list(CHANGES.values()), ids=list(CHANGES))
def test_after_every_change_the_columns_are_right_and_the_check_fixes_nothing(mentoring, change):
    # when a change is made through the services
    pairing, expected = change(mentoring)
    # then the row holds (last session, next step due, at-risk day) of its records
    assert stored(pairing) == expected
    # and the nightly check, recomputing every pairing, finds nothing to fix
    assert nothing_to_fix()


def test_the_shared_worlds_built_through_the_services_need_no_fixing(mentoring):
    assert Pairing.objects.count() >= 3
    assert services.pairings_risk_check() == RiskCheck(
        checked=Pairing.objects.count(), wrong=0, fixed=0
    )


# --- The check fixes what went around the services -----------------------------------


@pytest.fixture
def tampered(mentoring):
    """Three pairings whose columns were written around the services: the active
    one lost its last session and got a wrong at-risk day, company B's got a
    step that does not exist, the proposed one a session it never had."""
    m = mentoring
    session_on(m, m.active, 3)
    Pairing.objects.filter(pk=m.active.pk).update(last_session_on=None, at_risk_from=days_ago(100))
    Pairing.objects.filter(pk=m.active_b.pk).update(next_step_due_on=days_ago(1))
    Pairing.objects.filter(pk=m.proposed.pk).update(last_session_on=days_ago(2))
    return m


def test_the_check_fixes_tampered_rows_and_says_how_many(tampered):
    m = tampered
    result = services.pairings_risk_check()
    assert result == RiskCheck(checked=Pairing.objects.count(), wrong=3, fixed=3)
    assert stored(m.active) == (days_ago(3), None, days_ago(3) + QUIET)
    assert stored(m.active_b) == (None, None, m.active_b.starts_on + QUIET)
    assert stored(m.proposed) == (None, None, None)
    # and a second run finds nothing left
    assert services.pairings_risk_check().wrong == 0


def test_a_dry_run_counts_without_fixing(tampered):
    result = services.pairings_risk_check(fix=False)
    assert (result.wrong, result.fixed) == (3, 0)
    assert stored(tampered.active) == (None, None, days_ago(100))


def test_the_command_reports_and_fixes(tampered):
    out = io.StringIO()
    call_command("check_pairings", "--dry-run", stdout=out)
    total = Pairing.objects.count()
    assert out.getvalue().strip() == f"{total} pairings checked, 3 wrong, 0 fixed."
    out = io.StringIO()
    call_command("check_pairings", stdout=out)
    assert out.getvalue().strip() == f"{total} pairings checked, 3 wrong, 3 fixed."
    out = io.StringIO()
    call_command("check_pairings", stdout=out)
    assert out.getvalue().strip() == f"{total} pairings checked, 0 wrong, 0 fixed."


def test_the_nightly_task_fixes_and_logs_a_warning(tampered, caplog):
    with caplog.at_level(logging.WARNING, logger="apprenticeships.services.risk"):
        tasks.check_pairings.apply()
    assert "3 of" in caplog.text
    assert nothing_to_fix()


def test_the_task_runs_every_night_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["check-pairings"]
    assert entry["task"] == tasks.check_pairings.name == "apprenticeships.tasks.check_pairings"


def test_the_plan_edited_in_the_admin_is_refreshed(mentoring):
    # given a step of the plan changed the way the admin's inline saves it
    m = mentoring
    step = step_due(m, m.active, -30)
    Milestone.objects.filter(pk=step.pk).update(due_on=days_ago(2))
    assert not nothing_to_fix()

    # when the admin saves the pairing's related rows
    class Form:
        instance = Pairing.objects.get(pk=m.active.pk)

        def save_m2m(self):
            pass

    request = RequestFactory().post("/")
    request.user = m.org.admin
    admin.site._registry[Pairing].save_related(request, Form(), [], True)
    # then the columns follow the plan
    assert stored(m.active) == (None, days_ago(2), days_ago(1))
    assert nothing_to_fix()


def test_the_migration_fills_the_columns_of_existing_pairings(mentoring):
    # given pairings with sessions and plans from before the columns existed
    m = mentoring
    session_on(m, m.active, 5)
    step_due(m, m.active, -2)
    step_due(m, m.proposed, 3)
    expected = {p.pk: stored(p) for p in Pairing.objects.all()}
    Pairing.objects.update(last_session_on=None, next_step_due_on=None, at_risk_from=None)
    # when the data migration runs
    migration = importlib.import_module("apprenticeships.migrations.0003_fill_pairing_risk")
    migration.fill_risk(apps, None)
    # then every pairing holds what the services would have written
    assert {p.pk: stored(p) for p in Pairing.objects.all()} == expected
    assert nothing_to_fix()


# --- The lists, the filter and the counts read the columns ---------------------------


def test_the_filter_and_the_counts_read_the_stored_day_not_the_records(mentoring):
    # given the fixture's fresh active pairing, whose stored day says "at risk today"
    m = mentoring
    Pairing.objects.filter(pk=m.active.pk).update(at_risk_from=timezone.localdate())
    visible = selectors.pairings_visible_to(m.lead_a)
    # then the filter, the annotation and the figures all follow the column
    risky = PairingFilterSet(QueryDict("at_risk=true"), queryset=visible).qs
    assert list(risky.values_list("pk", flat=True)) == [m.active.pk]
    on_track = PairingFilterSet(QueryDict("at_risk=false"), queryset=visible).qs
    assert m.active.pk not in set(on_track.values_list("pk", flat=True))
    assert visible.get(pk=m.active.pk).at_risk is True
    assert selectors.mentoring_figures(visible)["at_risk"] == 1
    assert selectors.mentoring_at_a_glance(m.member_a)["mentoring_at_risk"] == 1


def test_a_pairing_becomes_at_risk_on_its_day_without_any_write(mentoring):
    # given the fixture's active pairing, started 10 days ago with no session
    m = mentoring
    day = m.active.starts_on + QUIET
    assert stored(m.active) == (None, None, day)
    rows = Pairing.objects.filter(pk=m.active.pk)
    # then it is on track the day before and at risk on the day, the stored
    # date unchanged: nothing goes stale at midnight
    assert selectors.with_risk(rows, today=day - DAY).get().at_risk is False
    assert selectors.with_risk(rows, today=day).get().at_risk is True
    assert rows.filter(selectors.at_risk_condition(day)).exists()
    assert not rows.filter(selectors.at_risk_condition(day - DAY)).exists()


def test_only_an_active_pairing_may_hold_a_risk_day(mentoring):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.filter(pk=mentoring.proposed.pk).update(at_risk_from=days_ago(1))
