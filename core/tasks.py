from celery import shared_task

from core.services import worker_heartbeat_record


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self) -> None:
    """Periodic (beat) proof of life; safe to run any number of times."""
    worker_heartbeat_record(worker=self.request.hostname or "eager")


# A 30 MP photo takes a few seconds; one that takes minutes is not a photo.
@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def attachment_photo_process(attachment_id: int) -> None:
    """Re-encode an uploaded photo and make its thumbnail (core.attachments)."""
    from core.attachments import attachment_photo_finish  # it queues this task

    attachment_photo_finish(attachment_id=attachment_id)
