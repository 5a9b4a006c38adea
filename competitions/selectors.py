"""Who reads which campaigns and proposals (DESIGN.md §4, issue 5).

A campaign is seen by everyone who may enter it (its organising unit's subtree)
and by the officials of any unit inside or above it. A proposal is seen by its
author and co-authors, by the officials over the author's unit once it has been
submitted (a draft stays the author's, unless an official typed it for them), and
by everyone once it is awarded (the showcase).
"""

import copy
from collections import defaultdict

from django.db import connection
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from accounts.models import OrgUnit, RoleGrant, User
from accounts.selectors import user_scope
from competitions.models import Campaign, CoAuthor, Proposal, TitleGram
from competitions.similarity import dice, title_grams
from core.scoping import within_paths

# Below this Dice score two titles are not shown as similar: "改进" alone is not
# a match, half of the title's character pairs are.
SIMILARITY_THRESHOLD = 0.35


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _own_unit_path(user) -> str | None:
    if not user.org_unit_id:
        return None
    return OrgUnit.objects.filter(pk=user.org_unit_id).values_list("path", flat=True).first()


def _with_ancestors(paths) -> set[str]:
    """Each path and the paths of its ancestors (every prefix one step long)."""
    step = OrgUnit.steplen
    return {path[:end] for path in paths if path for end in range(step, len(path) + 1, step)}


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    if not _signed_in(user):
        return Campaign.objects.none()
    campaigns = Campaign.objects.select_related("org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return campaigns
    own = _own_unit_path(user)
    above = _with_ancestors([own, *scope.official_paths])
    return campaigns.filter(
        Q(org_unit__path__in=above) | within_paths(scope.official_paths, unit_field="org_unit")
    )


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    """Campaigns organised within the units the person answers for."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Campaign.objects.select_related("org_unit")
    return Campaign.objects.select_related("org_unit").filter(
        within_paths(scope.official_paths, unit_field="org_unit")
    )


def campaigns_open_to(user, at=None) -> QuerySet[Campaign]:
    """Campaigns the person may enter right now (their own unit is inside)."""
    if not _signed_in(user):
        return Campaign.objects.none()
    at = at or timezone.now()
    return (
        Campaign.objects.select_related("org_unit")
        .filter(org_unit__path__in=_with_ancestors([_own_unit_path(user)]))
        .filter(opens_at__lte=at, closes_at__gt=at)
    )


def may_enter(person: User, campaign: Campaign) -> bool:
    """Whether `person`'s unit lies in the campaign's organising subtree."""
    path = _own_unit_path(person)
    return bool(path) and path.startswith(campaign.org_unit.path)


def _co_author_of(user) -> Exists:
    return Exists(CoAuthor.objects.filter(proposal=OuterRef("pk"), person=user))


def _officials_part(scope, user) -> Q:
    in_scope = within_paths(scope.official_paths, unit_field="org_unit")
    return in_scope & (~Q(status=Proposal.Status.DRAFT) | Q(entered_by=user))


def proposals_visible_to(user) -> QuerySet[Proposal]:
    if not _signed_in(user):
        return Proposal.objects.none()
    proposals = Proposal.objects.select_related("campaign", "author", "org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return proposals
    return proposals.filter(
        Q(author=user)
        | Q(entered_by=user)
        | _co_author_of(user)
        | Q(status=Proposal.Status.AWARDED)
        | _officials_part(scope, user)
    )


def proposals_of(user) -> QuerySet[Proposal]:
    """ "My proposals": written or co-written by the person."""
    if not _signed_in(user):
        return Proposal.objects.none()
    return Proposal.objects.select_related("campaign", "author", "org_unit").filter(
        Q(author=user) | _co_author_of(user)
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
    return proposals.filter(_officials_part(scope, user))


def manages_proposal(user, proposal: Proposal) -> bool:
    return proposals_managed_by(user).filter(pk=proposal.pk).exists()


def follows_proposal(user, proposal: Proposal) -> bool:
    """Whether the person follows the proposal's whole history (its timeline, the
    office's comments): its authors, whoever entered it, and the officials over
    it. Everyone else sees an awarded proposal only as the showcase shows it."""
    if user_scope(user).is_superuser or user.pk in (proposal.author_id, proposal.entered_by_id):
        return True
    return proposal.co_authors.filter(person=user).exists() or manages_proposal(user, proposal)


def screening_queue(user) -> QuerySet[Proposal]:
    """Submitted proposals waiting for the official's screening, oldest first."""
    return (
        proposals_managed_by(user)
        .filter(status=Proposal.Status.SUBMITTED)
        .order_by("status_changed_at", "id")
    )


def similarity_pool(user) -> QuerySet[Proposal]:
    """What the similar-proposal hints may show: what the person may see, less
    other people's drafts and anything withdrawn."""
    return proposals_visible_to(user).exclude(status=Proposal.Status.WITHDRAWN)


def similar_proposals(user, title: str, *, exclude_id: int | None = None, limit: int = 5):
    """The proposals most like `title` that `user` may see, best first, each
    annotated with `similarity` (0–1)."""
    grams = title_grams(title)
    if not grams:
        return []
    pool = similarity_pool(user)
    if exclude_id is not None:
        pool = pool.exclude(pk=exclude_id)
    # Filtering on the grams before counting them counts only the shared ones.
    ranked = (
        pool.filter(title_grams__gram__in=grams)
        .annotate(common=Count("title_grams"))
        .annotate(
            similarity=Cast(2 * F("common"), FloatField())
            / Cast(F("title_gram_count") + len(grams), FloatField())
        )
        .filter(similarity__gte=SIMILARITY_THRESHOLD)
        .order_by("-similarity", "-id")
    )
    return list(ranked[:limit])


def similar_for_each(user, proposals, *, limit: int = 3) -> dict[int, list[Proposal]]:
    """The most similar proposals for each of `proposals` (a page of the
    screening queue), in two queries whatever the page size."""
    by_id = {proposal.pk: proposal for proposal in proposals}
    if not by_id:
        return {}
    pool_sql, pool_params = similarity_pool(user).values("pk").query.sql_with_params()
    placeholders = ", ".join(["%s"] * len(by_id))
    # Pairs (entry, other) sharing grams, with the count of shared grams: a
    # self-join of the gram index, limited to the other proposals the official
    # may see, and to the pairs whose Dice score passes the threshold (the same
    # sum as similar_proposals: short titles sharing one gram can pass).
    sql = f"""
        SELECT a.proposal_id, b.proposal_id, COUNT(*), p.title_gram_count
        FROM {TitleGram._meta.db_table} a
        JOIN {TitleGram._meta.db_table} b ON b.gram = a.gram AND b.proposal_id <> a.proposal_id
        JOIN {Proposal._meta.db_table} p ON p.id = b.proposal_id
        JOIN {Proposal._meta.db_table} e ON e.id = a.proposal_id
        WHERE a.proposal_id IN ({placeholders}) AND b.proposal_id IN ({pool_sql})
        GROUP BY a.proposal_id, b.proposal_id, p.title_gram_count, e.title_gram_count
        HAVING CAST(2 * COUNT(*) AS DOUBLE PRECISION)
               / CAST(e.title_gram_count + p.title_gram_count AS DOUBLE PRECISION) >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*by_id, *pool_params, SIMILARITY_THRESHOLD])
        pairs = cursor.fetchall()
    scored: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for entry_id, other_id, common, other_count in pairs:
        score = dice(common, by_id[entry_id].title_gram_count, other_count)
        if score >= SIMILARITY_THRESHOLD:
            scored[entry_id].append((score, other_id))
    best = {
        entry_id: sorted(candidates, reverse=True)[:limit]
        for entry_id, candidates in scored.items()
    }
    others = Proposal.objects.select_related("campaign").in_bulk(
        {other_id for candidates in best.values() for _score, other_id in candidates}
    )
    result: dict[int, list[Proposal]] = {}
    for entry_id, candidates in best.items():
        result[entry_id] = []
        for score, other_id in candidates:
            # A copy per entry: the same proposal may be like several entries,
            # each with its own score.
            other = copy.copy(others[other_id])
            other.similarity = score
            result[entry_id].append(other)
    return result


def campaign_figures(campaign: Campaign, user) -> dict:
    """A campaign's numbers within what the viewer answers for: counts by
    category, state and unit (one level below the organiser), and participation
    (entrants ÷ people in the units that may enter)."""
    entered = (
        proposals_managed_by(user).filter(campaign=campaign).exclude(status=Proposal.Status.DRAFT)
    )
    by_category = dict(entered.values_list("category").annotate(n=Count("id")).order_by())
    by_status = dict(entered.values_list("status").annotate(n=Count("id")).order_by())
    child_length = len(campaign.org_unit.path) + OrgUnit.steplen
    by_unit_path = dict(
        entered.annotate(branch=Substr("org_unit__path", 1, child_length))
        .values_list("branch")
        .annotate(n=Count("id"))
        .order_by()
    )
    branches = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(path__in=list(by_unit_path)).only("name", "path")
    }
    scope = user_scope(user)
    # Workers of the units that may enter (union officials run it, they do not enter).
    people = User.objects.filter(
        org_unit__path__startswith=campaign.org_unit.path, is_active=True
    ).exclude(role_grants__role=RoleGrant.Role.UNION_OFFICIAL)
    if not scope.is_superuser:
        people = people.filter(within_paths(scope.official_paths, unit_field="org_unit"))
    # Entrants: authors and co-authors of anything submitted, among those people.
    entrants = people.filter(
        Exists(entered.filter(author=OuterRef("pk")))
        | Exists(CoAuthor.objects.filter(proposal__in=entered, person=OuterRef("pk")))
    ).count()
    headcount = people.count()
    return {
        "total": sum(by_status.values()),
        "by_category": [
            (label, by_category.get(code, 0)) for code, label in Proposal.Category.choices
        ],
        "by_status": [
            (label, by_status[code])
            for code, label in Proposal.Status.choices
            if by_status.get(code)
        ],
        "by_unit": sorted(
            (
                (branches[path].name if path in branches else "—", n)
                for path, n in by_unit_path.items()
            ),
            key=lambda row: -row[1],
        ),
        "entrants": entrants,
        "headcount": headcount,
    }
