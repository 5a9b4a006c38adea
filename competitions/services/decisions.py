"""After review: the decision, implementation, the verified benefit and the
award within the campaign's quota, split among the authors."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from achievements.models import Achievement
from achievements.selectors import achievements_visible_to
from competitions.models import Award, AwardGrade, AwardShare, Proposal
from competitions.selectors import proposals_visible_to, review_figures
from competitions.services.proposals import proposal_url, tell_authors
from competitions.services.screening import locked_for_official
from core.exceptions import Conflict
from core.services import ensure
from notices.kinds import in_product_language
from notices.services import notify

Status = Proposal.Status
CENT = Decimal("0.01")


@transaction.atomic
def proposal_decide(*, proposal_id: int, by: User, outcome: str, reason: str = "") -> Proposal:
    """Approve or reject a reviewed proposal; its score is fixed now, from the
    reviews in at this moment (review edits wait for this lock, or come after
    and are refused)."""
    proposal = locked_for_official(proposal_id, by)
    ensure(
        outcome in (Status.APPROVED, Status.REJECTED),
        ValidationError({"outcome": _("Choose approved or rejected.")}),
    )
    ensure(
        proposal.can_move_to(outcome),
        Conflict(
            _("Only a proposal under review can be decided; this one is “%(s)s”.")
            % {"s": proposal.get_status_display()},
            code="invalid_transition",
        ),
    )
    figures = review_figures(proposal)
    ensure(
        figures.enough,
        Conflict(
            _("%(n)s of the %(needed)s reviews needed are in.")
            % {"n": figures.review_count, "needed": figures.needed},
            code="reviews_missing",
        ),
    )
    reason = (reason or "").strip()
    ensure(
        outcome == Status.APPROVED or bool(reason),
        ValidationError({"reason": _("A rejection must give its reasons.")}),
    )
    proposal.score = Decimal(figures.current_score).quantize(CENT, ROUND_HALF_UP)
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.transition_to(
        outcome, by=by, note=reason, also_save=("score", "decided_at", "decision_reason")
    )
    tell_authors(
        proposal,
        "competitions.proposal_decided",
        by,
        decision=in_product_language(proposal.get_status_display()),
    )
    return proposal


@transaction.atomic
def proposal_implement(
    *,
    proposal_id: int,
    by: User,
    implemented_on: datetime.date,
    department: str,
    achievement: Achievement | None = None,
    note: str = "",
) -> Proposal:
    """An approved proposal has been put into practice (a trial counts)."""
    proposal = locked_for_official(proposal_id, by)
    ensure(
        bool((department or "").strip()),
        ValidationError({"department": _("Say which department implemented it.")}),
    )
    ensure(
        implemented_on is not None and implemented_on <= timezone.localdate(),
        ValidationError({"implemented_on": _("Give the date it was put into practice.")}),
    )
    decided_on = timezone.localtime(proposal.decided_at).date() if proposal.decided_at else None
    ensure(
        decided_on is None or implemented_on >= decided_on,
        ValidationError({"implemented_on": _("It is implemented after it was approved.")}),
    )
    if achievement is not None:
        ensure(
            achievements_visible_to(by).filter(pk=achievement.pk).exists(),
            ValidationError({"achievement": _("This achievement is outside your scope.")}),
        )
    proposal.implemented_on = implemented_on
    proposal.implementing_department = department.strip()
    proposal.achievement = achievement
    proposal.transition_to(
        Status.IMPLEMENTED,
        by=by,
        note=note,
        also_save=("implemented_on", "implementing_department", "achievement"),
    )
    tell_authors(proposal, "competitions.proposal_implemented", by)
    return proposal


@transaction.atomic
def proposal_verify_benefit(
    *,
    proposal_id: int,
    by: User,
    verified_benefit: Decimal,
    evidence: str,
    verified_on: datetime.date | None = None,
) -> Proposal:
    """Finance has confirmed the real yearly benefit; the figure is locked."""
    proposal = locked_for_official(proposal_id, by)
    ensure(
        verified_benefit is not None and verified_benefit >= 0,
        ValidationError({"verified_benefit": _("Give the verified annual benefit.")}),
    )
    evidence = (evidence or "").strip()
    ensure(
        bool(evidence),
        ValidationError(
            {"evidence": _("Say what the figure rests on (e.g. finance's confirmation).")}
        ),
    )
    proposal.verified_benefit = verified_benefit
    proposal.verification_evidence = evidence
    proposal.verified_by = by
    proposal.verified_on = verified_on or timezone.localdate()
    proposal.check_dates("verified_on")
    proposal.transition_to(
        Status.BENEFIT_VERIFIED,
        by=by,
        note=evidence,
        also_save=("verified_benefit", "verification_evidence", "verified_by", "verified_on"),
    )
    tell_authors(proposal, "competitions.benefit_verified", by)
    return proposal


def split_in_fen(amount: Decimal, shares: list[tuple[User, Decimal]]) -> list[tuple]:
    """(person, share, fen) for each author: each gets their share of the amount
    rounded down to the fen; what rounding leaves over goes to the first (the
    author), so the parts always add up to the amount exactly."""
    total_fen = int((amount * 100).to_integral_value())
    parts = [(person, share, int(total_fen * share // 100)) for person, share in shares]
    left_over = total_fen - sum(fen for _person, _share, fen in parts)
    person, share, fen = parts[0]
    parts[0] = (person, share, fen + left_over)
    return parts


@transaction.atomic
def proposal_award(*, proposal_id: int, by: User, grade: str, note: str = "") -> Award:
    """Award a grade within the campaign's quota. The grade's row is locked while
    its awards are counted, so two officials taking the last place at the same
    moment cannot both succeed: the second gets a 409."""
    proposal = locked_for_official(proposal_id, by)
    ensure(
        proposal.can_move_to(Status.AWARDED),
        Conflict(
            _("Only a proposal with verified benefit can be awarded; this one is “%(s)s”.")
            % {"s": proposal.get_status_display()},
            code="invalid_transition",
        ),
    )
    prize = (
        AwardGrade.objects.select_for_update()
        .filter(campaign_id=proposal.campaign_id, grade=grade)
        .first()
    )
    ensure(
        prize is not None,
        ValidationError({"grade": _("The campaign has no such award grade.")}),
    )
    given = Award.objects.filter(grade=prize).count()
    ensure(
        prize.quota is None or given < prize.quota,
        Conflict(
            _("All %(quota)s places of “%(grade)s” have been awarded.")
            % {"quota": prize.quota, "grade": prize.get_grade_display()},
            code="quota_used_up",
        ),
    )
    award = Award.objects.create(proposal=proposal, grade=prize, amount=prize.amount, awarded_by=by)
    shares = [(proposal.author, proposal.author_share)] + [
        (co_author.person, co_author.share)
        for co_author in proposal.co_authors.select_related("person")
    ]
    AwardShare.objects.bulk_create(
        AwardShare(award=award, person=person, share=share, amount_fen=fen)
        for person, share, fen in split_in_fen(prize.amount, shares)
    )
    proposal.transition_to(
        Status.AWARDED,
        by=by,
        note=note or prize.get_grade_display(),
    )
    grade_label = in_product_language(prize.get_grade_display())
    for person, share in shares:  # each hears their own share
        notify(
            kind="competitions.proposal_awarded",
            recipients=[person],
            record=proposal,
            text_params={"title": proposal.title, "grade": grade_label, "share": str(share)},
            url=proposal_url(proposal),
            may_open=proposals_visible_to,
            actor=by,
        )
    return award
