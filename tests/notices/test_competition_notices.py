# ruff: noqa: F811  (the competitions fixtures are imported, then asked for by name)
"""Five-small notices: the authors hear each step of their proposal, a
reviewer hears they are asked (a blind one without the authors, code or unit),
the office hears a returned proposal came back; the one who acted, and anyone
outside the proposal, hears nothing (docs/notices.md)."""

from decimal import Decimal

import pytest

from competitions import services
from competitions.models import Campaign, Proposal
from notices.kinds import render
from notices.models import Notice
from tests.competitions.conftest import (  # noqa: F401
    at,
    campaigns,
    make_proposal,
    panel,
)

pytestmark = pytest.mark.django_db
Status = Proposal.Status


def told(proposal, kind=None) -> dict[int, list[dict]]:
    """{recipient id: [params …]} of the proposal's notices (of `kind`)."""
    notices = Notice.objects.filter(record_type="competitions.proposal", record_id=proposal.pk)
    if kind:
        notices = notices.filter(kind=kind)
    people: dict[int, list[dict]] = {}
    for notice in notices.order_by("pk"):
        people.setdefault(notice.recipient_id, []).append(notice.params)
    return people


def kinds_of(proposal, person) -> list[str]:
    return list(
        Notice.objects.filter(
            record_type="competitions.proposal", record_id=proposal.pk, recipient=person
        )
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_the_authors_hear_every_step_to_the_award_with_their_own_share(org, at):
    proposal = at(Status.AWARDED)
    steps = [
        "competitions.proposal_submitted",
        "competitions.proposal_decided",
        "competitions.proposal_implemented",
        "competitions.benefit_verified",
        "competitions.proposal_awarded",
    ]
    assert kinds_of(proposal, org.worker_a) == steps
    assert kinds_of(proposal, org.colleague_a) == steps
    receipt = told(proposal, "competitions.proposal_submitted")[org.worker_a.pk][0]
    assert receipt["code"] == proposal.code
    assert proposal.code in render("competitions.proposal_submitted", receipt)
    shares = told(proposal, "competitions.proposal_awarded")
    assert Decimal(shares[org.worker_a.pk][0]["share"]) == Decimal(60)
    assert Decimal(shares[org.colleague_a.pk][0]["share"]) == Decimal(40)
    # Nobody but the authors and the reviewers: not the official who acted, not an outsider.
    for person in (org.official_a, org.group_official, org.worker_b):
        assert kinds_of(proposal, person) == []


@pytest.mark.parametrize(
    ("status", "kind", "reason"),
    [
        (Status.RETURNED, "competitions.proposal_returned", "请补充节水数据"),
        (Status.NOT_ELIGIBLE, "competitions.proposal_not_eligible", "不属于五小范围"),
        (Status.DUPLICATE, "competitions.proposal_duplicate", "-"),  # the original's code
    ],
)
def test_a_screening_outcome_reaches_the_authors_with_its_reason(org, at, status, kind, reason):
    proposal = at(status, co_authored=True)
    notices = told(proposal, kind)
    assert set(notices) == {org.worker_a.pk, org.colleague_a.pk}
    text = render(kind, notices[org.worker_a.pk][0])
    assert proposal.title in text
    assert reason in notices[org.worker_a.pk][0]["reason"]
    assert notices[org.worker_a.pk][0]["reason"] in text


def test_a_rejection_names_the_decision(org, at):
    proposal = at(Status.REJECTED)
    (params,) = told(proposal, "competitions.proposal_decided")[org.worker_a.pk]
    assert params["decision"] == str(Status.REJECTED.label)


def test_a_revised_proposal_tells_the_nearest_office_not_the_author(org, at):
    proposal = at(Status.RETURNED)
    services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
    back = told(proposal, "competitions.proposal_resubmitted")
    # Company A's officials are the nearest: not the group's.
    assert set(back) == {org.official_a.pk}
    assert back[org.official_a.pk][0]["code"] == proposal.code
    # The authors got their receipt once, at the first submission.
    assert kinds_of(proposal, org.colleague_a) == [
        "competitions.proposal_submitted",
        "competitions.proposal_returned",
    ]


def test_a_reviewer_hears_of_the_assignment_and_nobody_else(org, at, panel):
    proposal = at(Status.UNDER_REVIEW)
    assigned = told(proposal, "competitions.review_assigned")
    assert set(assigned) == {expert.pk for expert in panel.experts[:4]}
    assert proposal.title in render(
        "competitions.review_assigned", assigned[panel.experts[0].pk][0]
    )


def test_a_blind_reviewer_is_not_told_the_authors_code_or_unit(org, make_proposal, panel):
    proposal = make_proposal(org.worker_a)
    Campaign.objects.filter(pk=proposal.campaign_id).update(blind_review=True)
    services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
    services.reviewers_assign(
        proposal_id=proposal.pk, by=org.group_official, reviewers=[panel.experts[0]]
    )
    (params,) = told(proposal, "competitions.review_assigned")[panel.experts[0].pk]
    text = render("competitions.review_assigned", params)
    for secret in (proposal.code, org.worker_a.full_name, proposal.org_unit.name):
        assert secret not in text
        assert secret not in str(params.values())
