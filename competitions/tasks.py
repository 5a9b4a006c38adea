"""Thin Celery wrappers around the competitions services (docs/architecture.md)."""

from celery import shared_task

from competitions.services.reminders import review_reminders_send


@shared_task(ignore_result=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def send_review_reminders() -> None:
    """Daily (beat): reviewers three days before the deadline and when late,
    the office when late; once each. Safe to run twice and after downtime."""
    review_reminders_send()
