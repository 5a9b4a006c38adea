from django.db import transaction
from django.utils import timezone

from core.models import WorkerHeartbeat


@transaction.atomic
def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` is alive now (idempotent: one row per worker)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return heartbeat
