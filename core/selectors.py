from django.db.models import Case, IntegerField, Value, When

from core.models import WorkerHeartbeat


def worker_last_seen():
    """The newest heartbeat of any worker, or None when no worker ever ran."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def choice_order(field: str, codes) -> Case:
    """An ORDER BY key that sorts `field` in the order of `codes` (a choices
    list: special prize before first prize, national before enterprise)."""
    return Case(
        *(When(**{field: code}, then=Value(rank)) for rank, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )
