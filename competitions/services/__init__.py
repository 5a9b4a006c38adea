"""Every write to campaigns and proposals (issue 5: entry and screening)."""

from competitions.services.campaigns import campaign_create, campaign_update
from competitions.services.proposals import (
    attachment_add,
    proposal_create,
    proposal_delete,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)
from competitions.services.screening import (
    proposal_mark_duplicate,
    proposal_reject_ineligible,
    proposal_return,
    proposal_screen,
)

__all__ = [
    "attachment_add",
    "campaign_create",
    "campaign_update",
    "proposal_create",
    "proposal_delete",
    "proposal_mark_duplicate",
    "proposal_reject_ineligible",
    "proposal_return",
    "proposal_screen",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
]
