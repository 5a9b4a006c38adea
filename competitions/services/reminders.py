"""Review reminders, sent by the daily beat sweep (docs/notices.md): a
reviewer hears three days before the deadline while their review is not in,
and again when it is overdue, as does the office over the proposal.

Each reminder has a once key (the assignment's, or the proposal's and its
deadline for the office), so the sweep is safe to run twice, and after
downtime it sends what it missed: a reminder is due while its window lasts,
not on one exact day."""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet
from django.utils import timezone

from accounts.selectors import officials_nearest
from competitions.models import Proposal, ReviewAssignment
from competitions.selectors import proposals_visible_to, unreviewed_assignments
from competitions.services.proposals import proposal_url
from notices.selectors import already_told, once_key
from notices.services import notify

# The reviewer hears this many days before the deadline (and every day of it
# the sweep missed, once).
REVIEW_DUE_SOON_DAYS = 3
DUE, OVERDUE = "competitions.review_due", "competitions.review_overdue"
# The office's notice names the late reviewers (the reviewer's own stays blind-safe).
OFFICE_OVERDUE = "competitions.review_overdue_office"


def _params(assignment: ReviewAssignment) -> dict:
    # The title and the date only: in a blind campaign the reviewer may not
    # learn the authors, the code or the unit (notices.kinds).
    return {"title": assignment.proposal.title, "due": assignment.due_on.isoformat()}


def _untold(assignments: QuerySet, kind: str) -> QuerySet[ReviewAssignment]:
    return (
        assignments.exclude(
            already_told(recipient=OuterRef("reviewer_id"), once_key=once_key(kind, F("pk")))
        )
        .select_related("proposal")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class ReviewReminders:
    due_soon: int  # reviewers told their review is due within three days
    overdue: int  # reviewers told their review is overdue
    office: int  # proposals whose office was told of an overdue review


@transaction.atomic
def _remind(assignment: ReviewAssignment, kind: str) -> int:
    return len(
        notify(
            kind=kind,
            recipients=[assignment.reviewer_id],
            record=assignment.proposal,
            text_params=_params(assignment),
            url=proposal_url(assignment.proposal),
            once_key=f"{kind}:{assignment.pk}",
        )
    )


@transaction.atomic
def _tell_office(proposal: Proposal, due_on: datetime.date, reviewers: list[str]) -> int:
    return len(
        notify(
            kind=OFFICE_OVERDUE,
            recipients=officials_nearest(proposal.org_unit).values_list("pk", flat=True),
            record=proposal,
            text_params={
                "title": proposal.title,
                "code": proposal.code,
                "reviewers": "、".join(reviewers),
                "due": due_on.isoformat(),
            },
            url=proposal_url(proposal),
            # One notice per proposal and deadline, however many reviewers are
            # late (the key is the one the office's notice always had).
            once_key=f"{OVERDUE}:proposal:{proposal.pk}:{due_on.isoformat()}",
            office_unit=proposal.org_unit,
            may_open=proposals_visible_to,
        )
    )


def review_reminders_send(*, today: datetime.date | None = None) -> ReviewReminders:
    """The daily sweep over unreviewed assignments (Shanghai dates): due within
    three days, the reviewer; past due, the reviewer and the nearest office.
    Safe to run twice and after downtime: nobody is told twice (once keys),
    and a day the sweep did not run is made up on the next."""
    today = today or timezone.localdate()
    waiting = unreviewed_assignments()
    soon_until = today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS)
    due_soon = sum(
        _remind(assignment, DUE)
        for assignment in _untold(
            waiting.filter(due_on__gte=today, due_on__lte=soon_until), DUE
        ).iterator(chunk_size=500)
    )
    late = waiting.filter(due_on__lt=today)
    overdue = sum(
        _remind(assignment, OVERDUE)
        for assignment in _untold(late, OVERDUE).iterator(chunk_size=500)
    )
    # The office's notice is keyed on the proposal and its deadline, however
    # many of its reviewers are late.
    office = 0
    rows = late.order_by("proposal_id", "due_on", "reviewer__full_name").values_list(
        "proposal_id", "due_on", "reviewer__full_name"
    )
    for (proposal_id, due_on), names in groupby(list(rows), key=lambda row: row[:2]):
        proposal = Proposal.objects.select_related("org_unit").get(pk=proposal_id)
        office += bool(_tell_office(proposal, due_on, [name for _p, _d, name in names]))
    return ReviewReminders(due_soon=due_soon, overdue=overdue, office=office)
