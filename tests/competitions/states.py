"""Bring a proposal to any state of issue 5 through the legal moves (the services),
so transition tests start from real histories. `awarded` comes from a later issue:
it is set directly, as the showcase tests only need the state."""

from competitions import services
from competitions.models import Proposal

Status = Proposal.Status

# The states an official over the author's unit can see (every one but `draft`).
SCREENED_OR_LATER = [
    Status.RETURNED,
    Status.WITHDRAWN,
    Status.NOT_ELIGIBLE,
    Status.DUPLICATE,
    Status.UNDER_REVIEW,
    Status.AWARDED,
]
ALL_OF_ISSUE_5 = [Status.DRAFT, Status.SUBMITTED, *SCREENED_OR_LATER]


def proposal_in(status, *, org, make_proposal, author=None, **fields) -> Proposal:
    """`author`'s (default: worker_a's) proposal in the open campaign, moved to
    `status` by the author and company A's official."""
    author = author or org.worker_a
    official = (
        org.official_a if author.org_unit.path.startswith(org.company_a.path) else (org.official_b)
    )
    if status == Status.DRAFT:
        return make_proposal(author, submit=False, **fields)
    proposal = make_proposal(author, **fields)
    pk = proposal.pk
    if status == Status.RETURNED:
        services.proposal_return(proposal_id=pk, by=official, comment="请补充节水数据")
    elif status == Status.WITHDRAWN:
        services.proposal_withdraw(proposal_id=pk, by=author)
    elif status == Status.NOT_ELIGIBLE:
        services.proposal_reject_ineligible(proposal_id=pk, by=official, reason="不属于五小范围")
    elif status == Status.DUPLICATE:
        original = make_proposal(org.colleague_a, title="井下喷雾降尘节水装置")
        services.proposal_mark_duplicate(proposal_id=pk, by=org.official_a, duplicate_of=original)
    elif status == Status.UNDER_REVIEW:
        services.proposal_screen(proposal_id=pk, by=official)
    elif status == Status.AWARDED:
        Proposal.objects.filter(pk=pk).update(status=Status.AWARDED)
    else:
        assert status == Status.SUBMITTED, status
    return Proposal.objects.get(pk=pk)
