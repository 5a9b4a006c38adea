"""Bring a proposal to any state through the legal moves (the services), so
transition tests start from real histories. `proposal_in` covers entry and
screening (its `awarded` is set directly, as the showcase tests only need the state);
`proposal_reviewed` goes on through review, decision, implementation,
verification and award."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import OrgUnit
from competitions import services
from competitions.models import Award, AwardGrade, AwardShare, Proposal, ReviewScore
from tests.factories import PersonFactory, make_unit

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
UP_TO_SCREENING = [Status.DRAFT, Status.SUBMITTED, *SCREENED_OR_LATER]


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
        # The original is the earlier proposal.
        Proposal.objects.filter(pk=original.pk).update(
            submitted_at=original.submitted_at - datetime.timedelta(days=1)
        )
        services.proposal_mark_duplicate(proposal_id=pk, by=org.official_a, duplicate_of=original)
    elif status == Status.UNDER_REVIEW:
        services.proposal_screen(proposal_id=pk, by=official)
    elif status == Status.AWARDED:
        Proposal.objects.filter(pk=pk).update(status=Status.AWARDED)
    else:
        assert status == Status.SUBMITTED, status
    return Proposal.objects.get(pk=pk)


# --- After screening: review, decision, implementation, verified benefit, award ----------------

# The states after screening that the review services reach, in order.
REVIEWED = [
    Status.UNDER_REVIEW,
    Status.APPROVED,
    Status.REJECTED,
    Status.IMPLEMENTED,
    Status.BENEFIT_VERIFIED,
    Status.AWARDED,
]
# Every state a proposal can be in (up to screening, then these).
EVERY_STATE = [s for s in UP_TO_SCREENING if s not in REVIEWED] + REVIEWED


def reviewer_panel(org) -> SimpleNamespace:
    """Reviewers nobody recuses: five in company C (team C101), outside both
    authors' companies, so only the group official (and a superuser) can pick
    them; `neighbour` in a new team A103 of mine A1, whom company A's official
    can pick too; and `teammate`, in worker_a's own team A101, who is recused."""
    company_c = make_unit("C", org.group, OrgUnit.Kind.COMPANY)
    team_c101 = make_unit("C101", make_unit("C1", company_c, OrgUnit.Kind.PLANT))
    names = ["评审甲", "评审乙", "评审丙", "评审丁", "评审戊"]
    experts = [
        PersonFactory(employee_no=f"reviewer{n}", full_name=name, org_unit=team_c101)
        for n, name in enumerate(names, start=1)
    ]
    return SimpleNamespace(
        company_c=company_c,
        team_c101=team_c101,
        experts=experts,
        neighbour=PersonFactory(
            employee_no="neighbour", full_name="邻队评审", org_unit=make_unit("A103", org.mine_a1)
        ),
        teammate=PersonFactory(
            employee_no="teammate", full_name="同组评审", org_unit=org.team_a101
        ),
    )


def rubric_scores(campaign, total) -> dict[int, Decimal]:
    """Points per criterion of the campaign's rubric adding up to `total`, each
    within its maximum (the first criteria filled first)."""
    left = Decimal(total)
    scores = {}
    for criterion in campaign.criteria.order_by("position"):
        scores[criterion.pk] = min(left, Decimal(criterion.max_points))
        left -= scores[criterion.pk]
    assert left == 0, f"{total} is more than the rubric's maximum"
    return scores


def official_over(org, author):
    """The company official who answers for `author`'s proposals."""
    return org.official_a if author.org_unit.path.startswith(org.company_a.path) else org.official_b


def proposal_reviewed(
    status,
    *,
    org,
    make_proposal,
    reviewers,
    totals=(80, 70, 60),
    author=None,
    official=None,
    grade=AwardGrade.Grade.ENCOURAGEMENT,
    **fields,
) -> Proposal:
    """`author`'s (default: worker_a's) proposal screened, with `reviewers`
    assigned by the group official and the first `len(totals)` of them having
    reviewed it with those totals; then moved on to `status` by `official`
    (default: the author's company official): approved (or rejected),
    implemented, its benefit verified, awarded `grade`. Every step goes through
    the services, so histories are real."""
    author = author or org.worker_a
    official = official or official_over(org, author)
    proposal = make_proposal(author, **fields)
    pk, campaign = proposal.pk, proposal.campaign
    services.proposal_screen(proposal_id=pk, by=official)
    services.reviewers_assign(proposal_id=pk, by=org.group_official, reviewers=reviewers)
    for reviewer, total in zip(reviewers, totals, strict=False):
        services.review_submit(
            proposal_id=pk, by=reviewer, scores=rubric_scores(campaign, total), comment="可行"
        )
    if status != Status.UNDER_REVIEW:
        if status == Status.REJECTED:
            services.proposal_decide(
                proposal_id=pk, by=official, outcome=Status.REJECTED, reason="效益不明显"
            )
        else:
            services.proposal_decide(proposal_id=pk, by=official, outcome=Status.APPROVED)
    if status in (Status.IMPLEMENTED, Status.BENEFIT_VERIFIED, Status.AWARDED):
        services.proposal_implement(
            proposal_id=pk, by=official, implemented_on=timezone.localdate(), department="综采一队"
        )
    if status in (Status.BENEFIT_VERIFIED, Status.AWARDED):
        services.proposal_verify_benefit(
            proposal_id=pk,
            by=official,
            verified_benefit=Decimal("98000.00"),
            evidence="财务科 2024 年节水核算单",
        )
    if status == Status.AWARDED:
        services.proposal_award(proposal_id=pk, by=official, grade=grade)
    return Proposal.objects.get(pk=pk)


def proposal_at(status, *, org, make_proposal, reviewers, **kwargs) -> Proposal:
    """Any state: those up to screening through `proposal_in`, the reviewed ones through
    `proposal_reviewed` (so `awarded` here is a real award)."""
    if status in REVIEWED:
        return proposal_reviewed(
            status, org=org, make_proposal=make_proposal, reviewers=reviewers, **kwargs
        )
    kwargs.pop("totals", None)
    return proposal_in(status, org=org, make_proposal=make_proposal, **kwargs)


def review_snapshot(proposal) -> dict:
    """Everything the review services write about a proposal: a refused call must
    leave all of it as it was."""
    fresh = Proposal.objects.get(pk=proposal.pk)
    return {
        "status": fresh.status,
        "events": fresh.events.count(),
        "decision": (fresh.score, fresh.decided_at, fresh.decision_reason),
        "implementation": (
            fresh.implemented_on,
            fresh.implementing_department,
            fresh.achievement_id,
        ),
        "verification": (
            fresh.verified_benefit,
            fresh.verification_evidence,
            fresh.verified_by_id,
            fresh.verified_on,
        ),
        "assignments": sorted(
            fresh.assignments.values_list("reviewer_id", "replaced_at", "due_on")
        ),
        "reviews": sorted(fresh.reviews.values_list("reviewer_id", "total", "comment")),
        "scores": sorted(
            ReviewScore.objects.filter(review__proposal=fresh).values_list(
                "review__reviewer_id", "criterion_id", "points"
            )
        ),
        "awards": Award.objects.count(),
        "award_shares": AwardShare.objects.count(),
    }
