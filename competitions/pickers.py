"""The reviewer pickers of a proposal's page (core.pickers): people found as
the people picker finds them, among those the official may ask to review that
proposal (`/pickers/proposal-reviewers/<proposal id>/?q=`) or to take a
reviewer's place on it (`/pickers/proposal-replacements/<proposal id>/?q=`),
so a picker never offers someone the service would refuse. Likewise the
author picker of an entry on a worker's behalf, among those the official may
enter a proposal for in that campaign (`/pickers/campaign-authors/<campaign id>/?q=`)."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.pickers import PEOPLE
from accounts.selectors import is_official
from competitions.models import Campaign, Proposal
from competitions.selectors import (
    authors_offered,
    campaigns_visible_to,
    proposal_access,
    proposals_visible_to,
    replacements_offered,
    reviewers_offered,
)
from core.pickers import register


def _staffed(user, proposal_id: int) -> Proposal:
    """A proposal whose reviewers `user` chooses, as the review services check
    it: 404 if they cannot see it, 403 if they can but do not answer for it or
    wrote it."""
    proposal = get_object_or_404(proposals_visible_to(user), pk=proposal_id)
    access = proposal_access(user, proposal, only=("manages", "own"))
    if not access.manages or access.own:
        raise PermissionDenied
    return proposal


def _of_proposal(name: str, offered) -> None:
    """A picker of `offered(user, proposal)`, found, keyed and shown as the
    people picker finds, keys and shows a person."""
    register(
        replace(
            PEOPLE,
            name=name,
            scope=lambda user, proposal_id: offered(user, _staffed(user, proposal_id)),
            for_record=True,
        )
    )


_of_proposal("proposal-reviewers", reviewers_offered)
_of_proposal("proposal-replacements", replacements_offered)


def _entered_in(user, campaign_id: int) -> Campaign:
    """A campaign `user` may enter proposals in for others, as `proposal_create`
    checks it: 404 if they cannot see it, 403 if they are no union official."""
    campaign = get_object_or_404(campaigns_visible_to(user), pk=campaign_id)
    if not is_official(user):
        raise PermissionDenied
    return campaign


register(
    replace(
        PEOPLE,
        name="campaign-authors",
        scope=lambda user, campaign_id: authors_offered(user, _entered_in(user, campaign_id)),
        for_record=True,
    )
)
