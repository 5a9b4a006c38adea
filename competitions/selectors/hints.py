"""Similar-proposal hints: what may be shown beside a title being typed or a
proposal being screened (see competitions.similarity for the grams), and the
originals a proposal may be marked a duplicate of."""

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
from django.utils.translation import gettext as _

from competitions.models import (
    Proposal,
    TitleGram,
)
from competitions.selectors.review import proposals_listed_for
from competitions.similarity import dice, title_grams

# Below this Dice score two titles are not shown as similar: "改进" alone is not
# a match, half of the title's character pairs are.
SIMILARITY_THRESHOLD = 0.35


def similarity_pool(user) -> QuerySet[Proposal]:
    """What the similar-proposal hints may show: what the person may see with
    its authors (`proposals_listed_for`: a hint names the code, and beside an
    entry being screened offers it as the original), less anything withdrawn
    and other people's drafts (a superuser sees those too)."""
    return (
        proposals_listed_for(user)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .exclude(Q(status=Proposal.Status.DRAFT) & ~Q(author=user))
    )


# What is never named as the original of a duplicate: nothing yet (a draft),
# nothing any more (withdrawn), or a duplicate itself (name its original).
NEVER_ORIGINALS = (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN, Proposal.Status.DUPLICATE)


def originals_offered(user, proposal: Proposal) -> QuerySet[Proposal]:
    """What `user` may name as the original of `proposal` when marking it a
    duplicate: a proposal they may see with its authors (`proposals_listed_for`:
    never one they read only as a blind reviewer, whose code the mark would
    name), submitted before it, that is none of `NEVER_ORIGINALS`; newest
    first. What the duplicate form and its one-click buttons offer, and what
    `proposal_mark_duplicate` takes; `original_refusal` says why any other
    proposal they may list is not one."""
    if proposal.submitted_at is None:
        return Proposal.objects.none()
    return (
        proposals_listed_for(user)
        .exclude(status__in=NEVER_ORIGINALS)
        .filter(submitted_at__lt=proposal.submitted_at)
        .order_by("-submitted_at", "-id")
    )


def original_refusal(proposal: Proposal, other: Proposal) -> str | None:
    """Why `other`, a proposal the official sees, is not offered as the
    original of `proposal` (None: it is): `originals_offered`'s rule read on a
    row already at hand (a similar proposal beside an entry, one named and
    refused)."""
    if other.pk == proposal.pk:
        return _("A proposal is not a duplicate of itself.")
    if other.status == Proposal.Status.DUPLICATE:
        return _("That proposal is itself a duplicate; name its original.")
    if other.status in NEVER_ORIGINALS:
        return _("A draft or a withdrawn proposal is not an original.")
    if (
        other.submitted_at is None
        or proposal.submitted_at is None
        or other.submitted_at >= proposal.submitted_at
    ):
        return _("The original is an earlier proposal.")
    return None


def with_originals_marked(proposal: Proposal, similar: list[Proposal]) -> list[Proposal]:
    """`similar` (proposals like `proposal` the official sees), each with
    `may_be_original`: whether `proposal` may be marked a duplicate of it, the
    one-click button beside it (`original_refusal`, so no query)."""
    for other in similar:
        other.may_be_original = original_refusal(proposal, other) is None
    return similar


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
    screening queue), in two queries whatever the page size, each marked with
    whether its entry may be marked a duplicate of it (`with_originals_marked`)."""
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
            # each with its own score (and its own answer to `may_be_original`).
            other = copy.copy(others[other_id])
            other.similarity = score
            result[entry_id].append(other)
        with_originals_marked(by_id[entry_id], result[entry_id])
    return result
