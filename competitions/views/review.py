"""The reviewer's pages: a queue with deadlines and progress, and the rubric
form (which shows no author, no code in a blind campaign)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions import services
from competitions.forms import ReviewForm
from competitions.models import Proposal
from competitions.selectors import (
    proposal_access,
    proposals_to_review,
    review_by,
    review_queue,
    reviews_waiting_for,
    rubric_of,
)
from core.attachments import attachments_of
from core.pages import ScopedListView, run_service


class ReviewQueueView(ScopedListView):
    """Proposals waiting for my scores first, then the ones I have scored or
    that were decided before I did; atop, how many wait (`reviews_waiting_for`)."""

    template_name = "competitions/review_queue.html"
    context_object_name = "assignments"
    visible_to = staticmethod(review_queue)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waiting"] = reviews_waiting_for(self.request.user).count()
        context["today"] = timezone.localdate()
        return context


def _assigned(request, pk) -> Proposal:
    """A proposal actively assigned to the reviewer; 404 for anything else."""
    proposal = proposals_to_review(request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


@login_required
def review_form(request, pk):
    proposal = _assigned(request, pk)
    user = request.user
    criteria = rubric_of(proposal)
    mine = review_by(user, proposal)
    initial = None
    if mine is not None:
        initial = {f"criterion_{s.criterion_id}": s.points for s in mine.scores.all()}
        initial["comment"] = mine.comment
    form = ReviewForm(request.POST or None, initial=initial, criteria=criteria)
    may_edit = proposal.status == Proposal.Status.UNDER_REVIEW
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = {"by": user, "scores": form.scores(), "comment": form.cleaned_data["comment"]}
        if mine is None:
            saved = run_service(form, services.review_submit, proposal_id=proposal.pk, **data)
        else:
            saved = run_service(form, services.review_update, review_id=mine.pk, **data)
        if saved:
            messages.success(request, _("Your review has been saved."))
            return redirect("competitions:review-queue")
        # Valid scores refused by the service: the state forbids it (decided
        # meanwhile, or a second review racing the first), the 409 of docs/api.md.
        status = 409
    return render(
        request,
        "competitions/review_form.html",
        {
            "proposal": proposal,
            "form": form,
            "access": proposal_access(user, proposal),
            "review": mine,
            "may_edit": may_edit,
            "attachments": attachments_of(proposal),
            "max_total": sum(c.max_points for c in criteria),
        },
        status=status,
    )
