"""The union office's screening: a queue of submitted proposals, each with the
most similar proposals beside it, and the four outcomes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from competitions import services
from competitions.filtersets import ProposalFilterSet
from competitions.forms import CommentForm, DuplicateForm, ReasonForm
from competitions.models import Proposal
from competitions.selectors import (
    proposals_managed_by,
    proposals_visible_to,
    screening_queue,
    similar_for_each,
)
from competitions.views.common import detail_context, originals_for
from core.pages import ScopedListView, run_action, run_service


class ScreeningQueueView(ScopedListView):
    """Submitted proposals from the official's units, oldest first."""

    filterset_class = ProposalFilterSet
    template_name = "competitions/screening_queue.html"
    partial_template_name = "competitions/partials/screening_results.html"
    context_object_name = "proposals"
    visible_to = staticmethod(screening_queue)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_official(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["proposals"])
        similar = similar_for_each(self.request.user, page)
        context["entries"] = [(proposal, similar.get(proposal.pk, [])) for proposal in page]
        return context


def _managed(request, pk) -> Proposal:
    # Authors and co-authors see their proposal but do not screen it: 403 for
    # them, 404 for everyone else (they cannot see it at all).
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if not proposals_managed_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return proposal


def _back(request, proposal):
    """Back to the queue when the action came from there, else to the proposal."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect("competitions:proposal-detail", pk=proposal.pk)


def _rerender(request, proposal, status=400, **forms):
    # A refusal of the move itself (another official screened it meanwhile) is a
    # form-wide error, and the screening forms are gone once the proposal has left
    # "submitted": say it as a message, with the state's 409.
    for form in forms.values():
        for error in form.non_field_errors():
            messages.error(request, error)
            status = 409
    return render(
        request, "competitions/proposal_detail.html",
        detail_context(request, proposal, **forms), status=status,
    )  # fmt: skip


@require_POST
@login_required
def proposal_screen(request, pk):
    proposal = _managed(request, pk)
    if run_action(request, services.proposal_screen, proposal_id=pk, by=request.user):
        messages.success(request, _("“%(t)s” goes on to review.") % {"t": proposal.title})
    return _back(request, proposal)


@require_POST
@login_required
def proposal_return(request, pk):
    proposal = _managed(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid() and run_service(
        form, services.proposal_return, proposal_id=pk, by=request.user,
        comment=form.cleaned_data["comment"],
    ):  # fmt: skip
        messages.success(request, _("Returned to the author with your comment."))
        return _back(request, proposal)
    return _rerender(request, proposal, return_form=form)


@require_POST
@login_required
def proposal_reject(request, pk):
    proposal = _managed(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid() and run_service(
        form, services.proposal_reject_ineligible, proposal_id=pk, by=request.user,
        reason=form.cleaned_data["reason"],
    ):  # fmt: skip
        messages.success(request, _("Marked as not eligible; the author sees your reason."))
        return _back(request, proposal)
    return _rerender(request, proposal, reason_form=form)


@require_POST
@login_required
def proposal_mark_duplicate(request, pk):
    proposal = _managed(request, pk)
    form = DuplicateForm(request.POST, originals=originals_for(request.user, proposal))
    if form.is_valid() and run_service(
        form, services.proposal_mark_duplicate, proposal_id=pk, by=request.user,
        duplicate_of=form.cleaned_data["duplicate_of"],
    ):  # fmt: skip
        messages.success(request, _("Marked as a duplicate."))
        return _back(request, proposal)
    return _rerender(request, proposal, duplicate_form=form)
