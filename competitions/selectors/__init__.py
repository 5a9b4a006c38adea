"""Reads that depend on who asks, for campaigns, proposals and reviews: one
scoping function per model, used by pages, API, filters and reports alike."""

from competitions.selectors.campaigns import (
    campaign_figures,
    campaigns_managed_by,
    campaigns_open_to,
    campaigns_visible_to,
    may_enter,
)
from competitions.selectors.hints import (
    SIMILARITY_THRESHOLD,
    similar_for_each,
    similar_proposals,
    similarity_pool,
)
from competitions.selectors.proposals import (
    follows_proposal,
    manages_proposal,
    proposals_managed_by,
    proposals_of,
    proposals_visible_to,
    screening_queue,
    viewer_follows,
    viewer_manages,
)
from competitions.selectors.review import (
    blind_for,
    campaign_results,
    decisions_board,
    grades_with_counts,
    is_blind_for,
    proposals_listed_for,
    recusal_reason,
    review_panel,
    review_queue,
    reviews_visible_to,
    with_scores,
)

__all__ = [
    "SIMILARITY_THRESHOLD",
    "blind_for",
    "campaign_figures",
    "campaign_results",
    "campaigns_managed_by",
    "campaigns_open_to",
    "campaigns_visible_to",
    "decisions_board",
    "follows_proposal",
    "grades_with_counts",
    "is_blind_for",
    "manages_proposal",
    "may_enter",
    "proposals_listed_for",
    "proposals_managed_by",
    "proposals_of",
    "proposals_visible_to",
    "recusal_reason",
    "review_panel",
    "review_queue",
    "reviews_visible_to",
    "screening_queue",
    "similar_for_each",
    "similar_proposals",
    "similarity_pool",
    "viewer_follows",
    "viewer_manages",
    "with_scores",
]
