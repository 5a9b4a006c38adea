"""Similar-proposal hints: what may be shown beside a title being typed or a
proposal being screened (see competitions.similarity for the grams)."""

import copy
from collections import defaultdict

from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from competitions.models import (
    Proposal,
    TitleGram,
)
from competitions.selectors.proposals import proposals_visible_to
from competitions.similarity import dice, title_grams

# Below this Dice score two titles are not shown as similar: "改进" alone is not
# a match, half of the title's character pairs are.
SIMILARITY_THRESHOLD = 0.35


def similarity_pool(user) -> QuerySet[Proposal]:
    """What the similar-proposal hints may show: what the person may see, less
    anything withdrawn and other people's drafts (a superuser sees those too)."""
    return (
        proposals_visible_to(user)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .exclude(Q(status=Proposal.Status.DRAFT) & ~Q(author=user))
    )


def originals_offered(user, proposal: Proposal) -> QuerySet[Proposal]:
    """What an official may name as the original of `proposal` when marking it
    a duplicate: the similarity pool less the proposal itself, drafts and other
    duplicates, newest first (the duplicate form's choices)."""
    return (
        similarity_pool(user)
        .exclude(pk=proposal.pk)
        .exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.DUPLICATE])
        .order_by("-id")
    )


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
