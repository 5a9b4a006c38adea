"""Thin Celery wrappers around the naming services (docs/architecture.md)."""

from celery import shared_task

from naming.services import dormancy_sweep, expert_reminders_send, rectification_checks_run


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def flag_dormant_studios() -> None:
    """Nightly (beat): the dormancy rule. Safe to run twice and after downtime
    (a flag keeps its day, the office is told once per flag)."""
    dormancy_sweep()


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def check_rectification_deadlines() -> None:
    """Nightly (beat): the rectifications whose deadline came are checked for
    output and their office told, once each."""
    rectification_checks_run()


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def send_expert_reminders() -> None:
    """Daily (beat): experts three days before the day they score by and when
    late, the office when late; once each. Safe to run twice and after downtime."""
    expert_reminders_send()
