"""Annual assessments."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict
from notices.kinds import in_product_language
from studios.models import Assessment, Studio
from studios.services.guards import (
    ensure_manages,
    locked_studio,
)
from studios.services.telling import tell_leader_of_studio


@transaction.atomic
def assessment_record(
    *,
    by: User,
    studio: Studio,
    year: int,
    score: Decimal,
    grade: str,
    notes: str = "",
) -> Assessment:
    """Record a studio's yearly assessment; a `fail` sends it to rectification."""
    studio = locked_studio(studio.pk, by)
    ensure_manages(studio, by)
    ensure(
        studio.status not in (Studio.Status.PREPARING, Studio.Status.REVOKED),
        Conflict(_("Only established or named studios are assessed.")),
    )
    ensure(
        year <= timezone.localdate().year,
        ValidationError({"year": _("A year that has not begun cannot be assessed.")}),
    )
    ensure(
        not studio.assessments.filter(year=year).exists(),
        Conflict(_("This studio has already been assessed for %(year)s.") % {"year": year}),
    )
    assessment = Assessment(
        studio=studio, year=year, score=score, grade=grade, assessor=by, notes=notes
    )
    assessment.full_clean(validate_constraints=False)
    save_or_conflict(
        assessment, _("This studio has already been assessed for %(year)s.") % {"year": year}
    )
    if grade == Assessment.Grade.FAIL and studio.can_move_to(Studio.Status.RECTIFICATION):
        studio.transition_to(
            Studio.Status.RECTIFICATION,
            by=by,
            note=_("Failed the %(year)s assessment") % {"year": year},
        )
    grade_label = in_product_language(assessment.get_grade_display())
    tell_leader_of_studio(
        studio, "studios.assessment_recorded", by=by, result=f"{year} {grade_label} ({score})"
    )
    return assessment
