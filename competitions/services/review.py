"""Review: the office assigns reviewers (with recusal), reviewers score on the
campaign's rubric, one review each, editable until the decision."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import active_people_visible_to
from accounts.services import people_checked
from competitions.models import (
    POINTS_STEP,
    CampaignReviewer,
    Proposal,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from competitions.selectors import reviewer_refusals, rubric_of, unreviewed_assignments
from competitions.services.campaigns import campaign_locked_for_official
from competitions.services.proposals import locked_proposal, proposal_url
from competitions.services.screening import locked_for_official
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict
from notices.services import notify

Status = Proposal.Status


def _ensure_under_review(proposal: Proposal) -> None:
    ensure(
        proposal.status == Status.UNDER_REVIEW,
        Conflict(
            _("Only a proposal under review can be reviewed; this one is “%(s)s”.")
            % {"s": proposal.get_status_display()},
            code="invalid_transition",
        ),
    )


def _reviewers_checked(
    proposal: Proposal, people: Iterable[User], by: User, field: str = "reviewers"
) -> list[User]:
    """Whom `by` may ask to review `proposal`: those its reviewer pickers offer
    (`reviewers_offered`); otherwise a 400 on `field` saying why each other is not."""
    people = list(people)
    ensure(bool(people), ValidationError({field: _("Choose at least one reviewer.")}))
    problems = reviewer_refusals(by, proposal, people)
    ensure(not problems, ValidationError({field: problems}))
    return people


def _assign(proposal: Proposal, reviewer: User, by: User) -> ReviewAssignment:
    # Whoever is asked joins the campaign's pool, offered for its other proposals.
    CampaignReviewer.objects.get_or_create(
        campaign_id=proposal.campaign_id,
        person=reviewer,
        removed_at=None,
        defaults={"added_by": by},
    )
    assignment = ReviewAssignment.objects.create(
        proposal=proposal,
        reviewer=reviewer,
        assigned_by=by,
        due_on=proposal.campaign.review_deadline,
    )
    # The title and the date only: in a blind campaign the reviewer may not
    # learn the authors, the code or the unit (notices.kinds).
    notify(
        kind="competitions.review_assigned",
        recipients=[reviewer],
        record=proposal,
        text_params={"title": proposal.title, "due": assignment.due_on.isoformat()},
        url=proposal_url(proposal),
        actor=by,
    )
    return assignment


@transaction.atomic
def reviewers_assign(*, proposal_id: int, by: User, reviewers: Iterable[User]) -> Proposal:
    """Ask reviewers to score a proposal under review (someone already asked is
    left as they are). Authors and their teammates are recused."""
    proposal = locked_for_official(proposal_id, by)
    _ensure_under_review(proposal)
    people = _reviewers_checked(proposal, reviewers, by)
    active = set(
        proposal.assignments.filter(replaced_at__isnull=True).values_list("reviewer_id", flat=True)
    )
    for person in people:
        if person.pk not in active:
            _assign(proposal, person, by)
    return proposal


@transaction.atomic
def reviewer_replace(*, proposal_id: int, by: User, reviewer: User, replacement: User) -> Proposal:
    """Replace a reviewer who has not reviewed yet (ill, away, too slow)."""
    proposal = locked_for_official(proposal_id, by)
    _ensure_under_review(proposal)
    assignment = proposal.assignments.filter(reviewer=reviewer, replaced_at__isnull=True).first()
    ensure(
        assignment is not None,
        ValidationError({"reviewer": _("This person is not a reviewer of the proposal.")}),
    )
    ensure(
        not proposal.reviews.filter(reviewer=reviewer).exists(),
        Conflict(_("This reviewer has already reviewed; their review stands.")),
    )
    ensure(
        not proposal.assignments.filter(reviewer=replacement, replaced_at__isnull=True).exists(),
        ValidationError({"replacement": _("This person already reviews the proposal.")}),
    )
    _reviewers_checked(proposal, [replacement], by, field="replacement")
    assignment.replaced_at = timezone.now()
    assignment.save(update_fields=["replaced_at"])
    _assign(proposal, replacement, by)
    return proposal


# ── the campaign's reviewer pool ──────────────────────────────────────────


@transaction.atomic
def pool_reviewers_add(*, campaign_id: int, by: User, people: Iterable[User]) -> list[User]:
    """The officials over a campaign add people they may see to its reviewer
    pool (someone already in it stays as they are); those added, in order.
    Only the active are taken, as the pool's picker offers them."""
    campaign = campaign_locked_for_official(campaign_id, by)
    people = people_checked(people, by, "people")
    ensure(bool(people), ValidationError({"people": _("Choose at least one reviewer.")}))
    offered = set(
        active_people_visible_to(by)
        .filter(pk__in=[person.pk for person in people])
        .values_list("pk", flat=True)
    )
    # Those seen (people_checked) yet not offered are the ones no longer active.
    inactive = [person.full_name for person in people if person.pk not in offered]
    ensure(
        not inactive,
        ValidationError(
            {"people": _("No longer active: %(names)s.") % {"names": "、".join(inactive)}}
        ),
    )
    present = set(campaign.pool.filter(removed_at__isnull=True).values_list("person_id", flat=True))
    added = [person for person in people if person.pk not in present]
    for person in added:  # one by one: each is an entry of the campaign's history
        CampaignReviewer.objects.create(campaign=campaign, person=person, added_by=by)
    return added


@transaction.atomic
def pool_reviewer_remove(*, campaign_id: int, by: User, person_id: int) -> CampaignReviewer:
    """Take someone out of the pool (not offered any more; the row is kept,
    ended, for the history). Their reviews stay; while they still owe one in
    the campaign it is a 409: replace them on those proposals first, so no
    proposal waits for someone the office dropped."""
    campaign = campaign_locked_for_official(campaign_id, by)
    member = (
        CampaignReviewer.objects.select_related("person")
        .filter(campaign=campaign, person_id=person_id, removed_at__isnull=True)
        .first()
    )
    if member is None:
        raise Http404
    owed = unreviewed_assignments().filter(proposal__campaign=campaign, reviewer_id=person_id)
    ensure(
        not owed.exists(),
        Conflict(
            _("%(name)s still has proposals to review here: replace them on those first.")
            % {"name": member.person.full_name}
        ),
    )
    member.removed_at, member.removed_by = timezone.now(), by
    member.save(update_fields=["removed_at", "removed_by"])
    return member


def _scores_checked(proposal: Proposal, scores: Mapping[int, Decimal]) -> list[tuple]:
    """A score for every criterion of the rubric, each within its maximum."""
    criteria = list(rubric_of(proposal))
    by_id = {criterion.pk: criterion for criterion in criteria}
    ensure(
        set(scores) == set(by_id),
        ValidationError({"scores": _("Give a score for every criterion of the rubric.")}),
    )
    rows = []
    for criterion_id, points in scores.items():
        criterion = by_id[criterion_id]
        points = Decimal(points)
        ensure(
            points.is_finite() and Decimal(0) <= points <= criterion.max_points,
            ValidationError(
                {
                    "scores": _("“%(name)s” is scored from 0 to %(max)s.")
                    % {"name": criterion.name, "max": criterion.max_points}
                }
            ),
        )
        # A score keeps one decimal: finer points would be rounded when stored
        # and no longer add up to the review's total.
        ensure(
            points == points.quantize(POINTS_STEP),
            ValidationError({"scores": _("Points are given to one decimal place.")}),
        )
        rows.append((criterion, points))
    return rows


def _locked_as_reviewer(proposal_id: int, by: User) -> Proposal:
    """Lock a proposal the person is an active reviewer of; 404 for anyone else."""
    proposal = locked_proposal(proposal_id, by)
    ensure(
        proposal.assignments.filter(reviewer=by, replaced_at__isnull=True).exists(),
        Http404(),
    )
    return proposal


def _save_scores(review: Review, rows: list[tuple]) -> None:
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion=criterion, points=points) for criterion, points in rows
    )


@transaction.atomic
def review_submit(
    *, proposal_id: int, by: User, scores: Mapping[int, Decimal], comment: str = ""
) -> Review:
    """A reviewer's scores for a proposal assigned to them; a second review by the
    same reviewer is a 409 (they edit the first instead)."""
    proposal = _locked_as_reviewer(proposal_id, by)
    _ensure_under_review(proposal)
    already = _("You have already reviewed this proposal; edit your review instead.")
    ensure(not proposal.reviews.filter(reviewer=by).exists(), Conflict(already))
    rows = _scores_checked(proposal, scores)
    review = Review(
        proposal=proposal,
        reviewer=by,
        comment=(comment or "").strip(),
        total=sum((points for _criterion, points in rows), Decimal(0)),
    )
    save_or_conflict(
        review, _("You have already reviewed this proposal; edit your review instead.")
    )
    _save_scores(review, rows)
    return review


@transaction.atomic
def review_update(
    *,
    review_id: int,
    by: User,
    scores: Mapping[int, Decimal] | None = None,
    comment: str | None = None,
) -> Review:
    """A reviewer changes their own review, until the proposal is decided. The
    proposal's row lock orders this against a decision, so the decided score
    always matches the reviews it was computed from."""
    review = Review.objects.filter(pk=review_id, reviewer=by).first()
    ensure(review is not None, Http404())
    proposal = _locked_as_reviewer(review.proposal_id, by)
    ensure(
        proposal.status == Status.UNDER_REVIEW,
        Conflict(_("The proposal has been decided; reviews can no longer change.")),
    )
    review = Review.objects.select_for_update().get(pk=review.pk)
    if scores is not None:
        rows = _scores_checked(proposal, scores)
        review.total = sum((points for _criterion, points in rows), Decimal(0))
        _save_scores(review, rows)
    if comment is not None:
        review.comment = comment.strip()
    review.updated_at = timezone.now()
    review.save()
    return review
