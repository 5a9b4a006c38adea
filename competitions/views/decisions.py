"""The union office after screening: reviewers (with recusal), the decisions
board, implementation, the verified benefit and awards within quota."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_official
from competitions import services
from competitions.forms import (
    AwardForm,
    DecideForm,
    ImplementForm,
    ProposalVerifyForm,
)
from competitions.selectors import (
    awards_managed_by,
    campaigns_visible_to,
    decisions_board,
    grades_with_counts,
    proposals_awaiting_award,
)
from competitions.views.common import managed_proposal, rerender_detail
from competitions.views.steps import assign_form, replace_form
from core.pages import run_form_action


def _act(request, pk, form, service, success, form_name, *, fields):
    """A step after screening: its form asks the service, back to the proposal;
    on a refusal the page again with the errors (400, or 409 for the state)."""
    proposal = managed_proposal(request, pk)
    return run_form_action(
        request,
        form,
        service,
        proposal_id=pk,
        fields=fields,
        done_message=success,
        next_url=reverse("competitions:proposal-detail", args=[pk]),
        render_refused=lambda bound: rerender_detail(request, proposal, **{form_name: bound}),
    )


def _picked_in(field: str, service):
    """`service`, whose refusal of a person (recused, out of scope) names them
    under `reviewers`; on these forms that person was picked in `field`, so the
    message is shown there (a 400 on it, not a 409)."""

    def call(**kwargs):
        try:
            return service(**kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reviewers" in error.error_dict:
                raise ValidationError({field: error.error_dict["reviewers"]}) from error
            raise

    return call


@require_POST
@login_required
def assign_reviewers(request, pk):
    proposal = managed_proposal(request, pk)
    return _act(
        request,
        pk,
        assign_form(request, proposal, request.POST),
        # The panel offers no one the service refuses: whom it names was typed.
        _picked_in("others", services.reviewers_assign),
        _("The reviewers have been asked."),
        "assign_form",
        fields=lambda data: {"reviewers": data["people"]},
    )


@require_POST
@login_required
def replace_reviewer(request, pk):
    proposal = managed_proposal(request, pk)
    return _act(
        request,
        pk,
        replace_form(request, proposal, request.POST),
        _picked_in("replacement", services.reviewer_replace),
        _("The reviewer has been replaced."),
        "replace_form",
        fields=lambda data: {"reviewer": data["reviewer"], "replacement": data["replacement"]},
    )


@require_POST
@login_required
def decide(request, pk):
    return _act(
        request,
        pk,
        DecideForm(request.POST),
        services.proposal_decide,
        _("The decision has been recorded."),
        "decide_form",
        fields=lambda data: {"outcome": data["outcome"], "reason": data["reason"]},
    )


@require_POST
@login_required
def implement(request, pk):
    return _act(
        request,
        pk,
        ImplementForm(request.POST, user=request.user),
        services.proposal_implement,
        _("Recorded as put into practice."),
        "implement_form",
        fields=lambda data: {
            "implemented_on": data["implemented_on"],
            "department": data["department"],
            "achievement": data["achievement"],
            "note": data["note"],
        },
    )


@require_POST
@login_required
def verify_benefit(request, pk):
    return _act(
        request,
        pk,
        ProposalVerifyForm(request.POST),
        services.proposal_verify_benefit,
        _("The benefit has been verified and is now locked."),
        "verify_form",
        fields=lambda data: dict(data),
    )


@require_POST
@login_required
def award(request, pk):
    proposal = managed_proposal(request, pk)
    grades = list(grades_with_counts(proposal.campaign))
    return _act(
        request,
        pk,
        AwardForm(request.POST, grades=grades),
        services.proposal_award,
        _("Awarded."),
        "award_form",
        fields=lambda data: {"grade": data["grade"], "note": data["note"]},
    )


def _official_campaign(request, pk):
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    # Any official (superusers included): one whose units have no proposal yet
    # sees an empty board, not a 403.
    if not is_official(request.user):
        raise PermissionDenied
    return campaign


@login_required
def board(request, pk):
    """Proposals under review in `decisions_board`'s order, with n of m reviews;
    the running score shows once the campaign's minimum reviews are in."""
    campaign = _official_campaign(request, pk)
    rows = decisions_board(request.user, campaign)
    return render(request, "competitions/board.html", {"campaign": campaign, "rows": rows})


@login_required
def award_table(request, pk):
    """Quotas left per grade, and every award with its split per person."""
    campaign = _official_campaign(request, pk)
    return render(
        request,
        "competitions/award_table.html",
        {
            "campaign": campaign,
            "grades": grades_with_counts(campaign),
            "awards": awards_managed_by(request.user, campaign),
            "waiting": proposals_awaiting_award(request.user, campaign),
        },
    )
