"""Awards: which a page lists (a campaign's award table, a proposal's prize, the
awarded proposals) and who sees the awards' split, each person's part of an
award, for the award table, finance's list and the person's own record
(docs/access.md)."""

from django.db.models import Q, QuerySet

from accounts.selectors import user_scope
from competitions.models import Award, AwardGrade, AwardShare, Campaign, Proposal
from competitions.selectors.proposals import proposals_managed_by, proposals_visible_to
from core.scoping import signed_in, within_paths
from core.selectors import choice_order


def award_shares_visible_to(user) -> QuerySet[AwardShare]:
    """The shares of the awards on proposals from units the viewer is an
    official over (as `proposals_managed_by`: awarded proposals are never
    drafts), and the viewer's own shares anywhere."""
    if not signed_in(user):
        return AwardShare.objects.none()
    shares = AwardShare.objects.select_related(
        "person",
        "award__grade",
        "award__proposal__campaign",
        "award__proposal__org_unit",
    )
    scope = user_scope(user)
    if scope.is_superuser:
        return shares
    managed = within_paths(scope.official_paths, unit_field="award__proposal__org_unit")
    return shares.filter(managed | Q(person=user))


def awards_managed_by(user, campaign: Campaign) -> QuerySet[Award]:
    """The campaign's awards on the proposals the official answers for
    (`proposals_managed_by`), by the grade's rank (special prize first, not
    the order the grades were set up in), then proposal code, each with its
    grade, proposal and unit and every person's share: the award table's rows
    and finance's award list."""
    return (
        Award.objects.filter(proposal__campaign=campaign, proposal__in=proposals_managed_by(user))
        .select_related("grade", "proposal", "proposal__org_unit")
        .prefetch_related("shares__person")
        .order_by(choice_order("grade__grade", AwardGrade.Grade.values), "proposal__code", "id")
    )


def proposals_awaiting_award(user, campaign: Campaign) -> QuerySet[Proposal]:
    """The campaign's proposals the official answers for whose benefit is
    verified, the step before an award, largest verified benefit first."""
    return (
        proposals_managed_by(user)
        .filter(campaign=campaign, status=Proposal.Status.BENEFIT_VERIFIED)
        .order_by("-verified_benefit")
    )


def awarded_proposals(user, campaign: Campaign) -> QuerySet[Proposal]:
    """The campaign's awarded proposals the viewer sees (an awarded proposal is
    every signed-in user's to read), by code, each with its award's grade."""
    return (
        proposals_visible_to(user)
        .filter(campaign=campaign, status=Proposal.Status.AWARDED)
        .select_related("award__grade")
        .order_by("code")
    )


def award_of(proposal: Proposal) -> Award | None:
    """The proposal's award with its grade and every person's share (None
    before it is awarded). Who reads the shares is the page's to say
    (`ProposalAccess.follows`)."""
    return (
        Award.objects.select_related("grade")
        .prefetch_related("shares__person")
        .filter(proposal=proposal)
        .first()
    )
