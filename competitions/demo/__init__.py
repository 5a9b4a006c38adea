"""Demo five-small campaigns: last year's group campaign, closed, reviewed by
`reviewer`, `reviewer2` and `reviewer3`, decided, implemented, verified and
awarded within its quotas; this year's, open, with ~500 proposals in every state
(some in the reviewers' queues). `worker` has proposals in several states, one
returned with the office's comment, and last year's awarded. Idempotent."""

import datetime
import random

from django.utils import timezone

from accounts.models import User
from competitions.demo.entry import (
    close_last_year,
    mark_duplicates,
    move_back,
    seed_campaign,
    seed_worker,
)
from competitions.demo.review import (
    date_last_years_results,
    review_and_award,
    seed_worker_last_year,
)
from competitions.models import Campaign, Proposal
from core import demo

Status = Proposal.Status


@demo.seeder(order=40)
def seed_competitions() -> None:
    official = User.objects.get(employee_no="official")
    this_year = timezone.localdate().year
    rng = random.Random(2027)
    last = seed_campaign(
        rng,
        f"{this_year - 1}年集团职工“五小”创新竞赛",
        this_year - 1,
        200,
        [(Status.UNDER_REVIEW, 80), (Status.NOT_ELIGIBLE, 8), (Status.WITHDRAWN, 4)],
        official,
    )
    if last is not None:
        seed_worker_last_year(last, official)
        close_last_year(last, this_year - 1, rng)
        review_and_award(last, official, rng, last_year=True)
        date_last_years_results(last, this_year - 1)
    current = seed_campaign(
        rng,
        f"{this_year}年集团职工“五小”创新竞赛",
        this_year,
        300,
        [
            (Status.DRAFT, 10),
            (Status.SUBMITTED, 35),
            (Status.RETURNED, 8),
            (Status.WITHDRAWN, 3),
            (Status.NOT_ELIGIBLE, 4),
            (Status.UNDER_REVIEW, 40),
        ],
        official,
    )
    if current is not None:
        opened = min(
            timezone.make_aware(datetime.datetime(this_year, 3, 1)),
            timezone.now() - datetime.timedelta(days=7),
        )
        Campaign.objects.filter(pk=current.pk).update(opens_at=opened)
        move_back(current, opened, timezone.now() - datetime.timedelta(days=1), rng)
        seed_worker(current, official)
        mark_duplicates(current, official)
        review_and_award(current, official, rng, last_year=False)
