"""Review: recusal, blind reading, scores, queues."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import (
    active_people_visible_to,
    people_refused,
    user_scope,
)
from competitions.models import (
    AwardGrade,
    Campaign,
    CampaignReviewer,
    Criterion,
    Proposal,
    Review,
    ReviewAssignment,
)
from competitions.selectors.proposals import (
    officials_part,
    proposals_managed_by,
    proposals_visible_to,
    proposals_with_access,
    without_blind,
)
from core.scoping import signed_in
from core.selectors import choice_order


def proposals_listed_for(user) -> QuerySet[Proposal]:
    """Proposals the viewer may see *with their authors*: a blind reviewer's
    assignments are left out (a list shows code, author and unit, and its
    filters would tell them too). Every list of proposals reads from here."""
    return without_blind(user, proposals_visible_to(user))


def _own_workshops(units) -> list[str]:
    """The paths of the authors' own teams and workshops: a team's workshop (its
    parent, when that is a workshop) with everything in it, or the unit itself."""
    units = list(units)
    parent_paths = {unit.path[: -OrgUnit.steplen] for unit in units if unit.depth > 1}
    workshops = set(
        OrgUnit.objects.filter(path__in=parent_paths, kind=OrgUnit.Kind.WORKSHOP).values_list(
            "path", flat=True
        )
    )
    zones = []
    for unit in units:
        parent_path = unit.path[: -OrgUnit.steplen]
        in_workshop = unit.kind == OrgUnit.Kind.TEAM and parent_path in workshops
        zones.append(parent_path if in_workshop else unit.path)
    return zones


@dataclass(frozen=True)
class Recusal:
    """Who may not review one proposal: its authors, and anyone in an author's
    own team or workshop (`zones`, those units' paths). Read once per proposal,
    then asked about any number of people."""

    author_ids: frozenset[int]
    zones: tuple[str, ...]

    def reason(self, person: User) -> str | None:
        """Why `person` may not review the proposal (None if they may)."""
        if person.pk in self.author_ids:
            return _("an author of the proposal")
        person_path = person.org_unit.path if person.org_unit_id else ""
        if person_path and any(person_path.startswith(zone) for zone in self.zones):
            return _("works in the author's own team")
        return None

    def recused(self) -> Q:
        """The recused as a condition on a person's row (to leave them out)."""
        condition = Q(pk__in=self.author_ids)
        for zone in self.zones:
            condition |= Q(org_unit__path__startswith=zone)
        return condition


def recusal_of(proposal: Proposal) -> Recusal:
    """The proposal's recusal: its authors and the units of their own teams."""
    authors = [proposal.author_id, *proposal.co_authors.values_list("person_id", flat=True)]
    authors_units = User.objects.filter(pk__in=authors).values("org_unit_id")
    units = OrgUnit.objects.filter(Q(pk=proposal.org_unit_id) | Q(pk__in=authors_units))
    return Recusal(frozenset(authors), tuple(_own_workshops(units)))


def recusal_reason(proposal: Proposal, person: User) -> str | None:
    """Why `person` may not review `proposal` (None if they may): the authors,
    and anyone in an author's own team or workshop, are recused."""
    return recusal_of(proposal).reason(person)


def reviewers_offered(user, proposal: Proposal, recusal: Recusal | None = None) -> QuerySet[User]:
    """Whom `user` may ask to review `proposal`: people they may see who are
    still active, less the recused (`recusal`, when already read). The reviewer
    picker's choices and what `reviewers_assign` accepts (`reviewer_refusals`),
    so the picker never offers someone the assignment would refuse."""
    recusal = recusal or recusal_of(proposal)
    return active_people_visible_to(user).exclude(recusal.recused())


def reviewer_refusals(user, proposal: Proposal, people: list[User]) -> list[str]:
    """Why each of `people` whom `reviewers_offered` leaves out may not review
    `proposal`, one line each (none if all may)."""
    recusal = recusal_of(proposal)
    offered = reviewers_offered(user, proposal, recusal)
    return people_refused(user, people, offered, recusal.reason)


def replacements_offered(user, proposal: Proposal) -> QuerySet[User]:
    """Whom `user` may put in a reviewer's place on `proposal`, as
    `reviewer_replace` checks it: `reviewers_offered` less those already
    reviewing it."""
    reviewing = proposal.assignments.filter(replaced_at__isnull=True).values("reviewer_id")
    return reviewers_offered(user, proposal).exclude(pk__in=reviewing)


def _review_counts() -> dict:
    """Per proposal: how many reviews are in and how many reviewers are in
    place (subqueries, so they never multiply with other joins)."""
    return {
        "review_count": Coalesce(
            Subquery(
                Review.objects.filter(proposal=OuterRef("pk"))
                .order_by()
                .values("proposal")
                .annotate(n=Count("id"))
                .values("n")
            ),
            0,
            output_field=IntegerField(),
        ),
        "assigned_count": Coalesce(
            Subquery(
                ReviewAssignment.objects.filter(proposal=OuterRef("pk"), replaced_at__isnull=True)
                .order_by()
                .values("proposal")
                .annotate(n=Count("id"))
                .values("n")
            ),
            0,
            output_field=IntegerField(),
        ),
    }


def _review_totals() -> dict:
    """Per proposal, from its reviews: the sum, highest and lowest total, which
    the score is computed from. Aliases, never selected: a row carries no
    figure of its reviews but the score, and that only when it may be shown."""
    reviews = Review.objects.filter(proposal=OuterRef("pk")).order_by().values("proposal")
    money = DecimalField(max_digits=8, decimal_places=2)
    return {
        "review_sum": Subquery(reviews.annotate(v=Sum("total")).values("v"), output_field=money),
        "review_max": Subquery(reviews.annotate(v=Max("total")).values("v"), output_field=money),
        "review_min": Subquery(reviews.annotate(v=Min("total")).values("v"), output_field=money),
    }


class _Divisor(Cast):
    """A count to divide a sum of totals by, as a decimal. SQLite's NUMERIC keeps
    whole numbers integers, and divides them as integers (221 / 3 = 73): there
    the count becomes REAL instead."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s * 1.0)", **extra_context
        )


def with_scores(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Annotate `review_count`, `assigned_count` and `current_score`: the mean of
    the reviewers' totals, without the highest and the lowest when the campaign
    says so and five or more reviews are in. One definition, in SQL, for the
    decisions board, the proposal's page and answer and the decision itself.
    Until the campaign's minimum reviews are in there is no score (None): none
    is shown before then (docs/domain.md), so none is read."""
    score = DecimalField(max_digits=8, decimal_places=4)
    return (
        proposals.annotate(**_review_counts())
        .alias(**_review_totals())
        .annotate(
            current_score=Case(
                When(
                    Q(review_count=0) | Q(review_count__lt=F("campaign__min_reviews")),
                    then=Value(None),
                ),
                When(
                    Q(campaign__drop_extremes=True, review_count__gte=5),
                    then=ExpressionWrapper(
                        (F("review_sum") - F("review_max") - F("review_min"))
                        / _Divisor(F("review_count") - 2, score),
                        output_field=score,
                    ),
                ),
                default=ExpressionWrapper(
                    F("review_sum") / _Divisor(F("review_count"), score), output_field=score
                ),
                output_field=score,
            )
        )
    )


@dataclass(frozen=True)
class ReviewFigures:
    """How far one proposal's review has got: the reviews in, the running score
    (`with_scores`: None until enough are in) and the campaign's minimum."""

    review_count: int
    current_score: Decimal | None
    needed: int

    @property
    def enough(self) -> bool:
        """The campaign's minimum reviews are in: the office may decide, and the
        running score is shown (the decisions board orders by the same rule)."""
        return self.review_count >= self.needed


def review_figures(proposal: Proposal) -> ReviewFigures:
    """The proposal's figures as they stand, read in SQL by `with_scores`: one
    definition for the decision, the office's forms on its page and the
    proposal's answer after a step."""
    figures = with_scores(Proposal.objects.filter(pk=proposal.pk)).values(
        "review_count", "current_score"
    )[0]
    return ReviewFigures(**figures, needed=proposal.campaign.min_reviews)


def active_assignments(proposal: Proposal) -> QuerySet[ReviewAssignment]:
    """The proposal's reviewers in place (not replaced), by name, each with
    their unit and whether their review is in (`reviewed`)."""
    reviewed = Review.objects.filter(proposal=proposal, reviewer=OuterRef("reviewer"))
    return (
        proposal.assignments.filter(replaced_at__isnull=True)
        .select_related("reviewer__org_unit")
        .annotate(reviewed=Exists(reviewed))
        .order_by("reviewer__full_name")
    )


def reviewers_yet_to_review(proposal: Proposal) -> QuerySet[User]:
    """The proposal's reviewers in place who have not reviewed it, by name: the
    ones `reviewer_replace` may replace (a review in stands)."""
    pending = proposal.assignments.filter(replaced_at__isnull=True).exclude(
        reviewer__in=proposal.reviews.values("reviewer")
    )
    return User.objects.filter(pk__in=pending.values("reviewer")).order_by("full_name")


def proposals_to_review(user) -> QuerySet[Proposal]:
    """The proposals the person is assigned to review now (not replaced), with
    their access facts: what the rubric form opens, anything else is a 404."""
    return proposals_with_access(user).filter(
        assignments__reviewer=user, assignments__replaced_at__isnull=True
    )


def review_by(reviewer, proposal: Proposal) -> Review | None:
    """The reviewer's own review of the proposal with its scores (None before
    they have reviewed it)."""
    return proposal.reviews.filter(reviewer=reviewer).prefetch_related("scores").first()


def rubric_of(proposal: Proposal) -> QuerySet[Criterion]:
    """The criteria the proposal is scored on: its campaign's rubric, in order."""
    return Criterion.objects.filter(campaign_id=proposal.campaign_id)


def _waiting_for_scores() -> Q:
    """An assignment waiting for its reviewer's scores: in place (not
    replaced), on a proposal still under review (once decided it waits for
    nobody), not yet reviewed by them. The one rule for the queue's rows and
    its count, the home badge and "needs your action" (`reviews_waiting_for`),
    the reminders and the pool (`unreviewed_assignments`)."""
    reviewed = Review.objects.filter(
        proposal=OuterRef("proposal_id"), reviewer=OuterRef("reviewer_id")
    )
    return Q(replaced_at__isnull=True, proposal__status=Proposal.Status.UNDER_REVIEW) & ~Q(
        Exists(reviewed)
    )


def review_queue(user) -> QuerySet[ReviewAssignment]:
    """The reviewer's assignments: those waiting for their scores first
    (`waiting`), then the rest (reviewed, or decided before they reviewed),
    each by deadline; with whether they have reviewed each and how far the
    proposal's review has got (n of m). Nobody's signed out."""
    if not signed_in(user):
        return ReviewAssignment.objects.none()
    mine = Review.objects.filter(proposal=OuterRef("proposal"), reviewer=user)
    return (
        ReviewAssignment.objects.filter(reviewer=user, replaced_at__isnull=True)
        .select_related("proposal", "proposal__campaign")
        .annotate(
            reviewed=Exists(mine),
            waiting=ExpressionWrapper(_waiting_for_scores(), output_field=BooleanField()),
            # 0, not None, before the first review ("0 of 3")
            review_count=Coalesce(
                Subquery(
                    Review.objects.filter(proposal=OuterRef("proposal"))
                    .order_by()
                    .values("proposal")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
                output_field=IntegerField(),
            ),
            assigned_count=Subquery(
                ReviewAssignment.objects.filter(
                    proposal=OuterRef("proposal"), replaced_at__isnull=True
                )
                .order_by()
                .values("proposal")
                .annotate(n=Count("id"))
                .values("n")
            ),
        )
        .order_by(F("waiting").desc(), "due_on", "id")
    )


def reviews_visible_to(user) -> QuerySet[Review]:
    """A reviewer's own reviews; the officials over a proposal see all of its
    reviews (with the reviewers' names: they assigned them)."""
    if not signed_in(user):
        return Review.objects.none()
    reviews = Review.objects.select_related("proposal", "proposal__campaign", "reviewer")
    scope = user_scope(user)
    if scope.is_superuser:
        return reviews
    return reviews.filter(Q(reviewer=user) | _reviews_managed(scope, user))


# An official over a mine or a team answers for a few hundred proposals: their
# reviews are found from those proposals' ids by index. Over a company or the
# group that would be an array of a million ids, so the condition is read on
# each review's proposal row instead (the list walks its ordering's index).
NARROW_DEPTH = 3


def _reviews_managed(scope, user) -> Q:
    if not scope.is_official:
        return Q(pk__in=[])
    steplen = OrgUnit.steplen
    if min(len(path) for path in scope.official_paths) >= NARROW_DEPTH * steplen:
        managed = Proposal.objects.filter(officials_part(scope, user)).values("pk")
        return Q(proposal__in_ids=managed)
    return officials_part(scope, user, via="proposal__")


def decisions_board(user, campaign: Campaign) -> QuerySet[Proposal]:
    """Proposals under review in the official's units with their figures
    (`with_scores`): those with the campaign's minimum reviews in first, best
    score first; the others after them by code. Below the minimum there is no
    score to show, so nothing about it may show either: not the order among
    themselves, which would rank them by the score the board hides."""
    return with_scores(
        proposals_managed_by(user).filter(campaign=campaign, status=Proposal.Status.UNDER_REVIEW)
    ).order_by(F("current_score").desc(nulls_last=True), "code", "id")


def review_panel(campaign: Campaign, user) -> QuerySet[User]:
    """The campaign's reviewer pool as `user` may ask it, offered first when
    assigning more: those of it `user` may see (an official over a wider scope
    may have added people this one may not ask) who are still active, as
    `reviewers_offered` takes them."""
    in_pool = CampaignReviewer.objects.filter(campaign=campaign, removed_at__isnull=True)
    return (
        active_people_visible_to(user)
        .filter(pk__in=in_pool.values("person_id"))
        .select_related("org_unit")
        .order_by("name_pinyin", "full_name", "id")
    )


def _per_reviewer(rows: QuerySet) -> Coalesce:
    """How many of `rows` (a reviewer's, in the pool row's campaign) there are."""
    counted = rows.order_by().values("reviewer").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def reviewer_pool(campaign: Campaign) -> QuerySet[CampaignReviewer]:
    """The pool as its page lists it, by name (in pinyin order): each reviewer
    with the reviews they still owe in the campaign (`owed`) and have given
    (`given`)."""
    mine = {"reviewer": OuterRef("person_id"), "proposal__campaign": OuterRef("campaign_id")}
    return (
        CampaignReviewer.objects.filter(campaign=campaign, removed_at__isnull=True)
        .select_related("person__org_unit", "added_by")
        .annotate(
            owed=_per_reviewer(unreviewed_assignments().filter(**mine)),
            given=_per_reviewer(Review.objects.filter(**mine)),
        )
        .order_by("person__name_pinyin", "person__full_name", "id")
    )


def grades_with_counts(campaign: Campaign) -> QuerySet[AwardGrade]:
    """The campaign's prize grades with how many have been `given`, in the
    order of the grade list (special prize first)."""
    return (
        AwardGrade.objects.filter(campaign=campaign)
        .annotate(given=Count("awards"), rank=choice_order("grade", AwardGrade.Grade.values))
        .order_by("rank")
    )


def campaign_results(campaign: Campaign) -> dict:
    """What a campaign achieved, public to every signed-in user: awards by grade
    (count and money) and the verified yearly benefit of its proposals."""
    grades = [
        (grade, grade.given, grade.given * grade.amount) for grade in grades_with_counts(campaign)
    ]
    verified = Proposal.objects.filter(campaign=campaign, verified_benefit__isnull=False).aggregate(
        total=Sum("verified_benefit"), n=Count("id")
    )
    return {
        "grades": grades,
        "awards": sum(given for _grade, given, _money in grades),
        "prize_money": sum((money for _grade, _given, money in grades), Decimal(0)),
        "verified_total": verified["total"] or Decimal(0),
        "verified_count": verified["n"],
    }


def unreviewed_assignments() -> QuerySet[ReviewAssignment]:
    """Every assignment waiting for its reviewer's scores (`_waiting_for_scores`):
    the reminder sweep's rows, and what keeps a reviewer in the pool."""
    return ReviewAssignment.objects.filter(_waiting_for_scores())


def reviews_waiting_for(user) -> QuerySet[ReviewAssignment]:
    """The reviews the person still owes (`_waiting_for_scores`), earliest
    deadline first: their home page's "needs your action", and the count on
    the five-small front door's badge and atop their queue."""
    if not signed_in(user):
        return ReviewAssignment.objects.none()
    return (
        unreviewed_assignments()
        .filter(reviewer=user)
        .select_related("proposal")
        .order_by("due_on", "id")
    )
