"""What the review page tests share: the proposals under review and reading a page."""

from decimal import Decimal

from django.urls import reverse

from competitions.models import Award, Proposal, ProposalEvent, Review, ReviewAssignment
from tests.competitions.pages import url
from tests.competitions.review_steps import assign, review
from tests.competitions.states import proposal_in

QUEUE = reverse("competitions:review-queue")

Status = Proposal.Status


def post(client, name, proposal, **data):
    return client.post(url(name, proposal), data)


def review_form(proposal) -> str:
    return reverse("competitions:review-form", args=[proposal.pk])


def snapshot(proposal) -> tuple:
    """What a refused step must leave as it was."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    return (
        proposal.status,
        proposal.score,
        proposal.decided_at,
        proposal.decision_reason,
        proposal.implemented_on,
        proposal.verified_benefit,
        ProposalEvent.objects.filter(proposal=proposal).count(),
        Award.objects.filter(proposal=proposal).count(),
        list(
            ReviewAssignment.objects.filter(proposal=proposal)
            .order_by("id")
            .values_list("reviewer_id", "replaced_at")
        ),
        list(Review.objects.filter(proposal=proposal).order_by("id").values_list("id", "total")),
    )


# --- The award table and the board --------------------------------------------------------


def board(campaign) -> str:
    return reverse("competitions:campaign-board", args=[campaign.pk])


# --- Query counts -------------------------------------------------------------------------


def crowd(org, make_proposal, people, count):
    """`count` proposals under review by worker_a, each assigned to reviewers 1–3,
    two of them scored (so the board has scores), reviewer 1 on every third."""
    titles = ["井下喷雾降尘装置节水改造", "皮带机托辊更换工具改进", "刮板输送机链条张紧装置"]
    for index in range(count):
        proposal = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            title=f"{titles[index % 3]}（第{index}版）",
            co_authors=[(org.colleague_a, Decimal(10))],
        )
        assign(proposal, org.official_a, [people.one, people.two, people.three])
        review(proposal, people.two, 20, 20, 10, 10)
        review(proposal, people.three, 25, 25, 15, 15)
        if index % 3 == 0:
            review(proposal, people.one)
