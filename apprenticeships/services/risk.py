"""The at-risk columns of a pairing: kept by the services, checked nightly.

A pairing stores what the at-risk rule reads (docs/domain.md): the date of its
last session, the earliest due date of a step not done, and from those the day
it becomes at risk (`at_risk_from`). The services refresh them in the same
transaction as the change that moves them: a session logged, a step added,
changed or done, an activation; an ended pairing has no risk day. The nightly
`check_pairings` recomputes every pairing from its records and must find
nothing to fix; what it does fix, it counts.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import officials_nearest
from apprenticeships.models import AT_RISK_AFTER_DAYS, Pairing
from apprenticeships.selectors import with_risk_from_records
from notices.services import notify

log = logging.getLogger(__name__)

RISK_FIELDS = ("last_session_on", "next_step_due_on", "at_risk_from")
# Pairings written in one UPDATE (and locked in one transaction) by the check.
CHECK_BATCH = 500
QUIET_FOR = datetime.timedelta(days=AT_RISK_AFTER_DAYS)
DAY = datetime.timedelta(days=1)


def at_risk_from(
    *,
    status: str,
    starts_on: datetime.date,
    last_session_on: datetime.date | None,
    next_step_due_on: datetime.date | None,
) -> datetime.date | None:
    """The first day an active pairing counts as at risk, unless a record
    changes first: 21 days after its last session (or its start, with none), or
    the day after a step not done falls due, whichever comes first. None for a
    pairing that is not active: it is never at risk."""
    if status != Pairing.Status.ACTIVE:
        return None
    quiet = (last_session_on or starts_on) + QUIET_FOR
    if next_step_due_on is None:
        return quiet
    return min(quiet, next_step_due_on + DAY)


def _fixed(pairing: Pairing) -> bool:
    """Set on `pairing` (a row of `with_risk_from_records`) the columns its
    records call for; True when any of them was different."""
    right = {
        "last_session_on": pairing.recorded_last_session_on,
        "next_step_due_on": pairing.recorded_next_step_due_on,
    }
    right["at_risk_from"] = at_risk_from(
        status=pairing.status, starts_on=pairing.starts_on, **right
    )
    changed = any(getattr(pairing, field) != value for field, value in right.items())
    for field, value in right.items():
        setattr(pairing, field, value)
    return changed


def _with_records(pairings):
    return with_risk_from_records(
        pairings.only("pk", "status", "starts_on", *RISK_FIELDS).order_by("pk")
    )


@transaction.atomic
def pairing_risk_refresh(*, pairing_ids: Iterable[int]) -> int:
    """Recompute the at-risk columns of these pairings from their sessions and
    plan, and write those that changed; returns how many did.

    The rows are locked first, in a statement of its own: the services hold
    those locks already (they lock a pairing before changing its records), and
    for anyone else (the nightly check, the admin) the reading statement then
    starts after a service that held a lock has committed, so it sees that
    service's rows; a read that waited inside one statement would not."""
    ids = sorted(set(pairing_ids))
    if not ids:
        return 0
    list(Pairing.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    rows = _with_records(Pairing.objects.filter(pk__in=ids))
    stale = [pairing for pairing in rows if _fixed(pairing)]
    Pairing.objects.bulk_update(stale, RISK_FIELDS)
    return len(stale)


@dataclass(frozen=True)
class RiskCheck:
    checked: int  # pairings read
    wrong: int  # of those, stored columns that did not match the records
    fixed: int  # rewritten (still wrong once locked; 0 on a dry run)
    alerted: int = 0  # pairings whose at-risk episode was told about in this run


def pairings_risk_check(*, fix: bool = True) -> RiskCheck:
    """The nightly check: every pairing's stored at-risk columns against its
    records. A mismatch means a write went around the services (or a service
    forgot): the row is locked, recomputed and rewritten, and counted. Safe to
    run twice and beside the services: it reads without locks and locks only
    the rows it fixes, a batch at a time."""
    checked, wrong = 0, []
    for pairing in _with_records(Pairing.objects.all()).iterator(chunk_size=2000):
        checked += 1
        if _fixed(pairing):
            wrong.append(pairing.pk)
    fixed = 0
    if fix:
        for start in range(0, len(wrong), CHECK_BATCH):
            fixed += pairing_risk_refresh(pairing_ids=wrong[start : start + CHECK_BATCH])
    if wrong:
        log.warning(
            "check_pairings: %s of %s pairings had wrong at-risk columns; %s fixed",
            len(wrong),
            checked,
            fixed,
        )
    # Once the columns are right, those at risk are told about (a dry run tells nobody).
    alerted = pairings_at_risk_notify() if fix else 0
    return RiskCheck(checked=checked, wrong=len(wrong), fixed=fixed, alerted=alerted)


def pairings_at_risk_notify(*, today: datetime.date | None = None) -> int:
    """Tell the mentor, the studio's leader and the nearest officials about each
    pairing at risk, once per episode: the episode is the pairing's at-risk day,
    so running twice, or after days of downtime, tells nobody twice, and a
    pairing that recovers and lapses again is a new episode. Returns how many
    pairings had someone newly told."""
    today = today or timezone.localdate()
    alerted = 0
    at_risk = (
        Pairing.objects.filter(at_risk_from__lte=today)
        .select_related("mentor", "apprentice", "studio", "org_unit")
        .order_by("pk")
    )
    for pairing in at_risk.iterator(chunk_size=500):
        with transaction.atomic():
            told = notify(
                kind="apprenticeships.pairing_at_risk",
                recipients=[
                    pairing.mentor_id,
                    pairing.studio.leader_id if pairing.studio else None,
                    *officials_nearest(pairing.org_unit).values_list("pk", flat=True),
                ],
                record=pairing,
                text_params={
                    "mentor": pairing.mentor.full_name,
                    "apprentice": pairing.apprentice.full_name,
                    "since": pairing.at_risk_from.isoformat(),
                },
                url=reverse("apprenticeships:pairing-detail", args=[pairing.pk]),
                once_key=f"apprenticeships.pairing_at_risk:{pairing.pk}:{pairing.at_risk_from}",
                office_unit=pairing.org_unit,
            )
        alerted += bool(told)
    return alerted
