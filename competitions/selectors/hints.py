"""Similar-proposal hints: what may be shown beside a title being typed or a
proposal being screened (see competitions.similarity for the grams), and the
originals a proposal may be marked a duplicate of, found by code or title."""

import copy
import math
from collections import defaultdict

from django.db import connection
from django.db.models import (
    Count,
    Q,
    QuerySet,
)
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


# A title is looked up by at most this many grams of the words typed: each is
# one more join for PostgreSQL to plan, and among a million proposals a whole
# title's dozen took 22 ms to plan where five took 3 ms to plan and 7 ms to
# run (three found too many titles to check: 36 ms). The words themselves are
# then checked on the few titles those grams find.
SEARCHED_GRAMS = 5


def proposals_matching(
    proposals: QuerySet[Proposal], text: str, limit: int = 20
) -> QuerySet[Proposal]:
    """Those of `proposals` whose code starts with `text` ("2026-A101-0007", or
    "2026-A101" for a unit's year, in any case) or whose title holds each word
    of it ("喷雾降尘", "降尘 节水"), as the duplicate form's picker finds an
    original. Each way reads one index, the code's prefix index or the title
    grams' (`TitleGram`: the title's character pairs, its Latin words and
    numbers whole; "喷雾降尘" is 喷雾, 雾降 and 降尘), and is cut at `limit`
    before they are joined, as `people_matching` does: a search reads the
    proposals its words or code find, never all of them, as a title's
    substring alone would (`LIKE '%…%'` has no index). A single Chinese
    character is no gram of a longer word, so a title is found by words of two
    characters or more."""
    text = text.strip()
    if not text:
        return proposals.none()
    branches = [Q(code__startswith=code) for code in dict.fromkeys([text, text.upper()])]
    # The same grams for the same words, at most SEARCHED_GRAMS of them.
    grams = sorted(title_grams(text))[:SEARCHED_GRAMS]
    if grams:
        # The titles holding every gram, gathered before the proposals are
        # read (`__in_ids`: once, from the gram index, each gram one range of
        # it). As a join, PostgreSQL may reckon on meeting `limit` of them
        # early and read the proposals in order of id: all million of them
        # (0.7 s) for words no title holds.
        holders = TitleGram.objects.filter(gram=grams[0])
        for gram in grams[1:]:
            holders = holders.filter(
                proposal_id__in=TitleGram.objects.filter(gram=gram).values("proposal_id")
            )
        words = [Q(title__icontains=word) for word in text.split()]
        branches.append(Q(*words, pk__in_ids=holders.values("proposal_id")))
    if connection.vendor != "postgresql":  # SQLite: no LIMIT inside a UNION
        condition = Q(pk__in=[])
        for branch in branches:
            condition |= branch
        return proposals.filter(condition)
    first = [proposals.filter(branch).order_by().values("pk")[:limit] for branch in branches]
    return proposals.filter(pk__in=first[0].union(*first[1:]))


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
    # Scored from the gram index alone, then only the titles that pass are
    # checked against the viewer's scope. Scoping first read every proposal
    # the viewer may see (a group official's: all of them) and grouped their
    # joined rows: 150 ms beside 100,000 proposals sharing no gram with the
    # title, where the grams alone take 6 ms. A Dice score of t needs at least
    # t·n / (2 − t) shared grams however short the other title, which bounds
    # the candidates before their own gram counts are read.
    fewest_shared = math.ceil(SIMILARITY_THRESHOLD * len(grams) / (2 - SIMILARITY_THRESHOLD))
    candidates = (
        TitleGram.objects.filter(gram__in=grams)
        .order_by()
        .values("proposal_id")
        .annotate(shared=Count("*"))
        .filter(shared__gte=fewest_shared)
    )
    shared = dict(candidates.values_list("proposal_id", "shared"))
    shared.pop(exclude_id, None)
    seen = (
        similarity_pool(user)
        .filter(pk__in=candidates.values("proposal_id"))
        .order_by()
        .values_list("pk", "title_gram_count")
    )
    scores = {}
    for pk, gram_count in seen:
        score = dice(shared.get(pk, 0), gram_count, len(grams))
        if score >= SIMILARITY_THRESHOLD:
            scores[pk] = score
    best = sorted(scores, key=lambda pk: (-scores[pk], -pk))[:limit]
    found = similarity_pool(user).in_bulk(best)
    for pk in best:
        found[pk].similarity = scores[pk]
    return [found[pk] for pk in best]


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
