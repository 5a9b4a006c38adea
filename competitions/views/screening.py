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
from competitions.selectors import screening_queue, similar_for_each
from competitions.views.common import (
    back_to,
    managed_proposal,
    rerender_detail,
)
from core.pages import ScopedListView, run_action, run_form_action


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


def _screening_step(request, pk, form_for, service, done_message, form_name):
    """One of the office's screening outcomes, from the queue or the proposal
    page; `form_for(proposal)` is the bound form."""
    proposal = managed_proposal(request, pk)
    return run_form_action(
        request,
        form_for(proposal),
        service,
        proposal_id=pk,
        done_message=done_message,
        next_url=lambda: back_to(request, proposal),
        render_refused=lambda bound: rerender_detail(request, proposal, **{form_name: bound}),
    )


@require_POST
@login_required
def proposal_return(request, pk):
    return _screening_step(
        request,
        pk,
        lambda proposal: CommentForm(request.POST),
        services.proposal_return,
        _("Returned to the author with your comment."),
        "return_form",
    )


@require_POST
@login_required
def proposal_reject(request, pk):
    return _screening_step(
        request,
        pk,
        lambda proposal: ReasonForm(request.POST),
        services.proposal_reject_ineligible,
        _("Marked as not eligible; the author sees your reason."),
        "reason_form",
    )


@require_POST
@login_required
def proposal_undo_screening(request, pk):
    """Take back a return, a not-eligible finding or a duplicate mark (24 hours)."""
    proposal = managed_proposal(request, pk)
    if run_action(request, services.proposal_undo_screening, proposal_id=pk, by=request.user):
        messages.success(
            request, _("“%(t)s” is submitted again, to be screened anew.") % {"t": proposal.title}
        )
    return back_to(request, proposal)


@require_POST
@login_required
def proposal_mark_duplicate(request, pk):
    return _screening_step(
        request,
        pk,
        lambda proposal: DuplicateForm(request.POST, user=request.user, proposal=proposal),
        services.proposal_mark_duplicate,
        _("Marked as a duplicate."),
        "duplicate_form",
    )
