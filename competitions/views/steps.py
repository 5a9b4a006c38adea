"""The office's form for each step after screening, as shown on a proposal's page."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from competitions.forms import (
    AssignReviewersForm,
    AwardForm,
    DecideForm,
    ImplementForm,
    ProposalVerifyForm,
    ReplaceReviewerForm,
)
from competitions.models import Proposal, Review
from competitions.selectors import grades_with_counts, recusal_of, review_panel, with_scores
from competitions.services.decisions import split_in_fen

Status = Proposal.Status


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
    pending = proposal.assignments.filter(replaced_at__isnull=True).exclude(
        reviewer__in=proposal.reviews.values("reviewer")
    )
    people = User.objects.filter(pk__in=pending.values("reviewer")).order_by("full_name")
    return ReplaceReviewerForm(data, user=request.user, proposal=proposal, pending=people)


def decision_forms(request, proposal, **forms) -> dict:
    """The office's forms on a proposal's page for the step it is at."""
    status = proposal.status
    context = {}
    if status == Status.UNDER_REVIEW:
        figures = with_scores(Proposal.objects.filter(pk=proposal.pk)).values(
            "review_count", "current_score"
        )[0]
        context.update(
            assign_form=forms.get("assign_form") or assign_form(request, proposal),
            replace_form=forms.get("replace_form") or replace_form(request, proposal),
            assignments=proposal.assignments.filter(replaced_at__isnull=True)
            .select_related("reviewer__org_unit")
            .annotate(
                reviewed=Exists(
                    Review.objects.filter(proposal=proposal, reviewer=OuterRef("reviewer"))
                )
            )
            .order_by("reviewer__full_name"),
            today=timezone.localdate(),
            reviews=proposal.reviews.select_related("reviewer").prefetch_related(
                "scores__criterion"
            ),
            review_count=figures["review_count"],
            current_score=figures["current_score"],
            may_decide=figures["review_count"] >= proposal.campaign.min_reviews,
            decide_form=forms.get("decide_form") or DecideForm(),
        )
    elif status == Status.APPROVED:
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
