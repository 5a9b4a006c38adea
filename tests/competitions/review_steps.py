"""Bring a proposal through review, decision, implementation, verification and
award with the services, so page tests start from real histories.
Shared by the review pages' tests and the browser journey."""

import datetime
from decimal import Decimal

from django.utils import timezone

from competitions import services
from competitions.models import Criterion, Proposal

Status = Proposal.Status

DEPARTMENT = "综采一队"
EVIDENCE = "财务部确认单 CW-2024-031"
VERIFIED = Decimal("98000")


def scores_for(campaign, *points) -> dict[int, Decimal]:
    """{criterion id: points}, in rubric order; with no points, each criterion's
    maximum less five."""
    criteria = list(Criterion.objects.filter(campaign=campaign).order_by("position"))
    if not points:
        points = [criterion.max_points - 5 for criterion in criteria]
    assert len(points) == len(criteria), "one score per criterion"
    return {criterion.pk: Decimal(str(p)) for criterion, p in zip(criteria, points, strict=True)}


def assign(proposal, official, reviewers) -> Proposal:
    return services.reviewers_assign(proposal_id=proposal.pk, by=official, reviewers=reviewers)


def review(proposal, reviewer, *points, comment="思路清晰，可推广。"):
    return services.review_submit(
        proposal_id=proposal.pk,
        by=reviewer,
        scores=scores_for(proposal.campaign, *points),
        comment=comment,
    )


def reviewed(proposal, official, reviewers, *totals) -> Proposal:
    """Assign `reviewers` and have each of them review; `totals` (optional) are
    spread over the rubric as each criterion's share of it."""
    assign(proposal, official, reviewers)
    for index, reviewer in enumerate(reviewers):
        if totals:
            review(proposal, reviewer, *_spread(proposal.campaign, totals[index]))
        else:
            review(proposal, reviewer)
    return Proposal.objects.get(pk=proposal.pk)


def _spread(campaign, total) -> list[Decimal]:
    """Points per criterion adding up to `total` (the same fraction of each maximum)."""
    maxima = list(
        Criterion.objects.filter(campaign=campaign)
        .order_by("position")
        .values_list("max_points", flat=True)
    )
    fraction = Decimal(str(total)) / sum(maxima)
    return [Decimal(m) * fraction for m in maxima]


def advance(proposal, official, to: str, *, grade="first") -> Proposal:
    """From `approved` (or an earlier step after the decision) to `to`, through
    each legal step in turn."""
    order = [Status.APPROVED, Status.IMPLEMENTED, Status.BENEFIT_VERIFIED, Status.AWARDED]
    pk = proposal.pk
    for status in order[order.index(proposal.status) + 1 : order.index(to) + 1]:
        if status == Status.IMPLEMENTED:
            services.proposal_implement(
                proposal_id=pk,
                by=official,
                department=DEPARTMENT,
                implemented_on=timezone.localdate(),
            )
        elif status == Status.BENEFIT_VERIFIED:
            services.proposal_verify_benefit(
                proposal_id=pk,
                by=official,
                verified_benefit=VERIFIED,
                evidence=EVIDENCE,
                verified_on=timezone.localdate() - datetime.timedelta(days=1),
            )
        elif status == Status.AWARDED:
            services.proposal_award(proposal_id=pk, by=official, grade=grade)
    return Proposal.objects.get(pk=pk)


def decided(proposal, official, reviewers, to=Status.APPROVED, **award) -> Proposal:
    """Reviewed by `reviewers`, approved, and carried on to `to`."""
    reviewed(proposal, official, reviewers)
    proposal = services.proposal_decide(proposal_id=proposal.pk, by=official, outcome="approved")
    return advance(proposal, official, to, **award)
