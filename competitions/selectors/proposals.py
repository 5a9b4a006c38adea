"""Who reads which proposals (DESIGN.md §4): the author and co-authors, whoever
entered it for them, the officials over the author's unit once it is submitted
(a draft stays the author's), its assigned reviewers, and everyone once it is
awarded (the showcase)."""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from accounts.selectors import user_scope
from competitions.models import (
    CoAuthor,
    Proposal,
    ReviewAssignment,
)
from core.scoping import signed_in, within_paths


def co_author_of(user) -> Exists:
    return Exists(CoAuthor.objects.filter(proposal=OuterRef("pk"), person=user))


def assigned_to(user) -> Exists:
    return Exists(
        ReviewAssignment.objects.filter(
            proposal=OuterRef("pk"), reviewer=user, replaced_at__isnull=True
        )
    )


def officials_part(scope, user) -> Q:
    in_scope = within_paths(scope.official_paths, unit_field="org_unit")
    return in_scope & (~Q(status=Proposal.Status.DRAFT) | Q(entered_by=user))


def proposals_visible_to(user) -> QuerySet[Proposal]:
    if not signed_in(user):
        return Proposal.objects.none()
    proposals = Proposal.objects.select_related("campaign", "author", "org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return proposals
    # A draft stays the author's: co-authors see it once it is submitted, and an
    # official who typed it for a worker only while they answer for that worker.
    return proposals.filter(
        Q(author=user)
        | (co_author_of(user) & ~Q(status=Proposal.Status.DRAFT))
        | Q(status=Proposal.Status.AWARDED)
        | officials_part(scope, user)
        | assigned_to(user)
    )


def proposals_of(user) -> QuerySet[Proposal]:
    """My proposals: written or co-written by the person (others' drafts aside)."""
    if not signed_in(user):
        return Proposal.objects.none()
    return Proposal.objects.select_related("campaign", "author", "org_unit").filter(
        Q(author=user) | (co_author_of(user) & ~Q(status=Proposal.Status.DRAFT))
    )


def proposals_managed_by(user) -> QuerySet[Proposal]:
    """Proposals an official answers for: submitted from units in their scope (and
    drafts they entered on a worker's behalf)."""
    scope = user_scope(user)
    proposals = Proposal.objects.select_related("campaign", "author", "org_unit")
    if scope.is_superuser:
        return proposals
    if not scope.is_official:
        return proposals.none()
    return proposals.filter(officials_part(scope, user))


def viewer_manages(user) -> ExpressionWrapper:
    """Annotation: the viewer is an official over the proposal (sees running scores)."""
    if not signed_in(user):
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    scope = user_scope(user)
    managed = Q(pk__isnull=False) if scope.is_superuser else officials_part(scope, user)
    if not (scope.is_superuser or scope.is_official):
        managed = Q(pk__in=[])
    return ExpressionWrapper(managed, output_field=BooleanField())


def viewer_follows(user) -> ExpressionWrapper:
    """Annotation form of `follows_proposal` (lists: who may see the timeline and
    each person's share of a prize)."""
    if not signed_in(user):
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    scope = user_scope(user)
    if scope.is_superuser:
        return ExpressionWrapper(Value(True), output_field=BooleanField())
    return ExpressionWrapper(
        Q(author=user) | co_author_of(user) | officials_part(scope, user),
        output_field=BooleanField(),
    )


def manages_proposal(user, proposal: Proposal) -> bool:
    return proposals_managed_by(user).filter(pk=proposal.pk).exists()


def follows_proposal(user, proposal: Proposal) -> bool:
    """Whether the person follows the proposal's whole history (its timeline, the
    office's comments): its authors and the officials over it (including one who
    entered it, while they answer for it). Everyone else sees an awarded
    proposal only as the showcase shows it."""
    if user_scope(user).is_superuser or user.pk == proposal.author_id:
        return True
    return proposal.co_authors.filter(person=user).exists() or manages_proposal(user, proposal)


def screening_queue(user) -> QuerySet[Proposal]:
    """Submitted proposals waiting for the official's screening, oldest first."""
    return (
        proposals_managed_by(user)
        .filter(status=Proposal.Status.SUBMITTED)
        .order_by("status_changed_at", "id")
    )
