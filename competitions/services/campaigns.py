"""Campaigns: the union office sets the window, the rubric and the prizes."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import is_official
from accounts.services import unit_checked
from competitions.models import MAX_QUOTA, Award, AwardGrade, Campaign, Criterion, Proposal
from competitions.selectors import campaigns_managed_by, campaigns_visible_to
from core.exceptions import Conflict
from core.services import ensure

MAX_AMOUNT = Decimal(10) ** 10  # a prize of ten billion yuan is a typing mistake


def default_rubric() -> list[tuple[str, int]]:
    """The usual five-small rubric (docs/domain.md), named in the office's language."""
    return [
        (_("Technical level"), 30),
        (_("Economic benefit"), 30),
        (_("Scope of application"), 20),
        (_("Practicality"), 20),
    ]


# States in which no reviewer has looked at a proposal yet.
PRE_REVIEW = {
    Proposal.Status.DRAFT,
    Proposal.Status.SUBMITTED,
    Proposal.Status.RETURNED,
    Proposal.Status.WITHDRAWN,
    Proposal.Status.NOT_ELIGIBLE,
    Proposal.Status.DUPLICATE,
}

# Changing these once reviewers have started would make earlier scores unfair.
REVIEW_SETTINGS = {"criteria", "min_reviews", "blind_review", "drop_extremes"}
CAMPAIGN_FIELDS = {
    "name",
    "year",
    "org_unit",
    "description",
    "opens_at",
    "closes_at",
    "review_deadline",
    "grades",
    *REVIEW_SETTINGS,
}


def _criteria_checked(criteria: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    rows = [((name or "").strip(), int(points)) for name, points in criteria]
    ensure(bool(rows), ValidationError({"criteria": _("The rubric needs at least one criterion.")}))
    ensure(
        all(name for name, _points in rows),
        ValidationError({"criteria": _("Every criterion needs a name.")}),
    )
    ensure(
        len({name for name, _points in rows}) == len(rows),
        ValidationError({"criteria": _("A criterion is listed twice.")}),
    )
    ensure(
        all(1 <= points <= 100 for _name, points in rows),
        ValidationError({"criteria": _("Each maximum is between 1 and 100 points.")}),
    )
    return rows


def _grades_checked(grades: Sequence[tuple[str, int | None, Decimal]]) -> list[tuple]:
    rows = list(grades)
    codes = [grade for grade, _quota, _amount in rows]
    ensure(
        all(code in AwardGrade.Grade.values for code in codes),
        ValidationError({"grades": _("Unknown award grade.")}),
    )
    ensure(
        len(set(codes)) == len(codes),
        ValidationError({"grades": _("An award grade is listed twice.")}),
    )
    ensure(
        all(quota is None or 1 <= quota <= MAX_QUOTA for _grade, quota, _amount in rows),
        ValidationError({"grades": _("A quota is at least 1 (leave it empty for no limit).")}),
    )
    ensure(
        all(
            amount is not None and Decimal(0) <= Decimal(amount) < MAX_AMOUNT
            for _grade, _quota, amount in rows
        ),
        ValidationError({"grades": _("Give each grade an amount of 0 or more.")}),
    )
    return rows


def _check_dates(campaign: Campaign) -> None:
    ensure(
        campaign.closes_at > campaign.opens_at,
        ValidationError({"closes_at": _("Submissions close after they open.")}),
    )
    ensure(
        campaign.review_deadline >= timezone.localtime(campaign.closes_at).date(),
        ValidationError(
            {"review_deadline": _("The review deadline is on or after the closing day.")}
        ),
    )


def _ensure_manages_unit(org_unit: OrgUnit, by: User) -> None:
    ensure(is_official(by), PermissionDenied(_("Only union officials run campaigns.")))
    unit_checked(org_unit, by)


def _set_rubric(campaign: Campaign, criteria: list[tuple[str, int]]) -> None:
    campaign.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(campaign=campaign, position=position, name=name, max_points=points)
        for position, (name, points) in enumerate(criteria, start=1)
    )


def _set_grades(campaign: Campaign, grades: list[tuple]) -> None:
    campaign.grades.all().delete()
    AwardGrade.objects.bulk_create(
        AwardGrade(campaign=campaign, grade=grade, quota=quota, amount=amount)
        for grade, quota, amount in grades
    )


@transaction.atomic
def campaign_create(
    *,
    by: User,
    org_unit: OrgUnit,
    name: str,
    year: int,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    review_deadline: datetime.date,
    description: str = "",
    blind_review: bool = True,
    min_reviews: int = 3,
    drop_extremes: bool = False,
    criteria: Sequence[tuple[str, int]] | None = None,
    grades: Sequence[tuple[str, int | None, Decimal]] = (),
) -> Campaign:
    """An official opens a campaign for their unit (or one below it)."""
    _ensure_manages_unit(org_unit, by)
    rubric = _criteria_checked(default_rubric() if criteria is None else criteria)
    prize_grades = _grades_checked(grades)
    campaign = Campaign(
        org_unit=org_unit,
        name=name,
        year=year,
        opens_at=opens_at,
        closes_at=closes_at,
        review_deadline=review_deadline,
        description=description,
        blind_review=blind_review,
        min_reviews=min_reviews,
        drop_extremes=drop_extremes,
        created_by=by,
    )
    _check_dates(campaign)
    campaign.full_clean()
    campaign.save()
    _set_rubric(campaign, rubric)
    _set_grades(campaign, prize_grades)
    return campaign


def campaign_locked_for_official(campaign_id: int, by: User) -> Campaign:
    """The campaign row-locked for one of the officials over its organiser: a
    campaign `by` does not see is a 404, one they see without running it a 403."""
    campaign = campaigns_managed_by(by).select_for_update(of=("self",)).filter(pk=campaign_id)
    campaign = campaign.first()
    if campaign is None:
        visible = campaigns_visible_to(by).filter(pk=campaign_id).exists()
        raise PermissionDenied if visible else Http404
    return campaign


@transaction.atomic
def campaign_update(*, campaign_id: int, by: User, **changes) -> Campaign:
    """Edit a campaign; the rubric and review settings are fixed once review starts."""
    campaign = campaign_locked_for_official(campaign_id, by)
    unknown = set(changes) - CAMPAIGN_FIELDS
    ensure(
        not unknown,
        PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if REVIEW_SETTINGS & set(changes):
        in_review = campaign.proposals.exclude(status__in=PRE_REVIEW).exists()
        ensure(
            not in_review,
            Conflict(_("Review has started: the rubric and review settings are fixed.")),
        )
    entered = {"org_unit", "year"} & {
        field for field, value in changes.items() if value != getattr(campaign, field, value)
    }
    if entered:
        ensure(
            not campaign.proposals.exclude(status=Proposal.Status.DRAFT).exists(),
            Conflict(_("Proposals have been submitted: the unit and year are fixed.")),
        )
    if "grades" in changes:
        # Awards point at their grade (and were paid its amount): the grades are
        # fixed from the first award on.
        ensure(
            not Award.objects.filter(grade__campaign=campaign).exists(),
            Conflict(_("Awards have been given: the prize grades are fixed.")),
        )
    if "org_unit" in changes:
        _ensure_manages_unit(changes["org_unit"], by)
    criteria = changes.pop("criteria", None)
    grades = changes.pop("grades", None)
    for field, value in changes.items():
        setattr(campaign, field, value)
    _check_dates(campaign)
    campaign.full_clean()
    campaign.save()
    if criteria is not None:
        _set_rubric(campaign, _criteria_checked(criteria))
    if grades is not None:
        _set_grades(campaign, _grades_checked(grades))
    return campaign
