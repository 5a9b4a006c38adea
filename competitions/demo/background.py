"""The demo's background proposals, written in bulk: the few hundred proposals
of people nobody signs in as, and their reviews, decisions, implementation and
verification. One by one through the services they took minutes; here each
kind of row is inserted at once, with what the services would have written
beside it: the proposal's code from its year's and unit's counter, its
co-authors and title grams, every status change as an event, the reviewers'
assignments, reviews and scores, and the notices (through `notify`, so their
deliveries go out as the services' do). The dashboard's snapshots are marked
stale for the units involved (a bulk write sends no model signal).

The story records the demo accounts act on (`worker`'s proposals, the
duplicates the office marks, the awards) still go through the services."""

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts.models import User
from competitions.models import (
    Award,
    AwardGrade,
    AwardShare,
    CampaignReviewer,
    CoAuthor,
    CodeSequence,
    Proposal,
    ProposalEvent,
    Review,
    ReviewAssignment,
    ReviewScore,
    TitleGram,
)
from competitions.selectors import recusal_reason, with_scores
from competitions.services.decisions import split_in_fen
from competitions.services.proposals import proposal_url
from competitions.similarity import title_grams
from core.signals import records_changed
from notices.kinds import in_product_language
from notices.services import notify

Status = Proposal.Status
CENT = Decimal("0.01")
# What the author and the office write when a proposal leaves the entry steps.
WITHDRAW_NOTE = "准备完善后明年再报。"
RETURN_COMMENT = "请补充改造前后的用水量对比数据，并附现场照片。"
NOT_ELIGIBLE_REASON = "属于正常检修工作内容，不符合“五小”创新范围。"


class Chain:
    """Status changes of proposals not yet (or already) in the database: each
    move is checked against the proposal's status machine, as `transition_to`
    does, and becomes an event row; the proposal keeps its last status."""

    def __init__(self) -> None:
        self.events: list[ProposalEvent] = []
        self._tick = 0

    def move(self, proposal: Proposal, to: str, by: User, note: str = "") -> None:
        if not proposal.can_move_to(to):
            raise ValueError(f"{proposal.status} → {to} is not a move a proposal makes")
        # A microsecond apart, so a proposal's history keeps its order by time.
        self._tick += 1
        at = timezone.now() + datetime.timedelta(microseconds=self._tick)
        self.events.append(
            ProposalEvent(
                proposal=proposal,
                actor=by,
                from_state=proposal.status,
                to_state=to,
                note=note,
                at=at,
            )
        )
        proposal.status, proposal.status_changed_at = to, at


class Told:
    """Notices to send once the rows they point to exist, in the order the
    services would have sent them."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], object]] = []

    def authors(self, proposal: Proposal, people: list[int], kind: str, by, **params) -> None:
        """`tell_authors`: the author and co-authors of a submitted proposal
        may open it, so no per-person check is needed."""
        self.calls.append(
            lambda: notify(
                kind=kind,
                recipients=[proposal.author_id, *people],
                record=proposal,
                text_params={"title": proposal.title, **params},
                url=proposal_url(proposal),
                actor=by,
            )
        )

    def reviewers(self, proposal: Proposal, panel: list[User], due: datetime.date, by) -> None:
        self.calls.append(
            lambda: notify(
                kind="competitions.review_assigned",
                recipients=panel,
                record=proposal,
                text_params={"title": proposal.title, "due": due.isoformat()},
                url=proposal_url(proposal),
                actor=by,
            )
        )

    def send(self) -> None:
        for call in self.calls:
            call()


def _units_of(proposals: list[Proposal], co_authors: dict[int, list[User]]) -> set[int]:
    """The units whose dashboard counts these proposals: where each was filed,
    and its authors' own units."""
    units = {p.org_unit_id for p in proposals} | {p.author.org_unit_id for p in proposals}
    return units | {person.org_unit_id for people in co_authors.values() for person in people}


def _codes(campaign, proposals: list[Proposal]) -> None:
    """Give each submitted proposal its code, in order, from the year's and
    unit's counter (`_next_code`), and store the counters' new values."""
    counters = dict(
        CodeSequence.objects.filter(year=campaign.year).values_list("unit_code", "last")
    )
    before = dict(counters)
    for proposal in proposals:
        if proposal.submitted_at is None:
            continue
        unit_code = proposal.author.org_unit.code
        counters[unit_code] = counters.get(unit_code, 0) + 1
        proposal.code = f"{campaign.year}-{unit_code}-{counters[unit_code]:04d}"
    CodeSequence.objects.bulk_create(
        [
            CodeSequence(year=campaign.year, unit_code=code)
            for code in counters
            if code not in before
        ],
        ignore_conflicts=True,
    )
    for unit_code, last in counters.items():
        if before.get(unit_code) != last:
            CodeSequence.objects.filter(year=campaign.year, unit_code=unit_code).update(last=last)


def write_entries(
    campaign, rows: list[tuple[Proposal, list[tuple[User, Decimal]], str]], official: User
) -> None:
    """`rows`: drafts as `proposal_create` builds them, their co-authors, and
    the status each reaches on the entry and screening steps (`advance`)."""
    chain, told = Chain(), Told()
    now = timezone.now()
    proposals = []
    for proposal, _co_authors, target in rows:
        proposal.created_at = proposal.updated_at = now
        if target != Status.DRAFT:
            proposal.submitted_at = now
        proposals.append(proposal)
    _codes(campaign, proposals)
    for proposal, co_authors, target in rows:
        people = [person.pk for person, _share in co_authors]
        if target == Status.DRAFT:
            continue
        chain.move(proposal, Status.SUBMITTED, proposal.author)
        told.authors(proposal, people, "competitions.proposal_submitted", None, code=proposal.code)
        if target == Status.WITHDRAWN:
            chain.move(proposal, Status.WITHDRAWN, proposal.author, WITHDRAW_NOTE)
        elif target == Status.RETURNED:
            chain.move(proposal, Status.RETURNED, official, RETURN_COMMENT)
            told.authors(
                proposal, people, "competitions.proposal_returned", official, reason=RETURN_COMMENT
            )
        elif target == Status.NOT_ELIGIBLE:
            chain.move(proposal, Status.NOT_ELIGIBLE, official, NOT_ELIGIBLE_REASON)
            told.authors(
                proposal,
                people,
                "competitions.proposal_not_eligible",
                official,
                reason=NOT_ELIGIBLE_REASON,
            )
        elif target == Status.UNDER_REVIEW:
            chain.move(proposal, Status.UNDER_REVIEW, official)
    Proposal.objects.bulk_create(proposals)
    CoAuthor.objects.bulk_create(
        CoAuthor(proposal=proposal, person=person, position=position, share=share)
        for proposal, co_authors, _target in rows
        for position, (person, share) in enumerate(co_authors, start=1)
    )
    TitleGram.objects.bulk_create(
        TitleGram(proposal=proposal, gram=gram)
        for proposal in proposals
        for gram in title_grams(proposal.title)
    )
    ProposalEvent.objects.bulk_create(chain.events)
    told.send()
    co_authors = {p.pk: [person for person, _share in rows_] for p, rows_, _t in rows}
    records_changed.send(sender=Proposal, unit_ids=_units_of(proposals, co_authors))


class Reviewing:
    """`review_and_award`'s steps for one campaign's background proposals:
    collected one proposal at a time (the random choices in the same order as
    through the services), written at once by `write`."""

    def __init__(self, campaign, official: User) -> None:
        self.campaign, self.official = campaign, official
        self.criteria = list(campaign.criteria.all())
        proposals = Proposal.objects.filter(campaign=campaign)
        self.co_authors: dict[int, list[User]] = {}
        self.shares: dict[int, list[tuple[User, Decimal]]] = {}
        for row in CoAuthor.objects.filter(proposal__in=proposals).select_related("person"):
            self.co_authors.setdefault(row.proposal_id, []).append(row.person)
            self.shares.setdefault(row.proposal_id, []).append((row.person, row.share))
        self.chain, self.told = Chain(), Told()
        self.assignments: list[ReviewAssignment] = []
        self.reviews: list[tuple[Review, list[tuple]]] = []
        self.decided: list[Proposal] = []
        self.changed: list[Proposal] = []
        self.awards: list[tuple[Award, list[tuple]]] = []
        self._recusals: dict[tuple, str | None] = {}

    def recusal(self, proposal: Proposal, person: User) -> str | None:
        """`recusal_reason`, asked once per set of authors' units: beyond
        being an author, it depends on those units only."""
        authors = {proposal.author_id, *(p.pk for p in self.co_authors.get(proposal.pk, []))}
        if person.pk in authors:
            return recusal_reason(proposal, person)
        units = {proposal.author.org_unit_id, proposal.org_unit_id}
        units |= {p.org_unit_id for p in self.co_authors.get(proposal.pk, [])}
        key = (frozenset(units), person.pk)
        if key not in self._recusals:
            self._recusals[key] = recusal_reason(proposal, person)
        return self._recusals[key]

    def _people(self, proposal: Proposal) -> list[int]:
        return [person.pk for person in self.co_authors.get(proposal.pk, [])]

    def assign(self, proposal: Proposal, panel: list[User]) -> None:
        due = proposal.campaign.review_deadline  # as it is now, not when the writer began
        self.assignments += [
            ReviewAssignment(proposal=proposal, reviewer=r, assigned_by=self.official, due_on=due)
            for r in panel
        ]
        self.told.reviewers(proposal, panel, due, self.official)

    def review(self, proposal: Proposal, reviewer: User, scores: dict, comment: str) -> Decimal:
        rows = [(criterion, Decimal(scores[criterion.pk])) for criterion in self.criteria]
        total = sum((points for _criterion, points in rows), Decimal(0))
        review = Review(proposal=proposal, reviewer=reviewer, comment=comment.strip(), total=total)
        self.reviews.append((review, rows))
        return total

    def decide(
        self, proposal: Proposal, totals: list[Decimal], pass_mark: Decimal, rejection: str
    ) -> bool:
        """The mean of the totals (`with_scores`; three reviews, so no extremes
        dropped), fixed at the decision; `write` checks it against the SQL."""
        assert len(totals) >= self.campaign.min_reviews and len(totals) < 5
        score = (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, ROUND_HALF_UP)
        approved = score >= pass_mark
        outcome = Status.APPROVED if approved else Status.REJECTED
        reason = "" if approved else rejection
        proposal.score, proposal.decided_at, proposal.decision_reason = (
            score,
            timezone.now(),
            reason,
        )
        self.chain.move(proposal, outcome, self.official, reason)
        self.decided.append(proposal)
        self.changed.append(proposal)
        self.told.authors(
            proposal,
            self._people(proposal),
            "competitions.proposal_decided",
            self.official,
            decision=in_product_language(proposal.get_status_display()),
        )
        return approved

    def implement(self, proposal: Proposal, department: str) -> None:
        proposal.implemented_on = timezone.localdate()
        proposal.implementing_department = department
        self.chain.move(proposal, Status.IMPLEMENTED, self.official)
        self.told.authors(
            proposal, self._people(proposal), "competitions.proposal_implemented", self.official
        )

    def verify(self, proposal: Proposal, benefit: Decimal, evidence: str) -> None:
        proposal.verified_benefit, proposal.verification_evidence = benefit, evidence
        proposal.verified_by, proposal.verified_on = self.official, timezone.localdate()
        self.chain.move(proposal, Status.BENEFIT_VERIFIED, self.official, evidence)
        self.told.authors(
            proposal, self._people(proposal), "competitions.benefit_verified", self.official
        )

    def award(self, proposal: Proposal, prize: AwardGrade) -> None:
        """`proposal_award` of a verified proposal into `prize`, which the
        caller found a place left in: the amount split among the authors to
        the fen, each of whom hears their share."""
        award = Award(proposal=proposal, grade=prize, amount=prize.amount, awarded_by=self.official)
        shares = [(proposal.author, proposal.author_share), *self.shares.get(proposal.pk, [])]
        self.awards.append((award, split_in_fen(prize.amount, shares)))
        self.chain.move(proposal, Status.AWARDED, self.official, str(prize.get_grade_display()))
        self.changed.append(proposal)
        grade = in_product_language(prize.get_grade_display())
        for person, share in shares:
            self.told.calls.append(
                lambda person=person, share=share: notify(
                    kind="competitions.proposal_awarded",
                    recipients=[person],
                    record=proposal,
                    text_params={"title": proposal.title, "grade": grade, "share": str(share)},
                    url=proposal_url(proposal),
                    actor=self.official,
                )
            )

    def write(self) -> None:
        ReviewAssignment.objects.bulk_create(self.assignments)
        # Whoever is asked joins the campaign's reviewer pool, as `_assign` does.
        CampaignReviewer.objects.bulk_create(
            [
                CampaignReviewer(campaign=self.campaign, person_id=pk, added_by=self.official)
                for pk in dict.fromkeys(assignment.reviewer_id for assignment in self.assignments)
            ],
            ignore_conflicts=True,
        )
        Review.objects.bulk_create([review for review, _rows in self.reviews])
        ReviewScore.objects.bulk_create(
            ReviewScore(review=review, criterion=criterion, points=points)
            for review, rows in self.reviews
            for criterion, points in rows
        )
        decided = self.decided
        in_sql = dict(
            with_scores(Proposal.objects.filter(pk__in=[p.pk for p in decided])).values_list(
                "pk", "current_score"
            )
        )
        for proposal in decided:
            # The figure the decision service would have fixed, from the same SQL.
            score = Decimal(in_sql[proposal.pk]).quantize(CENT, ROUND_HALF_UP)
            assert score == proposal.score, (proposal.pk, score, proposal.score)
        Proposal.objects.bulk_update(
            self.changed,
            [
                "status",
                "status_changed_at",
                "score",
                "decided_at",
                "decision_reason",
                "implemented_on",
                "implementing_department",
                "verified_benefit",
                "verification_evidence",
                "verified_by",
                "verified_on",
            ],
            batch_size=200,
        )
        Award.objects.bulk_create([award for award, _parts in self.awards])
        AwardShare.objects.bulk_create(
            AwardShare(award=award, person=person, share=share, amount_fen=fen)
            for award, parts in self.awards
            for person, share, fen in parts
        )
        ProposalEvent.objects.bulk_create(self.chain.events)
        self.told.send()
        records_changed.send(sender=Proposal, unit_ids=_units_of(self.changed, self.co_authors))
