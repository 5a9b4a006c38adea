"""The reviewer pickers of a proposal's page (core.pickers): people found as
the people picker finds them, among those the official may ask to review that
proposal (`/pickers/proposal-reviewers/<proposal id>/?q=`) or to take a
reviewer's place on it (`/pickers/proposal-replacements/<proposal id>/?q=`),
so a picker never offers someone the service would refuse. Likewise the
author picker of an entry on a worker's behalf, among those the official may
enter a proposal for in that campaign (`/pickers/campaign-authors/<campaign id>/?q=`),
and the proposal form's links as `proposal_create` and `proposal_update` take
them from its writer (competitions.selectors.links): for a known author its
studio (`/pickers/author-studios/<author id>/?q=`), origin problem
(`/pickers/author-problems/<author id>/?q=`) and co-authors
(`/pickers/author-co-authors/<author id>/?q=`); for an entry whose worker is
chosen on the same form, its studio among those of anyone the official may
enter for (`/pickers/entry-studios/<campaign id>/?q=`). The screening form's
original of a duplicate is found by its code or words of its title among the
proposals the official may name as the original of that proposal
(`/pickers/duplicate-originals/<proposal id>/?q=`, `originals_offered`)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.pickers import PEOPLE
from accounts.selectors import is_official, people_managed_by, people_visible_to
from achievements.pickers import PROBLEMS
from competitions.models import Campaign, Proposal
from competitions.selectors import (
    authors_offered,
    campaigns_visible_to,
    co_authors_offered,
    entry_studios_offered,
    origin_problems_offered,
    originals_offered,
    proposal_access,
    proposals_matching,
    proposals_visible_to,
    replacements_offered,
    reviewers_offered,
    studios_offered,
)
from core.pickers import PickerSource, register, register_for_record
from studios.pickers import STUDIOS


def _staffed(user, proposal_id: int) -> Proposal:
    """A proposal whose reviewers `user` chooses, or that they screen, as the
    review and screening services check it: 404 if they cannot see it, 403 if
    they can but do not answer for it or wrote it."""
    proposal = get_object_or_404(proposals_visible_to(user), pk=proposal_id)
    access = proposal_access(user, proposal, only=("manages", "own"))
    if not access.manages or access.own:
        raise PermissionDenied
    return proposal


register_for_record(PEOPLE, "proposal-reviewers", _staffed, reviewers_offered)
register_for_record(PEOPLE, "proposal-replacements", _staffed, replacements_offered)

register(
    PickerSource(
        name="duplicate-originals",
        scope=lambda user, proposal_id: originals_offered(user, _staffed(user, proposal_id)),
        search=proposals_matching,
        key_field="code",
        label=lambda proposal: f"{proposal.title}（{proposal.code}）",
        hint=_("Type its code or words of its title"),
        for_record=True,
    )
)


def _entered_in(user, campaign_id: int) -> Campaign:
    """A campaign `user` may enter proposals in for others, as `proposal_create`
    checks it: 404 if they cannot see it, 403 if they are no union official."""
    campaign = get_object_or_404(campaigns_visible_to(user), pk=campaign_id)
    if not is_official(user):
        raise PermissionDenied
    return campaign


register_for_record(PEOPLE, "campaign-authors", _entered_in, authors_offered)

register_for_record(STUDIOS, "entry-studios", _entered_in, entry_studios_offered)


def _written_for(user, author_id: int) -> User:
    """A person whose proposals `user` writes: themself, or someone in the
    units they answer for as an official (an entry on their behalf); 404 if
    they cannot see them, 403 if they can but write nothing for them."""
    author = get_object_or_404(people_visible_to(user), pk=author_id)
    if author.pk != user.pk and not people_managed_by(user).filter(pk=author.pk).exists():
        raise PermissionDenied
    return author


register_for_record(
    STUDIOS, "author-studios", _written_for, lambda user, author: studios_offered(author)
)
register_for_record(
    PROBLEMS,
    "author-problems",
    _written_for,
    lambda user, author: origin_problems_offered(user, author).select_related("studio"),
)
register_for_record(PEOPLE, "author-co-authors", _written_for, co_authors_offered)
