"""What the proposal page shows, shared by the author's and the official's views."""

from competitions.forms import CommentForm, DuplicateForm, ReasonForm
from competitions.models import Proposal
from competitions.selectors import (
    follows_proposal,
    manages_proposal,
    proposals_visible_to,
    similar_proposals,
    similarity_pool,
)
from core.attachments import attachments_of
from core.forms import AttachmentForm


def detail_context(request, proposal, **forms) -> dict:
    user = request.user
    is_author_side = user.pk in (proposal.author_id, proposal.entered_by_id)
    follows = follows_proposal(user, proposal)
    context = {
        "proposal": proposal,
        "follows": follows,
        "events": proposal.events.select_related("actor") if follows else [],
        "original_visible": proposal.duplicate_of_id is not None
        and proposals_visible_to(user).filter(pk=proposal.duplicate_of_id).exists(),
        "co_authors": proposal.co_authors.select_related("person"),
        "attachments": attachments_of(proposal),
        "is_author_side": is_author_side,
        "related": proposals_visible_to(user).filter(related_to=proposal),
    }
    if is_author_side and proposal.is_editable:
        context["attachment_form"] = AttachmentForm()
    if manages_proposal(user, proposal) and proposal.status == Proposal.Status.SUBMITTED:
        context.update(official_forms(request, proposal, **forms))
    return context


def official_forms(request, proposal, **forms) -> dict:
    """The screening forms on a proposal's page, with the similar proposals the
    official may name as its original."""
    similar = similar_proposals(request.user, proposal.title, exclude_id=proposal.pk)
    return {
        "may_screen": True,
        "return_form": forms.get("return_form") or CommentForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "duplicate_form": forms.get("duplicate_form")
        or DuplicateForm(originals=originals_for(request.user, proposal)),
        "similar": similar,
    }


def _originals(user, proposal):
    return (
        similarity_pool(user)
        .exclude(pk=proposal.pk)
        .exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.DUPLICATE])
        .order_by("-id")
    )


def originals_for(user, proposal):
    """What an official may name as the original of a duplicate."""
    return (
        similarity_pool(user)
        .exclude(pk=proposal.pk)
        .exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.DUPLICATE])
        .order_by("-id")
    )
