"""The office's form for each step after screening, as shown on a proposal's page."""

from django.utils import timezone

from competitions.forms import (
    AssignReviewersForm,
    AwardForm,
    DecideForm,
    ImplementForm,
    ProposalVerifyForm,
    ReplaceReviewerForm,
)
from competitions.models import Proposal
from competitions.selectors import (
    active_assignments,
    grades_with_counts,
    recusal_of,
    review_figures,
    review_panel,
    reviewers_yet_to_review,
    reviews_visible_to,
)
from competitions.services.decisions import split_in_fen

Status = Proposal.Status

# After the decision the office still reads who scored what (when awarding,
# or answering the authors about the outcome).
DECIDED = (
    Status.APPROVED,
    Status.REJECTED,
    Status.IMPLEMENTED,
    Status.BENEFIT_VERIFIED,
    Status.AWARDED,
)


def assign_form(request, proposal, data=None):
    recusal = recusal_of(proposal)  # read once, asked about each of the panel
    panel = review_panel(proposal.campaign, request.user)
    recused = {
        person.pk: (person, reason) for person in panel if (reason := recusal.reason(person))
    }
    return AssignReviewersForm(
        data, user=request.user, proposal=proposal, panel=panel, recused=recused
    )


def replace_form(request, proposal, data=None):
    pending = reviewers_yet_to_review(proposal)
    return ReplaceReviewerForm(data, user=request.user, proposal=proposal, pending=pending)


def decision_forms(request, proposal, **forms) -> dict:
    """The office's forms on a proposal's page for the step it is at."""
    status = proposal.status
    context = {}
    if status == Status.UNDER_REVIEW:
        figures = review_figures(proposal)
        context.update(
            assign_form=forms.get("assign_form") or assign_form(request, proposal),
            replace_form=forms.get("replace_form") or replace_form(request, proposal),
            assignments=active_assignments(proposal),
            today=timezone.localdate(),
            reviews=proposal.reviews.select_related("reviewer").prefetch_related(
                "scores__criterion"
            ),
            review_count=figures.review_count,
            current_score=figures.current_score,
            may_decide=figures.enough,
            decide_form=forms.get("decide_form") or DecideForm(),
        )
    if status in DECIDED:
        context["decided_reviews"] = reviews_visible_to(request.user).filter(proposal=proposal)
    if status == Status.APPROVED:
        context["implement_form"] = forms.get("implement_form") or ImplementForm(user=request.user)
    elif status == Status.IMPLEMENTED:
        context["verify_form"] = forms.get("verify_form") or ProposalVerifyForm()
    elif status == Status.BENEFIT_VERIFIED:
        grades = list(grades_with_counts(proposal.campaign))
        context["award_form"] = forms.get("award_form") or AwardForm(grades=grades)
        context["award_grades"] = grades
        context["split_preview"] = _split_preview(proposal, grades)
    return context


def _split_preview(proposal, grades) -> list:
    """How each grade's amount would be shared among the authors."""
    shares = [(proposal.author, proposal.author_share)] + [
        (c.person, c.share) for c in proposal.co_authors.select_related("person")
    ]
    return [
        (
            grade,
            [
                (person, share, fen / 100)
                for person, share, fen in split_in_fen(grade.amount, shares)
            ],
        )
        for grade in grades
    ]
