"""Every write to campaigns, proposals, reviews and awards."""

from competitions.services.campaigns import campaign_create, campaign_update
from competitions.services.decisions import (
    proposal_award,
    proposal_decide,
    proposal_implement,
    proposal_verify_benefit,
)
from competitions.services.proposals import (
    attachment_add,
    proposal_create,
    proposal_delete,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)
from competitions.services.review import (
    pool_reviewer_remove,
    pool_reviewers_add,
    review_submit,
    review_update,
    reviewer_replace,
    reviewers_assign,
)
from competitions.services.screening import (
    proposal_mark_duplicate,
    proposal_reject_ineligible,
    proposal_return,
    proposal_screen,
    proposal_undo_screening,
)

__all__ = [
    "attachment_add",
    "campaign_create",
    "campaign_update",
    "pool_reviewer_remove",
    "pool_reviewers_add",
    "proposal_award",
    "proposal_create",
    "proposal_decide",
    "proposal_delete",
    "proposal_implement",
    "proposal_mark_duplicate",
    "proposal_reject_ineligible",
    "proposal_return",
    "proposal_screen",
    "proposal_submit",
    "proposal_undo_screening",
    "proposal_update",
    "proposal_verify_benefit",
    "proposal_withdraw",
    "review_submit",
    "review_update",
    "reviewer_replace",
    "reviewers_assign",
]
