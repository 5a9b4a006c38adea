from core.models import WorkerHeartbeat


def worker_last_seen():
    """The newest heartbeat of any worker, or None when no worker ever ran."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
