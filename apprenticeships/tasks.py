"""Thin Celery wrappers around the apprenticeship services (docs/architecture.md)."""

from celery import shared_task

from apprenticeships.services import pairings_risk_check
from apprenticeships.services.reminders import evaluations_due_notify


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def check_pairings() -> None:
    """Nightly (beat): every pairing's stored at-risk columns against its
    records; a row found wrong is fixed and logged. Safe to run twice."""
    pairings_risk_check()


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def send_evaluation_reminders() -> None:
    """Daily (beat): who owes an evaluation that is due hears of it, once.
    Safe to run twice and after downtime (docs/notices.md)."""
    evaluations_due_notify()
