"""Evaluations at three levels and the final appraisal that completes a pairing."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import skill_level_raise
from apprenticeships.models import Evaluation, Pairing
from apprenticeships.periods import PERIOD_EXAMPLES, period_of, period_start
from apprenticeships.selectors import pairing_access
from apprenticeships.services.pairings import locked_pairing, tell_both
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict

Level = Evaluation.Level
Outcome = Evaluation.Outcome


def _period_checked(level: str, period: str, pairing: Pairing, evaluated_on) -> str:
    if level == Level.FINAL:
        return evaluated_on.isoformat()  # a final may be retaken: its date names it
    period = period.strip()
    start = period_start(level, period)
    ensure(
        start is not None,
        ValidationError(
            {
                "period": _("Write the period like %(example)s.")
                % {"example": PERIOD_EXAMPLES[level]}
            }
        ),
    )
    ensure(
        start <= evaluated_on,
        ValidationError({"period": _("This period has not begun yet.")}),
    )
    ensure(
        period_start(level, period_of(level, pairing.starts_on)) <= start,
        ValidationError({"period": _("This period lies before the term began.")}),
    )
    return period


@transaction.atomic
def evaluation_record(
    *,
    pairing_id: int,
    by: User,
    level: str,
    theory: int,
    practice: int,
    safety: int,
    attitude: int,
    innovation: int,
    period: str = "",
    comment: str = "",
    outcome: str = "",
    skill_level_reached: str = "",
    evaluated_on: datetime.date | None = None,
) -> Evaluation:
    """Record an evaluation: monthly by the mentor, quarterly by the studio's
    leader or an official, yearly and final by an official over the pairing.
    A passed final appraisal completes the pairing and raises the apprentice's
    skill level (once: the pairing is no longer active after it)."""
    pairing = locked_pairing(pairing_id, by)
    ensure(level in Level.values, ValidationError({"level": _("Choose a level.")}))
    ensure(level in pairing_access(by, pairing).evaluation_levels, PermissionDenied())
    ensure(
        pairing.status == Pairing.Status.ACTIVE,
        Conflict(_("Only an active pairing is evaluated.")),
    )
    evaluated_on = evaluated_on or timezone.localdate()
    ensure(
        pairing.starts_on <= evaluated_on <= timezone.localdate(),
        ValidationError(
            {"evaluated_on": _("The date lies between the start of the term and today.")}
        ),
    )
    period = _period_checked(level, period, pairing, evaluated_on)
    if level == Level.FINAL:
        ensure(
            outcome in Outcome.values,
            ValidationError({"outcome": _("Say whether the apprentice passed.")}),
        )
        ensure(
            outcome != Outcome.PASSED or bool(skill_level_reached),
            ValidationError({"skill_level_reached": _("Say which skill level was reached.")}),
        )
        if outcome == Outcome.NOT_PASSED:
            skill_level_reached = ""
    else:
        ensure(
            not outcome and not skill_level_reached,
            ValidationError({"outcome": _("Only the final appraisal has an outcome.")}),
        )
    duplicate = _("This period has already been evaluated at this level.")
    ensure(
        level == Level.FINAL or not pairing.evaluations.filter(level=level, period=period).exists(),
        Conflict(duplicate),
    )
    evaluation = Evaluation(
        pairing=pairing,
        level=level,
        period=period,
        evaluator=by,
        evaluated_on=evaluated_on,
        theory=theory,
        practice=practice,
        safety=safety,
        attitude=attitude,
        innovation=innovation,
        comment=comment,
        outcome=outcome,
        skill_level_reached=skill_level_reached,
    )
    evaluation.full_clean(validate_constraints=False)
    save_or_conflict(evaluation, duplicate)
    if outcome == Outcome.PASSED:
        _graduate(pairing, evaluation, by)
    return evaluation


def _graduate(pairing: Pairing, evaluation: Evaluation, by: User) -> None:
    """出师: the pairing completes and the apprentice's level rises (if higher)."""
    evaluation.skill_change = skill_level_raise(
        person=pairing.apprentice,
        to_level=evaluation.skill_level_reached,
        by=by,
        changed_on=evaluation.evaluated_on,
        reason=_("Final appraisal of apprenticeship %(id)s") % {"id": pairing.pk},
    )
    evaluation.save(update_fields=["skill_change"])
    pairing.ended_on = evaluation.evaluated_on
    pairing.at_risk_from = None  # an ended pairing is never at risk
    pairing.transition_to(
        Pairing.Status.COMPLETED,
        by=by,
        note=_("Passed the final appraisal"),
        also_save=("ended_on", "at_risk_from"),
    )
    tell_both(pairing, "apprenticeships.pairing_completed", by)
