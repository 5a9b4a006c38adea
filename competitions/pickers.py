"""The reviewer pickers of a proposal's page (core.pickers): people found as
the people picker finds them, among those the official may ask to review that
proposal (`/pickers/proposal-reviewers/<proposal id>/?q=`) or to take a
reviewer's place on it (`/pickers/proposal-replacements/<proposal id>/?q=`),
so a picker never offers someone the service would refuse."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.pickers import PEOPLE
from competitions.models import Proposal
from competitions.selectors import (
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
