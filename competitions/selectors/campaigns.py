"""Who sees which campaigns (everyone who may enter, and the officials of any
unit inside or above the organiser) and a campaign's figures."""

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import OrgUnit, RoleGrant, User
from accounts.selectors import people_managed_by, user_scope
from competitions.models import (
    Campaign,
    CoAuthor,
    Proposal,
)
from competitions.selectors.proposals import proposals_managed_by
from core.scoping import signed_in, within_paths


def _own_unit_path(user) -> str | None:
    if not user.org_unit_id:
        return None
    return OrgUnit.objects.filter(pk=user.org_unit_id).values_list("path", flat=True).first()


def _with_ancestors(paths) -> set[str]:
    """Each path and the paths of its ancestors (every prefix one step long)."""
    step = OrgUnit.steplen
    return {path[:end] for path in paths if path for end in range(step, len(path) + 1, step)}


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    if not signed_in(user):
        return Campaign.objects.none()
    campaigns = Campaign.objects.select_related("org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return campaigns
    above = _with_ancestors([scope.unit_path, *scope.official_paths])
    return campaigns.filter(
        Q(org_unit__path__in=above) | within_paths(scope.official_paths, unit_field="org_unit")
    )


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    """Campaigns organised within the units the person answers for."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Campaign.objects.select_related("org_unit")
    return Campaign.objects.select_related("org_unit").filter(
        within_paths(scope.official_paths, unit_field="org_unit")
    )


def campaigns_open_to(user, at=None) -> QuerySet[Campaign]:
    """Campaigns the person may enter right now (their own unit is inside)."""
    if not signed_in(user):
        return Campaign.objects.none()
    at = at or timezone.now()
    return (
        Campaign.objects.select_related("org_unit")
        .filter(org_unit__path__in=_with_ancestors([_own_unit_path(user)]))
        .filter(opens_at__lte=at, closes_at__gt=at)
    )


def _takes_part(campaign: Campaign) -> Q:
    """People whose own unit lies in the campaign's organising subtree."""
    return Q(org_unit__path__startswith=campaign.org_unit.path)


def may_enter(person: User, campaign: Campaign) -> bool:
    """Whether `person`'s unit lies in the campaign's organising subtree."""
    return User.objects.filter(_takes_part(campaign), pk=person.pk).exists()


def authors_offered(user, campaign: Campaign) -> QuerySet[User]:
    """Whom `user` may enter a proposal for in `campaign` (on a worker's
    behalf): people in the units they answer for as an official who take part
    in it. The author picker's choices and what `proposal_create` accepts, so
    the picker never offers someone the entry would refuse."""
    return people_managed_by(user).filter(_takes_part(campaign)).select_related("org_unit")


def campaign_figures(campaign: Campaign, user) -> dict:
    """A campaign's numbers within what the viewer answers for: counts by
    category, state and unit (one level below the organiser), and participation
    (entrants ÷ people in the units that may enter)."""
    entered = (
        proposals_managed_by(user).filter(campaign=campaign).exclude(status=Proposal.Status.DRAFT)
    )
    by_category = dict(entered.values_list("category").annotate(n=Count("id")).order_by())
    by_status = dict(entered.values_list("status").annotate(n=Count("id")).order_by())
    child_length = len(campaign.org_unit.path) + OrgUnit.steplen
    by_unit_path = dict(
        entered.annotate(branch=Substr("org_unit__path", 1, child_length))
        .values_list("branch")
        .annotate(n=Count("id"))
        .order_by()
    )
    branches = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(path__in=list(by_unit_path)).only("name", "path")
    }
    scope = user_scope(user)
    # Workers of the units that may enter (union officials run it, they do not enter).
    people = User.objects.filter(
        org_unit__path__startswith=campaign.org_unit.path, is_active=True
    ).exclude(role_grants__role=RoleGrant.Role.UNION_OFFICIAL)
    if not scope.is_superuser:
        people = people.filter(within_paths(scope.official_paths, unit_field="org_unit"))
    # Entrants: authors and co-authors of anything submitted, among those people.
    entrants = people.filter(
        Exists(entered.filter(author=OuterRef("pk")))
        | Exists(CoAuthor.objects.filter(proposal__in=entered, person=OuterRef("pk")))
    ).count()
    headcount = people.count()
    return {
        "total": sum(by_status.values()),
        "by_category": [
            (label, by_category.get(code, 0)) for code, label in Proposal.Category.choices
        ],
        "by_status": [
            (label, by_status[code])
            for code, label in Proposal.Status.choices
            if by_status.get(code)
        ],
        "by_unit": sorted(
            (
                (branches[path].name if path in branches else "—", n)
                for path, n in by_unit_path.items()
            ),
            key=lambda row: -row[1],
        ),
        "entrants": entrants,
        "headcount": headcount,
    }
