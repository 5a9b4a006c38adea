"""The union office's screening: a queue of submitted proposals, each with the
most similar proposals beside it, and the four outcomes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from competitions import services
from competitions.filtersets import ProposalFilterSet
from competitions.forms import CommentForm, DuplicateForm, ReasonForm
from competitions.selectors import (
    screening_queue,
    similar_for_each,
)
from competitions.views.common import (
    back_to,
    managed_proposal,
    originals_for,
    rerender_detail,
)
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


@require_POST
@login_required
def proposal_screen(request, pk):
    proposal = managed_proposal(request, pk)
    if run_action(request, services.proposal_screen, proposal_id=pk, by=request.user):
        messages.success(request, _("“%(t)s” goes on to review.") % {"t": proposal.title})
    return back_to(request, proposal)


@require_POST
@login_required
def proposal_return(request, pk):
    proposal = managed_proposal(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid() and run_service(
        form,
        services.proposal_return,
        proposal_id=pk,
        by=request.user,
        comment=form.cleaned_data["comment"],
    ):
        messages.success(request, _("Returned to the author with your comment."))
        return back_to(request, proposal)
    return rerender_detail(request, proposal, return_form=form)


@require_POST
@login_required
def proposal_reject(request, pk):
    proposal = managed_proposal(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid() and run_service(
        form,
        services.proposal_reject_ineligible,
        proposal_id=pk,
        by=request.user,
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, _("Marked as not eligible; the author sees your reason."))
        return back_to(request, proposal)
    return rerender_detail(request, proposal, reason_form=form)


@require_POST
@login_required
def proposal_mark_duplicate(request, pk):
    proposal = managed_proposal(request, pk)
    form = DuplicateForm(request.POST, originals=originals_for(request.user, proposal))
    if form.is_valid() and run_service(
        form,
        services.proposal_mark_duplicate,
        proposal_id=pk,
        by=request.user,
        duplicate_of=form.cleaned_data["duplicate_of"],
    ):
        messages.success(request, _("Marked as a duplicate."))
        return back_to(request, proposal)
    return rerender_detail(request, proposal, duplicate_form=form)
