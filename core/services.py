from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Conflict
from core.models import WorkerHeartbeat


def ensure(condition: bool, error: Exception) -> None:
    """Raise `error` unless `condition` holds: the guard every service starts with."""
    if not condition:
        raise error


def save_or_conflict(instance, message) -> None:
    """Save; a uniqueness race lost to a concurrent request becomes a 409, not a 500.

    Services check uniqueness first for a clear message; the database constraint
    is the last word when two requests pass that check at the same moment.
    """
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(message) from exc


@transaction.atomic
def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` is alive now (idempotent: one row per worker)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return heartbeat
