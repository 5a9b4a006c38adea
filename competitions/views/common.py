"""What the proposal page shows, shared by the author's and the official's views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from competitions.forms import CommentForm, DuplicateForm, ReasonForm
from competitions.models import Award, Proposal
from competitions.selectors import (
    follows_proposal,
    manages_proposal,
    proposals_managed_by,
    proposals_visible_to,
    similar_proposals,
    similarity_pool,
)
from competitions.views.steps import decision_forms
from core.attachments import attachments_of
from core.forms import AttachmentForm
from studios.selectors import studios_visible_to


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
        # A showcase reader may not see the studio a proposal was filed under.
        "studio_visible": proposal.studio_id is not None
        and studios_visible_to(user).filter(pk=proposal.studio_id).exists(),
        "attachments": attachments_of(proposal),
        "is_author_side": is_author_side,
        "related": proposals_visible_to(user).filter(related_to=proposal),
    }
    if proposal.status == Proposal.Status.AWARDED:
        context["award"] = (
            Award.objects.select_related("grade")
            .prefetch_related("shares__person")
            .filter(proposal=proposal)
            .first()
        )
    if is_author_side and proposal.status == Proposal.Status.UNDER_REVIEW:
        context["reviews_in"] = proposal.reviews.count()  # how many, never who
    if is_author_side and proposal.is_editable:
        context["attachment_form"] = AttachmentForm()
    if manages_proposal(user, proposal):
        if proposal.status == Proposal.Status.SUBMITTED:
            context.update(official_forms(request, proposal, **forms))
        else:
            context.update(decision_forms(request, proposal, **forms))
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


def originals_for(user, proposal):
    """What an official may name as the original of a duplicate."""
    return (
        similarity_pool(user)
        .exclude(pk=proposal.pk)
        .exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.DUPLICATE])
        .order_by("-id")
    )


def managed_proposal(request, pk) -> Proposal:
    # Authors and co-authors see their proposal but do not screen it: 403 for
    # them, 404 for everyone else (they cannot see it at all).
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if not proposals_managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return proposal


def back_to(request, proposal):
    """Back to the queue when the action came from there, else to the proposal."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect("competitions:proposal-detail", pk=proposal.pk)


def rerender_detail(request, proposal, status=400, **forms):
    # A refusal of the move itself (another official screened it meanwhile) is a
    # form-wide error, and the screening forms are gone once the proposal has left
    # "submitted": say it as a message, with the state's 409.
    for form in forms.values():
        for error in form.non_field_errors():
            messages.error(request, error)
            status = 409
    return render(
        request,
        "competitions/proposal_detail.html",
        detail_context(request, proposal, **forms),
        status=status,
    )
