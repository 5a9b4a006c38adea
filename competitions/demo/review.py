"""Demo review, decisions and awards: last year's
campaign went all the way; this year's proposals are spread over the steps."""

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from accounts.models import OrgUnit, User
from competitions import services
from competitions.demo import background
from competitions.demo.entry import ACTIONS, DEMO_ACCOUNTS, GRADES, advance
from competitions.models import (
    Award,
    Campaign,
    Proposal,
    ProposalEvent,
    Review,
    ReviewAssignment,
)
from competitions.selectors import recusal_reason, unreviewed_assignments, with_scores
from competitions.services.reminders import REVIEW_DUE_SOON_DAYS, review_reminders_send
from core import demo

Status = Proposal.Status


REVIEWERS = ("reviewer", "reviewer2", "reviewer3")
# Below this mean score a proposal is not approved.
PASS_MARK = Decimal(70)


def seed_worker_last_year(campaign: Campaign, official: User) -> None:
    """`worker` took part last year too, and that proposal is awarded below."""
    worker = User.objects.get(employee_no="worker")
    _action, category, goals, situation, improvement = ACTIONS[2]
    proposal = services.proposal_create(
        by=worker,
        campaign=campaign,
        title="采煤机截齿快速拆装装置研制",
        category=category,
        goals=goals,
        post=worker.post or "综采队",
        current_situation=situation,
        improvement=improvement,
        expected_effect="更换截齿时间由40分钟缩短到15分钟。",
        expected_benefit=Decimal(300000),
    )
    advance(proposal, Status.UNDER_REVIEW, official, random.Random(1))


def _scores(proposal: Proposal, criteria, rng: random.Random) -> dict:
    # `worker`'s proposal from last year is a good one (it is awarded).
    strong = proposal.author.employee_no == "worker"
    return {
        c.pk: Decimal(round(c.max_points * rng.uniform(0.8 if strong else 0.5, 0.97) * 2) / 2)
        for c in criteria
    }


COMMENTS = [
    "思路清晰，效果明显。",
    "建议补充效益测算依据。",
    "实用性强，可在同类岗位推广。",
    "创新点不够突出。",
]
DEPARTMENTS = ["机电科", "生产技术科", "通风科", "运输队", "检修车间"]
REJECTION = "创新性和效益不足，建议结合岗位实际继续完善。"


def _review(proposal: Proposal, reviewers: list[User], rng: random.Random, count: int) -> None:
    criteria = list(proposal.campaign.criteria.all())
    for reviewer in reviewers[:count]:
        scores = _scores(proposal, criteria, rng)
        services.review_submit(
            proposal_id=proposal.pk, by=reviewer, scores=scores, comment=rng.choice(COMMENTS)
        )


def _panel_for(
    proposal: Proposal, reviewers: list[User], stand_ins: list[User], recusal=recusal_reason
) -> list[User]:
    """The three demo reviewers, with a stand-in for any who is recused."""
    spare = [person for person in stand_ins if not recusal(proposal, person)]
    return [r if not recusal(proposal, r) else spare.pop(0) for r in reviewers]


# This year's proposals under review go through the steps in turn, so every
# step has something in it: (reviews in, decided, implemented, verified).
THIS_YEARS_STEPS = [
    (0, False, False, False),  # in the reviewers' queues
    (1, False, False, False),  # one review in
    (3, False, False, False),  # on the decisions board
    (3, True, False, False),  # decided
    (3, True, True, False),  # put into practice
    (3, True, True, True),  # benefit verified (the best are awarded)
]


def _through_services(proposal, panel, steps, official, rng) -> None:
    """A demo account's proposal: every step through the services."""
    services.reviewers_assign(proposal_id=proposal.pk, by=official, reviewers=panel)
    reviews, decided, implemented, verified = steps
    _review(proposal, panel, rng, count=reviews)
    if not decided:
        return
    score = with_scores(Proposal.objects.filter(pk=proposal.pk)).values_list(
        "current_score", flat=True
    )[0]
    approved = score >= PASS_MARK
    services.proposal_decide(
        proposal_id=proposal.pk,
        by=official,
        outcome=Status.APPROVED if approved else Status.REJECTED,
        reason="" if approved else REJECTION,
    )
    if not (approved and implemented):
        return
    services.proposal_implement(
        proposal_id=proposal.pk,
        by=official,
        implemented_on=timezone.localdate(),
        department=rng.choice(DEPARTMENTS),
    )
    if not verified:
        return
    expected = proposal.expected_benefit or Decimal(50000)
    services.proposal_verify_benefit(
        proposal_id=proposal.pk,
        by=official,
        verified_benefit=(expected * Decimal(rng.uniform(0.6, 1.1))).quantize(Decimal(1)),
        evidence=f"财务部门效益确认单 CW-{proposal.campaign.year}-{proposal.pk:04d}",
    )


def _in_bulk(proposal, panel, steps, writer: background.Reviewing, rng) -> None:
    """A background proposal: the same steps and random choices, written in
    bulk by `writer` afterwards."""
    writer.assign(proposal, panel)
    reviews, decided, implemented, verified = steps
    totals = [
        writer.review(
            proposal, reviewer, _scores(proposal, writer.criteria, rng), rng.choice(COMMENTS)
        )
        for reviewer in panel[:reviews]
    ]
    if not decided:
        return
    approved = writer.decide(proposal, totals, PASS_MARK, REJECTION)
    if not (approved and implemented):
        return
    writer.implement(proposal, rng.choice(DEPARTMENTS))
    if not verified:
        return
    expected = proposal.expected_benefit or Decimal(50000)
    writer.verify(
        proposal,
        (expected * Decimal(rng.uniform(0.6, 1.1))).quantize(Decimal(1)),
        f"财务部门效益确认单 CW-{proposal.campaign.year}-{proposal.pk:04d}",
    )


def review_and_award(campaign: Campaign, official: User, rng: random.Random, *, last_year: bool):
    """Reviewers score the proposals under review, the office decides,
    implementation and verification follow, and prizes go by score within the
    campaign's quotas. Last year's went all the way; this year's are spread over
    the steps (`worker`'s screened proposal waits in the reviewers' queues).
    The demo accounts' proposals go through the services; the background's are
    written in bulk (competitions.demo.background)."""
    reviewers = list(User.objects.filter(employee_no__in=REVIEWERS).order_by("employee_no"))
    stand_ins = list(
        User.objects.filter(org_unit__code="C101").exclude(employee_no__in=DEMO_ACCOUNTS)[:3]
    )
    writer = background.Reviewing(campaign, official)
    under_review = Proposal.objects.filter(campaign=campaign, status=Status.UNDER_REVIEW)
    for index, proposal in enumerate(
        under_review.select_related("campaign", "author", "author__org_unit")
    ):
        steps = (3, True, True, True) if last_year else THIS_YEARS_STEPS[index % 6]
        if proposal.author.employee_no in DEMO_ACCOUNTS:
            if proposal.author.employee_no == "worker" and not last_year:
                steps = THIS_YEARS_STEPS[0]
            panel = _panel_for(proposal, reviewers, stand_ins)
            _through_services(proposal, panel, steps, official, rng)
        else:
            panel = _panel_for(proposal, reviewers, stand_ins, writer.recusal)
            _in_bulk(proposal, panel, steps, writer, rng)
    writer.write()
    _award_by_score(campaign, official, limit=80 if last_year else 2)


def _award_by_score(campaign: Campaign, official: User, limit: int | None) -> None:
    """Best score first, each into the highest grade with a place left (a demo
    account's through `proposal_award`, the background's in bulk)."""
    ranked = list(
        Proposal.objects.filter(campaign=campaign, status=Status.BENEFIT_VERIFIED)
        .select_related("campaign", "author")
        .order_by("-score", "id")[:limit]
    )
    prizes = {prize.grade: prize for prize in campaign.grades.all()}
    given = Counter(Award.objects.filter(grade__campaign=campaign).values_list("grade", flat=True))
    writer = background.Reviewing(campaign, official)
    for proposal in ranked:
        for grade, _quota, _amount in GRADES:
            prize = prizes[grade]
            if prize.quota is None or given[prize.pk] < prize.quota:
                if proposal.author.employee_no in DEMO_ACCOUNTS:
                    services.proposal_award(proposal_id=proposal.pk, by=official, grade=grade)
                else:
                    writer.award(proposal, prize)
                given[prize.pk] += 1
                break
    writer.write()


def date_last_years_results(campaign: Campaign, year: int) -> None:
    """Last year's review, decisions and awards happened last November and
    December, not today (demo data only: the services stamp "now")."""
    at = {
        Status.APPROVED: datetime.datetime(year, 11, 20, 10),
        Status.REJECTED: datetime.datetime(year, 11, 20, 10),
        Status.IMPLEMENTED: datetime.datetime(year, 12, 1, 10),
        Status.BENEFIT_VERIFIED: datetime.datetime(year, 12, 15, 10),
        Status.AWARDED: datetime.datetime(year, 12, 28, 10),
    }
    events = ProposalEvent.objects.filter(proposal__campaign=campaign)
    for status, moment in at.items():
        events.filter(to_state=status).update(at=timezone.make_aware(moment))
    proposals = Proposal.objects.filter(campaign=campaign)
    proposals.filter(decided_at__isnull=False).update(
        decided_at=timezone.make_aware(at[Status.APPROVED])
    )
    proposals.filter(implemented_on__isnull=False).update(implemented_on=datetime.date(year, 12, 1))
    proposals.filter(verified_on__isnull=False).update(verified_on=datetime.date(year, 12, 15))
    Review.objects.filter(proposal__campaign=campaign).update(
        created_at=timezone.make_aware(datetime.datetime(year, 11, 10, 9)),
        updated_at=timezone.make_aware(datetime.datetime(year, 11, 10, 9)),
    )
    ReviewAssignment.objects.filter(proposal__campaign=campaign).update(
        assigned_at=timezone.make_aware(datetime.datetime(year, 11, 2, 9))
    )
    Award.objects.filter(proposal__campaign=campaign).update(
        awarded_at=timezone.make_aware(at[Status.AWARDED])
    )
    # Each decided proposal's status changed with its last event.
    decided = list(
        proposals.exclude(status__in=[Status.UNDER_REVIEW])
        .filter(decided_at__isnull=False)
        .annotate(last_at=Max("events__at"))
        .only("pk", "status_changed_at")
    )
    for proposal in decided:
        proposal.status_changed_at = proposal.last_at
    Proposal.objects.bulk_update(decided, ["status_changed_at"], batch_size=200)


@demo.seeder(order=45)
def seed_review_reminders() -> None:
    """The daily reminder sweep, as beat runs it, over two of this year's
    assignments the office put on a short deadline: `reviewer` hears that one
    is due in three days; `reviewer2`'s is two days late, so they and the
    nearest office (`official`, over company A) hear it is overdue. Seeding
    again tells nobody twice (the sweep's once keys)."""
    today = timezone.localdate()
    waiting = unreviewed_assignments().filter(
        proposal__campaign__year=today.year,
        # Company A's proposals: the group's office is their nearest.
        proposal__org_unit__path__startswith=OrgUnit.objects.get(code="A").path,
    )
    for employee_no, due_on in (
        ("reviewer", today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS)),
        ("reviewer2", today - datetime.timedelta(days=2)),
    ):
        assignment = waiting.filter(reviewer__employee_no=employee_no).order_by("pk").first()
        if (
            assignment is not None
            and not assignment.reviewer.notices.filter(
                kind__in=["competitions.review_due", "competitions.review_overdue"]
            ).exists()
        ):
            ReviewAssignment.objects.filter(pk=assignment.pk).update(due_on=due_on)
    review_reminders_send(today=today)
