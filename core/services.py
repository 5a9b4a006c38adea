from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.models import WorkerHeartbeat


def ensure(condition: bool, error: Exception) -> None:
    """Raise `error` unless `condition` holds: the guard every service starts with."""
    if not condition:
        raise error


def locked(queryset, pk: int):
    """Row-lock the record with `pk` if `queryset` (the writer's scope) holds it;
    404 otherwise, also when it vanished between the check and the lock. Every
    state change starts here, so outsiders learn nothing."""
    # Asked with EXISTS (no row built, no ORDER BY); the lock reads the row.
    if not queryset.filter(pk=pk).exists():
        raise Http404
    record = queryset.model.objects.select_for_update().filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


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


HUNDRED = Decimal(100)


def shares_checked(shares: Iterable, field: str) -> list[Decimal]:
    """Shares of a credit (contributors, authors): each above 0 and at most 100,
    together exactly 100 %; otherwise a 400 on `field`."""
    shares = [Decimal(share) for share in shares]
    ensure(
        all(Decimal(0) < share <= HUNDRED for share in shares),
        ValidationError({field: _("Each share is more than 0 and at most 100.")}),
    )
    total = sum(shares, Decimal(0))
    ensure(
        total == HUNDRED,
        ValidationError(
            {field: _("The shares add up to %(total)s %%, not 100 %%.") % {"total": total}}
        ),
    )
    return shares


@transaction.atomic
def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` is alive now (idempotent: one row per worker)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"seen_at": timezone.now()}
    )
    return heartbeat
