"""Who reads which proposals (docs/access.md): the author and co-authors, whoever
entered it for them, the officials over the author's unit once it is submitted
(a draft stays the author's), its assigned reviewers, and everyone once it is
awarded (the showcase)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When

from accounts.models import OrgUnit
from accounts.selectors import user_scope
from competitions.models import (
    CoAuthor,
    Proposal,
    ReviewAssignment,
)
from core.access import Fact, RecordAccess, annotate_facts, column, read_facts
from core.scoping import signed_in, within_paths
from studios.selectors import studios_visible_to


def co_author_of(user) -> Exists:
    return Exists(CoAuthor.objects.filter(proposal=OuterRef("pk"), person=user))


def assigned_to(user) -> Exists:
    return Exists(
        ReviewAssignment.objects.filter(
            proposal=OuterRef("pk"), reviewer=user, replaced_at__isnull=True
        )
    )


NOTHING = Q(pk__in=[])


def officials_part(scope, user, *, via: str = "") -> Q:
    """The proposals an official answers for, as a condition on the proposal's
    row, or on a row joined to it through `via` ("proposal__" for its reviews):
    a join the planner walks, not a million-row id subquery tested per row. The
    units are a small set (a hashed subplan, one lookup a row)."""
    units = OrgUnit.objects.filter(within_paths(scope.official_paths, unit_field=None))
    in_scope = Q(**{f"{via}org_unit__in": units.values("pk")})
    draft, entered = {f"{via}status": Proposal.Status.DRAFT}, {f"{via}entered_by": user}
    return in_scope & (~Q(**draft) | Q(**entered))


def readable_by(user, scope, *, via: str = "") -> Q:
    """Who reads a proposal (the module's docstring), as a condition on its row
    or on a row joined to it through `via` ("duplicate_of__": may the viewer
    open the original of a duplicate). A draft stays the author's: co-authors
    see it once it is submitted, and an official who typed it for a worker only
    while they answer for that worker. Each rule is one index's range
    (`__in_ids`, core/lookups.py), so the database reads only the rows a worker
    or a team's official may see rather than testing every proposal of the
    group against five rules."""
    co_written = CoAuthor.objects.filter(person=user).values("proposal_id")
    assigned = ReviewAssignment.objects.filter(reviewer=user, replaced_at__isnull=True)
    draft = Q(**{f"{via}status": Proposal.Status.DRAFT})
    return (
        Q(**{f"{via}author": user})
        | (Q(**{f"{via}pk__in_ids": co_written}) & ~draft)
        | Q(**{f"{via}status": Proposal.Status.AWARDED})
        | (officials_part(scope, user, via=via) if scope.is_official else NOTHING)
        | Q(**{f"{via}pk__in_ids": assigned.values("proposal_id")})
    )


def proposals_visible_to(user) -> QuerySet[Proposal]:
    if not signed_in(user):
        return Proposal.objects.none()
    proposals = Proposal.objects.select_related("campaign", "author", "org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return proposals
    return proposals.filter(readable_by(user, scope))


def proposals_of(user) -> QuerySet[Proposal]:
    """My proposals: written or co-written by the person (others' drafts aside)."""
    if not signed_in(user):
        return Proposal.objects.none()
    # The ids of each rule by index, joined by UNION: as an OR around a per-row
    # EXISTS, PostgreSQL read every proposal to count a person's own few on
    # their home page (0.1 s at 100,000 proposals, growing with the table).
    written = Proposal.objects.filter(author=user).order_by().values("pk")
    co_written = (
        CoAuthor.objects.filter(person=user)
        .exclude(proposal__status=Proposal.Status.DRAFT)
        .order_by()
        .values("proposal_id")
    )
    return Proposal.objects.select_related("campaign", "author", "org_unit").filter(
        pk__in=written.union(co_written)
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


@dataclass(frozen=True)
class ProposalAccess(RecordAccess):
    """What the viewer may do with one proposal; the states it may be in are the
    services' to check (409)."""

    # The author, or the official who entered it for them while they answer for
    # it: edits it while editable, submits, withdraws, deletes a draft, attaches.
    author_side: bool = False
    # Wrote it (author, co-author) or entered it: never screens or reviews it.
    own: bool = False
    # Follows its whole history (timeline, office comments, each person's share).
    follows: bool = False
    # An official over it: screens, assigns reviewers, decides, awards; sees
    # the running score.
    manages: bool = False
    # An active reviewer of it.
    reviews: bool = False
    # Reads it only as a reviewer of a blind campaign: the authors, the code,
    # the unit and the history's actors are hidden, and no list or filter that
    # would name them contains it.
    blind: bool = False
    # The original of a duplicate may be opened (else it is named by code only).
    original_visible: bool = False
    # The studio it was filed under may be named.
    studio_visible: bool = False


def proposal_facts(user, names: Iterable[str] | None = None) -> dict[str, Fact]:
    """The facts of `ProposalAccess` as SQL conditions on a proposal's row: those
    named in `names`, else all. Only the conditions asked for are built: each
    costs a query a few milliseconds to build and compile."""
    names = ProposalAccess.fact_names() if names is None else list(names)
    if not signed_in(user):
        return dict.fromkeys(names, False)
    scope = user_scope(user)

    @cache
    def manages() -> Fact:
        if scope.is_superuser:
            return Q(pk__isnull=False)
        return officials_part(scope, user) if scope.is_official else NOTHING

    def wrote() -> Q:
        return Q(author=user) | Q(entered_by=user) | co_author_of(user)

    rules: dict[str, Callable[[], Fact]] = {
        "read": lambda: True,  # the facts are read on the viewer's scoped rows only
        "author_side": lambda: Q(author=user) | (Q(entered_by=user) & manages()),
        "own": wrote,
        "follows": lambda: Q(author=user) | co_author_of(user) | manages(),
        "manages": manages,
        "reviews": lambda: assigned_to(user),
        "blind": lambda: (
            Q(campaign__blind_review=True)
            & assigned_to(user)
            & ~(wrote() | Q(status=Proposal.Status.AWARDED) | manages())
        ),
        # A condition on the joined original's row: an EXISTS over the visible
        # proposals became one hash of all of them (a million for the group).
        "original_visible": lambda: (
            Q(duplicate_of__isnull=False)
            & (
                Q(pk__isnull=False)
                if scope.is_superuser
                else readable_by(user, scope, via="duplicate_of__")
            )
        ),
        "studio_visible": lambda: Exists(studios_visible_to(user).filter(pk=OuterRef("studio_id"))),
    }
    return {name: rules[name]() for name in names}


def proposals_with_access(user, *, only: Iterable[str] | None = None) -> QuerySet[Proposal]:
    """`proposals_visible_to(user)` with each row's access facts as columns, so a
    list and its serializer read `proposal_access()` without a query a row.
    A list that reads a few facts names them in `only` and reads them with
    `proposal_access(..., only=...)`."""
    names = None if only is None else ("read", *only)
    return annotate_facts(proposals_visible_to(user), proposal_facts(user, names))


def proposal_access(user, proposal: Proposal, *, only: Iterable[str] = ()) -> ProposalAccess:
    """Everything `user` may do with `proposal`: from the row's access columns
    when it came from `proposals_with_access`, else one query. A service guard
    that needs two facts names them in `only` (the query then computes just
    those; the others stay False, which hides and forbids)."""
    names = ("read", *only) if only else ProposalAccess.fact_names()
    return ProposalAccess(
        **read_facts(
            proposal,
            names,
            user=user,
            visible_to=proposals_visible_to,
            facts_of=lambda user: proposal_facts(user, names),
        )
    )


def with_blind_column(user, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """`proposals` with the one fact `access_blind` (see `ProposalAccess.blind`)."""
    return annotate_facts(proposals, proposal_facts(user, ["blind"]))


def without_blind(user, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """`proposals` less those the viewer reads blind: for every list and every
    filter that shows or matches a code, an author or a unit."""
    if not signed_in(user):
        return proposals.none()
    return with_blind_column(user, proposals).filter(**{column("blind"): False})


def proposals_listed_openly(user) -> QuerySet[Proposal]:
    """The proposal list of the page and the API: everything the viewer sees,
    each row with `access_blind`, so a row read blind is shown without its
    code, authors and unit (the filters and the ordering by code skip it too)."""
    return with_blind_column(user, proposals_visible_to(user))


def order_blind_rows_last(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Keep an ordering by code from placing a row read blind by its code: such
    rows sort as if they had none (their place would hint at unit and year),
    through the column `code_shown`, empty on those rows."""
    if column("blind") not in proposals.query.annotations:
        return proposals
    ordering = [
        term.replace("code", "code_shown")
        if isinstance(term, str) and term.lstrip("-") == "code"
        else term
        for term in proposals.query.order_by
    ]
    if ordering == list(proposals.query.order_by):
        return proposals
    shown = Case(When(**{column("blind"): True}, then=Value(None)), default=F("code"))
    return proposals.annotate(code_shown=shown).order_by(*ordering)


def screening_queue(user) -> QuerySet[Proposal]:
    """Submitted proposals waiting for the official's screening, oldest first."""
    return (
        proposals_managed_by(user)
        .filter(status=Proposal.Status.SUBMITTED)
        .order_by("status_changed_at", "id")
    )


def proposals_to_revise(user) -> QuerySet[Proposal]:
    """The person's own proposals the office returned for changes, oldest
    return first (only the author revises and submits again)."""
    return (
        proposals_of(user)
        .filter(author=user, status=Proposal.Status.RETURNED)
        .order_by("status_changed_at", "id")
    )


def empty_draft_of(user, campaign) -> Proposal | None:
    """The author's own draft in `campaign` with nothing typed in it yet, to be
    filled rather than a second empty one made (defect: untitled drafts piled up)."""
    if not signed_in(user) or campaign is None:
        return None
    return (
        Proposal.objects.filter(
            author=user,
            entered_by__isnull=True,
            campaign=campaign,
            status=Proposal.Status.DRAFT,
            title="",
            post="",
            current_situation="",
            improvement="",
            expected_effect="",
            co_authors__isnull=True,
        )
        .order_by("pk")
        .first()
    )
