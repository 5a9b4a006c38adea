"""Evaluation reminders, sent by the daily beat sweep (docs/notices.md): the
monthly evaluation to the mentor, the quarterly one to the studio's leader
(the office when the pairing has no studio, or its leader mentors it), the
yearly one and the final appraisal to the office over the pairing; nobody is
asked to evaluate their own apprenticeship or apprentice above the monthly
level.

Each reminder is keyed on the pairing, the level and the period (the final:
the planned end), so the sweep is safe to run twice, and a period stays in the
sweep for two weeks after it ends, so downtime loses nothing."""

import datetime

from django.db import transaction
from django.db.models import F, OuterRef, Value
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import officials_nearest
from apprenticeships.models import Evaluation, Pairing
from apprenticeships.periods import periods_due
from apprenticeships.selectors import (
    evaluation_due_condition,
    final_due_condition,
    pairings_visible_to,
)
from notices.kinds import in_product_language
from notices.selectors import already_told, once_key
from notices.services import notify

KIND = "apprenticeships.evaluation_due"
Level = Evaluation.Level


def _office(pairing: Pairing) -> list[int]:
    own = {pairing.mentor_id, pairing.apprentice_id}
    return [
        pk
        for pk in officials_nearest(pairing.org_unit).values_list("pk", flat=True)
        if pk not in own
    ]


def _recipients(pairing: Pairing, level: str) -> list[int]:
    if level == Level.MENTOR_MONTHLY:
        return [pairing.mentor_id]
    leader = pairing.studio.leader_id if pairing.studio_id else None
    if level == Level.DEPARTMENT_QUARTERLY and leader not in (
        None,
        pairing.mentor_id,
        pairing.apprentice_id,
    ):
        return [leader]
    # Yearly and final; quarterly where no leader may record it (none, or the
    # mentor or apprentice themself): the office, as the evaluation form allows.
    return _office(pairing)


@transaction.atomic
def _remind(pairing: Pairing, level: str, period: str) -> int:
    return len(
        notify(
            kind=KIND,
            recipients=_recipients(pairing, level),
            record=pairing,
            text_params={
                "apprentice": pairing.apprentice.full_name,
                "mentor": pairing.mentor.full_name,
                "level": in_product_language(Level(level).label),
                "period": period,
            },
            url=reverse("apprenticeships:pairing-detail", args=[pairing.pk]),
            once_key=f"{KIND}:{pairing.pk}:{level}:{period}",
            office_unit=pairing.org_unit if level in (Level.UNIT_YEARLY, Level.FINAL) else None,
            may_open=pairings_visible_to,
        )
    )


def _pairings(condition):
    return (
        Pairing.objects.filter(condition)
        .select_related("mentor", "apprentice", "studio", "org_unit")
        .order_by("pk")
    )


def evaluations_due_notify(*, today: datetime.date | None = None) -> int:
    """The daily sweep (Shanghai dates): everyone who owes an evaluation that
    is due hears of it once. Returns how many notices went out."""
    today = today or timezone.localdate()
    told = 0
    for due in periods_due(today, for_reminders=True):
        pairings = _pairings(evaluation_due_condition(due))
        if due.level == Level.MENTOR_MONTHLY:
            # A mentor already told is skipped in SQL: a second run reads no pairing.
            key = once_key(KIND, F("pk"), Value(str(due.level)), Value(due.period))
            pairings = pairings.exclude(already_told(recipient=OuterRef("mentor_id"), once_key=key))
        for pairing in pairings.iterator(chunk_size=500):
            told += _remind(pairing, due.level, due.period)
    for pairing in _pairings(final_due_condition(today)).iterator(chunk_size=500):
        told += _remind(pairing, Level.FINAL, pairing.planned_end_on.isoformat())
    return told
