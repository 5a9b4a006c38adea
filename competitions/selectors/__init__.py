"""Reads that depend on who asks, for campaigns, proposals and reviews: one
scoping function per model, used by pages, API, filters and reports alike."""

from competitions.selectors.awards import award_shares_visible_to
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
    ProposalAccess,
    order_blind_rows_last,
    proposal_access,
    proposals_listed_openly,
    proposals_managed_by,
    proposals_of,
    proposals_visible_to,
    proposals_with_access,
    screening_queue,
    with_blind_column,
    without_blind,
)
from competitions.selectors.review import (
    campaign_results,
    decisions_board,
    grades_with_counts,
    proposals_listed_for,
    recusal_reason,
    review_panel,
    review_queue,
    reviews_visible_to,
    with_scores,
)

__all__ = [
    "SIMILARITY_THRESHOLD",
    "ProposalAccess",
    "award_shares_visible_to",
    "campaign_figures",
    "campaign_results",
    "campaigns_managed_by",
    "campaigns_open_to",
    "campaigns_visible_to",
    "decisions_board",
    "grades_with_counts",
    "may_enter",
    "order_blind_rows_last",
    "proposal_access",
    "proposals_listed_for",
    "proposals_listed_openly",
    "proposals_managed_by",
    "proposals_of",
    "proposals_visible_to",
    "proposals_with_access",
    "recusal_reason",
    "review_panel",
    "review_queue",
    "reviews_visible_to",
    "screening_queue",
    "similar_for_each",
    "similar_proposals",
    "similarity_pool",
    "with_blind_column",
    "with_scores",
    "without_blind",
]
