"""What the proposal page shows, shared by the author's and the official's views."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from competitions.forms import CommentForm, DuplicateForm, ReasonForm
from competitions.models import Proposal
from competitions.selectors import (
    active_assignments,
    award_of,
    proposal_access,
    proposals_visible_to,
    similar_proposals,
    with_originals_marked,
)
from competitions.services.screening import UNDOABLE, screening_undo_deadline
from competitions.views.steps import decision_forms
from core.attachments import attachments_of
from core.forms import AttachmentForm
from core.history import history_section


def detail_context(request, proposal, **forms) -> dict:
    user = request.user
    access = proposal_access(user, proposal)
    # The page's author-side parts (how many reviews are in, the upload form)
    # are for whoever wrote it or typed it in.
    is_author_side = user.pk in (proposal.author_id, proposal.entered_by_id)
    context = {
        "proposal": proposal,
        "access": access,
        "events": proposal.events.select_related("actor") if access.follows else [],
        "co_authors": proposal.co_authors.select_related("person"),
        "attachments": attachments_of(proposal),
        "is_author_side": is_author_side,
        "related": proposals_visible_to(user).filter(related_to=proposal),
        **history_section(user, proposal, visible=access.manages or access.own, api="proposal"),
    }
    if proposal.status == Proposal.Status.AWARDED:
        context["award"] = award_of(proposal)
    if is_author_side:
        under_review = proposal.status == Proposal.Status.UNDER_REVIEW
        # Screened is not yet scored: until the office assigns reviewers the
        # author reads that it waits for them (whether, never who).
        assigned = under_review and active_assignments(proposal).exists()
        context["next_step"] = proposal.next_step_with_reviewers(assigned)
        if under_review:
            context["reviews_in"] = proposal.reviews.count()  # how many, never who
    if is_author_side and proposal.is_editable:
        context["attachment_form"] = AttachmentForm()
    if access.manages:
        if proposal.status == Proposal.Status.SUBMITTED:
            context.update(official_forms(request, proposal, **forms))
        else:
            context.update(decision_forms(request, proposal, **forms))
        if proposal.status in UNDOABLE and not access.own:
            context["undo_screening_until"] = screening_undo_deadline(proposal)
    return context


def official_forms(request, proposal, **forms) -> dict:
    """The screening forms on a proposal's page, with the similar proposals the
    official may name as its original."""
    similar = with_originals_marked(
        proposal, similar_proposals(request.user, proposal.title, exclude_id=proposal.pk)
    )
    return {
        "may_screen": True,
        "return_form": forms.get("return_form") or CommentForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "duplicate_form": forms.get("duplicate_form")
        or DuplicateForm(user=request.user, proposal=proposal),
        "similar": similar,
    }


def managed_proposal(request, pk) -> Proposal:
    # Authors and co-authors see their proposal but do not screen it: 403 for
    # them, 404 for everyone else (they cannot see it at all).
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if not proposal_access(request.user, proposal).manages:
        raise PermissionDenied
    return proposal


def back_to(request, proposal):
    """Back to the queue when the action came from there, else to the proposal."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect("competitions:proposal-detail", pk=proposal.pk)


def rerender_detail(request, proposal, **forms):
    """The proposal's page again after a refused step, with the step's form and
    its errors: 400, or the state's 409 when the move itself was refused (another
    official screened it meanwhile), which `run_form_action` also says as a
    message, since the screening forms are gone once it has left "submitted"."""
    refused_move = any(form.non_field_errors() for form in forms.values())
    status = 409 if refused_move else 400
    return render(
        request,
        "competitions/proposal_detail.html",
        detail_context(request, proposal, **forms),
        status=status,
    )
