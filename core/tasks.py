from celery import shared_task

from core.services import worker_heartbeat_record


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self) -> None:
    """Periodic (beat) proof of life; safe to run any number of times."""
    worker_heartbeat_record(worker=self.request.hostname or "eager")
