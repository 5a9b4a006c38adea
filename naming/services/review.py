"""Expert review: the office assigns experts (with recusal), experts score on
the call's rubric, then the site visit and the public notice."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import people_checked
from core import attachments
from core.dates import PLANNED, check_date
from core.exceptions import Conflict
from core.models import Attachment
from core.services import ensure, save_or_conflict
from naming.models import (
    ExpertAssignment,
    NamingApplication,
    NamingCall,
    NamingReview,
)
from naming.selectors import expert_refusals, naming_application_access
from naming.services.guards import (
    ensure_move,
    locked_application,
    office_locked,
    reason_required,
)
from naming.services.telling import tell_experts_asked

Status = NamingApplication.Status


def _check_due_on(due_on: datetime.date | None) -> None:
    """The day experts are to score by: none, or a planned day from today on."""
    check_date(due_on, "due_on", PLANNED)
    ensure(
        due_on is None or due_on >= timezone.localdate(),
        ValidationError({"due_on": _("The day to score by cannot be in the past.")}),
    )


@transaction.atomic
def naming_experts_assign(
    *,
    application_id: int,
    by: User,
    experts: Iterable[User],
    due_on: datetime.date | None = None,
) -> NamingApplication:
    """The office asks experts to score the application, by `due_on` if it
    names a day (reminded before it and after: naming/services/reminders.py):
    a recommended one goes under review; one under review gets more experts."""
    _check_due_on(due_on)
    application = office_locked(application_id, by)
    if application.status != Status.UNDER_REVIEW:
        ensure_move(application, Status.UNDER_REVIEW)
    experts = list(experts)
    ensure(bool(experts), ValidationError({"experts": _("Choose at least one expert.")}))
    people_checked(experts, by, "experts")
    # Exactly whom the expert picker offers (experts_offered); the others named.
    refused = expert_refusals(by, application, experts)
    ensure(not refused, ValidationError({"experts": refused}))
    # Those asked and not taken off stay as they are; someone taken off earlier
    # is asked anew.
    already = set(
        application.assignments.filter(ended_at__isnull=True).values_list("expert_id", flat=True)
    )
    added = [person for person in experts if person.pk not in already]
    ExpertAssignment.objects.bulk_create(
        ExpertAssignment(application=application, expert=person, assigned_by=by, due_on=due_on)
        for person in added
    )
    tell_experts_asked(application, added, by)
    names = "、".join(person.full_name for person in added)
    if application.status != Status.UNDER_REVIEW:
        application.transition_to(
            Status.UNDER_REVIEW, by=by, note=_("Experts: %(names)s") % {"names": names}
        )
    return application


def _expert_to_take_off(application: NamingApplication, expert: User) -> ExpertAssignment:
    """The expert's current assignment, row-locked, if they have not scored:
    under review only (409), one of its experts (400), no score in (409: it
    stands)."""
    ensure(
        application.status == Status.UNDER_REVIEW,
        Conflict(
            _("Experts are replaced or withdrawn only while the application is under review."),
            code="invalid_transition",
        ),
    )
    assignment = (
        application.assignments.select_for_update()
        .filter(expert=expert, ended_at__isnull=True)
        .first()
    )
    ensure(
        assignment is not None,
        ValidationError({"expert": _("This person is not an expert of the application.")}),
    )
    ensure(
        not application.reviews.filter(expert=expert).exists(),
        Conflict(_("This expert has already scored the application; their scores stand.")),
    )
    return assignment


def _take_off(
    assignment: ExpertAssignment, by: User, reason: str, successor: User | None = None
) -> None:
    """End the assignment, kept with who, when, why and who took its place."""
    assignment.ended_at, assignment.ended_by, assignment.end_reason = timezone.now(), by, reason
    assignment.successor = successor
    assignment.save(update_fields=["ended_at", "ended_by", "end_reason", "successor"])


def _timeline(application: NamingApplication, by: User, note: str) -> None:
    """An entry of the application's history (its insiders read it) without a
    change of status."""
    application.events.create(
        actor=by, from_state=application.status, to_state=application.status, note=note
    )


@transaction.atomic
def naming_expert_replace(
    *,
    application_id: int,
    by: User,
    expert: User,
    replacement: User,
    reason: str,
    due_on: datetime.date | None = None,
) -> NamingApplication:
    """The office puts another person in the place of an expert who has not
    scored (ill, away, a recusal found late), for a reason; the replacement is
    one the replacement picker offers (`replacements_offered`: recused and
    deactivated people refused with the reason, as on assignment). They score
    by `due_on` if given, else by the day of the one they replace while it has
    not passed (a replacement is often made because it has: then by none
    until the office names one, rather than late on the day they are asked)."""
    _check_due_on(due_on)
    application = office_locked(application_id, by)
    assignment = _expert_to_take_off(application, expert)
    reason = reason_required(reason)
    ensure(
        not application.assignments.filter(expert=replacement, ended_at__isnull=True).exists(),
        ValidationError({"replacement": _("This person is already an expert of the application.")}),
    )
    people_checked([replacement], by, "replacement")
    refused = expert_refusals(by, application, [replacement])
    ensure(not refused, ValidationError({"replacement": refused}))
    _take_off(assignment, by, reason, successor=replacement)
    if due_on is None and assignment.due_on and assignment.due_on >= timezone.localdate():
        due_on = assignment.due_on
    ExpertAssignment.objects.create(
        application=application, expert=replacement, assigned_by=by, due_on=due_on
    )
    tell_experts_asked(application, [replacement], by)
    _timeline(
        application,
        by,
        _("Expert %(expert)s replaced by %(replacement)s: %(reason)s")
        % {"expert": expert.full_name, "replacement": replacement.full_name, "reason": reason},
    )
    return application


@transaction.atomic
def naming_expert_withdraw(
    *, application_id: int, by: User, expert: User, reason: str
) -> NamingApplication:
    """The office takes an expert who has not scored off the application, for
    a reason, while another expert remains asked (409 for the last one:
    replace them instead, so the application never waits for nobody)."""
    application = office_locked(application_id, by)
    assignment = _expert_to_take_off(application, expert)
    reason = reason_required(reason)
    ensure(
        application.assignments.filter(ended_at__isnull=True).exclude(pk=assignment.pk).exists(),
        Conflict(_("This is the application's last expert: replace them instead.")),
    )
    _take_off(assignment, by, reason)
    _timeline(
        application,
        by,
        _("Expert %(expert)s withdrawn: %(reason)s")
        % {"expert": expert.full_name, "reason": reason},
    )
    return application


def _scores_checked(call: NamingCall, scores: Sequence) -> tuple[list[str], Decimal]:
    """A score for each rubric line in order, from 0 to its maximum, to one decimal."""
    ensure(
        isinstance(scores, list | tuple) and len(scores) == len(call.rubric),
        ValidationError({"scores": _("Give a score for every line of the rubric.")}),
    )
    points = []
    for line, value in zip(call.rubric, scores, strict=True):
        try:
            point = Decimal(str(value))
        except (InvalidOperation, ValueError):
            point = Decimal("NaN")
        ensure(
            point.is_finite() and Decimal(0) <= point <= line["max_points"],
            ValidationError(
                {
                    "scores": _("“%(name)s” is scored from 0 to %(max)s.")
                    % {"name": line["name"], "max": line["max_points"]}
                }
            ),
        )
        ensure(
            point == point.quantize(Decimal("0.1")),
            ValidationError({"scores": _("Points are given to one decimal place.")}),
        )
        points.append(point)
    return [str(point) for point in points], sum(points, Decimal(0))


@transaction.atomic
def naming_review_submit(
    *, application_id: int, by: User, scores: Sequence, comment: str = ""
) -> NamingReview:
    """An assigned expert scores the application on the call's rubric, once."""
    application = locked_application(application_id, by)
    ensure(
        naming_application_access(by, application).reviews,
        PermissionDenied(_("Only the experts assigned to it score an application.")),
    )
    ensure(
        application.status == Status.UNDER_REVIEW,
        Conflict(_("Only an application under expert review is scored.")),
    )
    ensure(
        not application.reviews.filter(expert=by).exists(),
        Conflict(_("You have already scored this application; change your scores instead.")),
    )
    stored, total = _scores_checked(application.call, scores)
    review = NamingReview(
        application=application,
        expert=by,
        scores=stored,
        total=total,
        comment=(comment or "").strip(),
    )
    save_or_conflict(
        review, _("You have already scored this application; change your scores instead.")
    )
    return review


@transaction.atomic
def naming_review_update(
    *, review_id: int, by: User, scores: Sequence | None = None, comment: str | None = None
) -> NamingReview:
    """The expert changes their scores while the application is under review."""
    review = NamingReview.objects.filter(pk=review_id, expert=by).first()
    ensure(review is not None, Http404())
    application = locked_application(review.application_id, by)
    ensure(
        application.status == Status.UNDER_REVIEW,
        Conflict(_("The review is over; scores can no longer change.")),
    )
    review = NamingReview.objects.select_for_update().get(pk=review.pk)
    if scores is not None:
        review.scores, review.total = _scores_checked(application.call, scores)
    if comment is not None:
        review.comment = comment.strip()
    review.updated_at = timezone.now()
    review.save()
    return review


@transaction.atomic
def naming_visit_record(
    *,
    application_id: int,
    by: User,
    visited_on: datetime.date,
    visitors: str,
    findings: str,
) -> NamingApplication:
    """The panel visited the studio's site: who, when, what they found."""
    application = office_locked(application_id, by)
    ensure_move(application, Status.SITE_VISIT)
    ensure(
        application.reviews.exists(),
        Conflict(_("No expert has scored the application yet.")),
    )
    ensure(
        visited_on <= timezone.localdate(),
        ValidationError({"visited_on": _("The visit cannot be in the future.")}),
    )
    visitors, findings = (visitors or "").strip(), (findings or "").strip()
    ensure(bool(visitors), ValidationError({"visitors": _("Say who visited.")}))
    ensure(bool(findings), ValidationError({"findings": _("Say what the visit found.")}))
    application.visited_on, application.visitors = visited_on, visitors
    application.visit_findings = findings
    application.transition_to(
        Status.SITE_VISIT,
        by=by,
        note=findings,
        also_save=("visited_on", "visitors", "visit_findings"),
    )
    return application


@transaction.atomic
def naming_notice_start(*, application_id: int, by: User, note: str = "") -> NamingApplication:
    """Put the application on public notice (公示) for the call's number of days."""
    application = office_locked(application_id, by)
    ensure_move(application, Status.PUBLIC_NOTICE)
    application.notice_ends_on = timezone.localdate() + datetime.timedelta(
        days=application.call.notice_days
    )
    application.transition_to(
        Status.PUBLIC_NOTICE,
        by=by,
        note=(note or "").strip()
        or _("On notice until %(date)s") % {"date": application.notice_ends_on.isoformat()},
        also_save=("notice_ends_on",),
    )
    return application


@transaction.atomic
def naming_visit_photo_add(*, record: NamingApplication, by: User, upload) -> Attachment:
    """A photo (or the visit's report) attached to the site visit by the office,
    once the visit is recorded; insiders see it (core.attachments)."""
    application = office_locked(record.pk, by)
    ensure(
        application.visited_on is not None,
        Conflict(_("Record the site visit before adding its photos.")),
    )
    return attachments.attachment_create(owner=application, upload=upload, by=by)
