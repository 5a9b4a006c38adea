"""Achievements with contributors, verified benefit, adoptions, and files on records."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import user_scope
from achievements.models import (
    Achievement,
    Adoption,
    Contributor,
    TechnicalProblem,
)
from achievements.selectors import (
    achievement_access,
    achievements_visible_to,
)
from achievements.services.guards import (
    contributors_checked,
    ensure_may_change,
    ensure_writes_to,
)
from core import attachments
from core.exceptions import Conflict
from core.scoping import within_paths
from core.services import ensure, locked, save_or_conflict
from studios.models import Studio
from studios.services.telling import tell_leader


def _ensure_origin(origin_problem: TechnicalProblem | None, studio: Studio) -> None:
    ensure(
        origin_problem is None or origin_problem.studio_id == studio.pk,
        ValidationError({"origin_problem": _("The problem belongs to another studio.")}),
    )


def _ensure_may_promote(promotion: str, *, manages: bool, current: str | None = None) -> None:
    """Promotion beyond the studio is the union's decision, and so is taking it
    back: only for one who `manages` the studio (an official over it)."""
    beyond_studio = promotion != Achievement.Promotion.STUDIO
    taken_back = current not in (None, Achievement.Promotion.STUDIO)
    if beyond_studio or taken_back:
        ensure(
            manages,
            PermissionDenied(_("Only union officials promote achievements beyond the studio.")),
        )


def _set_contributors(achievement: Achievement, rows: list[tuple[User, Decimal]]) -> None:
    achievement.contributors.all().delete()
    Contributor.objects.bulk_create(
        Contributor(achievement=achievement, person=person, position=position, share=share)
        for position, (person, share) in enumerate(rows, start=1)
    )


@transaction.atomic
def achievement_create(
    *,
    by: User,
    studio: Studio,
    title: str,
    kind: str,
    completed_on: datetime.date,
    contributors: Sequence[tuple[User, Decimal]],
    summary: str = "",
    origin_problem: TechnicalProblem | None = None,
    claimed_benefit: Decimal | None = None,
    promotion: str = Achievement.Promotion.STUDIO,
    awards: str = "",
) -> Achievement:
    """Log an achievement with its ordered contributors (shares add up to 100 %)."""
    studio_rights = ensure_writes_to(studio, by)
    _ensure_origin(origin_problem, studio)
    _ensure_may_promote(promotion, manages=studio_rights.manages)
    rows = contributors_checked(contributors, by)
    achievement = Achievement(
        studio=studio,
        title=title,
        kind=kind,
        completed_on=completed_on,
        summary=summary,
        origin_problem=origin_problem,
        claimed_benefit=claimed_benefit,
        promotion=promotion,
        awards=awards,
        created_by=by,
    )
    achievement.full_clean()
    achievement.save()
    _set_contributors(achievement, rows)
    return achievement


ACHIEVEMENT_FIELDS = {
    "title",
    "kind",
    "completed_on",
    "summary",
    "origin_problem",
    "claimed_benefit",
    "promotion",
    "awards",
    "contributors",
}


@transaction.atomic
def achievement_update(*, achievement_id: int, by: User, **changes) -> Achievement:
    """Edit an achievement. Once its benefit is verified, the claimed figure is
    locked too (the verified one can never be edited). Contributors already
    credited stay even if `by` cannot see them; a new one must be someone
    they may see."""
    achievement = locked(achievements_visible_to(by), achievement_id)
    access = ensure_may_change(achievement, by)
    unknown = set(changes) - ACHIEVEMENT_FIELDS
    ensure(
        not unknown,
        PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if "claimed_benefit" in changes and changes["claimed_benefit"] != achievement.claimed_benefit:
        ensure(
            not achievement.is_verified,
            Conflict(_("The benefit has been verified and is locked.")),
        )
    if "promotion" in changes and changes["promotion"] != achievement.promotion:
        _ensure_may_promote(
            changes["promotion"], manages=access.manages, current=achievement.promotion
        )
    if "origin_problem" in changes:
        _ensure_origin(changes["origin_problem"], achievement.studio)
    rows = changes.pop("contributors", None)
    for field, value in changes.items():
        setattr(achievement, field, value)
    achievement.full_clean()
    achievement.save()
    if rows is not None:
        # Whoever is credited already stays, seen by `by` or not (people_checked).
        credited = achievement.contributors.values_list("person_id", flat=True)
        _set_contributors(achievement, contributors_checked(rows, by, credited))
    return achievement


@transaction.atomic
def achievement_verify_benefit(
    *,
    achievement_id: int,
    by: User,
    verified_benefit: Decimal,
    evidence: str,
    verified_on: datetime.date | None = None,
) -> Achievement:
    """An official confirms the annual benefit (finance's confirmation); final."""
    achievement = locked(achievements_visible_to(by), achievement_id)
    ensure(achievement_access(by, achievement).manages, PermissionDenied())
    ensure(not achievement.is_verified, Conflict(_("The benefit has already been verified.")))
    ensure(
        bool((evidence or "").strip()),
        ValidationError(
            {"evidence": _("Say what the figure rests on (e.g. finance's confirmation).")}
        ),
    )
    ensure(
        verified_benefit is not None and verified_benefit >= 0,
        ValidationError({"verified_benefit": _("Give the verified annual benefit.")}),
    )
    achievement.verified_benefit = verified_benefit
    achievement.verified_by = by
    achievement.verified_on = verified_on or timezone.localdate()
    achievement.verification_evidence = evidence.strip()
    achievement.full_clean()
    achievement.save()
    tell_leader(
        achievement.studio,
        "achievements.benefit_verified",
        record=achievement,
        url=reverse("achievements:achievement-detail", args=[achievement.pk]),
        may_open=achievements_visible_to,
        by=by,
        title=achievement.title,
    )
    return achievement


@transaction.atomic
def adoption_record(
    *,
    by: User,
    achievement: Achievement,
    org_unit: OrgUnit,
    adopted_on: datetime.date,
    annual_benefit: Decimal | None = None,
    notes: str = "",
) -> Adoption:
    """An official records another unit of theirs adopting an achievement."""
    ensure(achievements_visible_to(by).filter(pk=achievement.pk).exists(), Http404())
    scope = user_scope(by)
    ensure(scope.is_official or scope.is_superuser, PermissionDenied())
    managed = OrgUnit.objects.filter(within_paths(scope.official_paths, unit_field=None))
    ensure(
        scope.is_superuser or managed.filter(pk=org_unit.pk).exists(),
        ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
    )
    ensure(
        org_unit.pk != achievement.studio.org_unit_id,
        ValidationError({"org_unit": _("The studio's own unit does not adopt its achievement.")}),
    )
    ensure(
        adopted_on >= achievement.completed_on,
        ValidationError({"adopted_on": _("An achievement is adopted after it was completed.")}),
    )
    ensure(
        not achievement.adoptions.filter(org_unit=org_unit).exists(),
        Conflict(_("This unit has already adopted the achievement.")),
    )
    adoption = Adoption(
        achievement=achievement,
        org_unit=org_unit,
        adopted_on=adopted_on,
        annual_benefit=annual_benefit,
        notes=notes,
        recorded_by=by,
    )
    adoption.full_clean(validate_constraints=False)
    save_or_conflict(adoption, _("This unit has already adopted the achievement."))
    return adoption


@transaction.atomic
def attachment_add(*, record, by: User, upload):
    """A file on a problem, achievement or patent, by someone who may write it
    (the caller fetched `record` through the reader's scope)."""
    ensure_may_change(record, by)
    return attachments.attachment_create(owner=record, upload=upload, by=by)
