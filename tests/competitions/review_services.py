"""What the review service tests share."""

from decimal import Decimal

from competitions import services


def verify(proposal, by, panel):
    return services.proposal_verify_benefit(
        proposal_id=proposal.pk, by=by, verified_benefit=Decimal("86000.50"), evidence="财务核算单"
    )


def award(proposal, by, panel):
    return services.proposal_award(proposal_id=proposal.pk, by=by, grade="encouragement")


def person(org, panel, who):
    return {
        "reviewer": panel.experts[0],
        "outside_expert": panel.experts[4],  # a reviewer, but not of this proposal
    }.get(who) or getattr(org, who)
