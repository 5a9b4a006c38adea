"""Thin Celery wrappers around the notices services (docs/architecture.md):
they take ids, and are safe to run twice (a delivery marked sent is skipped)."""

from celery import shared_task
from django.conf import settings

from notices import services


def _again(task, *args):
    """Send the task again later. The new message goes out before this one is
    acknowledged; the Retry is returned, not raised: the services bound the
    attempts themselves, and an eager run (the tests) applies a returned Retry
    at once where a raised one would escape to the caller."""
    return task.retry(args=args, countdown=settings.NOTICE_RETRY_DELAY, throw=False)


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None)
def deliver_emails(self, delivery_ids: list[int]) -> None:
    """Send queued notice mails; those that met a transient SMTP error are
    tried again later, each at most NOTICE_MAX_ATTEMPTS times in all."""
    retry = services.emails_send(delivery_ids=delivery_ids)
    if retry:
        return _again(self, retry)
    return None


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> None:
    """Post a notice to its unit's messenger robot, with bounded retries."""
    if services.webhook_send(delivery_id=delivery_id):
        return _again(self, delivery_id)
    return None


@shared_task(ignore_result=True)
def send_digests() -> None:
    """Daily (beat): one mail per person with the notices waiting for it."""
    services.digests_send()


@shared_task(ignore_result=True)
def prune_notices() -> None:
    """Nightly (beat): read notices older than 12 months go."""
    services.notices_prune()
