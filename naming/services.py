"""Every write of a naming call, application, expert review and objection.

Each service locks the row it moves, reads the actor's access object (outside
scope 404, visible but not allowed 403) and lets the state machine refuse what
the status forbids (409). Dormancy, rectification and re-review (the second half
of issue 20) will live beside these, in `naming/services/` once it grows."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import is_official
from accounts.services import people_checked, unit_checked
from core.exceptions import Conflict, InvalidTransition
from core.services import ensure, locked, save_or_conflict
from naming.models import (
    PLACED,
    ExpertAssignment,
    NamingApplication,
    NamingCall,
    NamingReview,
    Objection,
    ObjectionEvent,
)
from naming.selectors import (
    eligibility_checks,
    naming_application_access,
    naming_applications_visible_to,
    naming_call_access,
    objections_visible_to,
    studio_record,
    studios_that_may_apply,
)
from studios import services as studio_services
from studios.models import Membership, RecognitionList, Studio

Status = NamingApplication.Status
# Moves a decision may make, and the one an enterprise or a higher call allows.
OUTCOMES = (Status.NAMED, Status.RECOMMENDED_UPWARD, Status.REJECTED)

# --- Calls -------------------------------------------------------------------------


def _rubric_checked(rubric: Iterable) -> list[dict]:
    """[{"name", "max_points"}, …]: at least one line, names distinct, each
    maximum a whole number from 1 to 100."""
    lines = []
    for line in rubric or ():
        name, max_points = (line["name"], line["max_points"]) if isinstance(line, dict) else line
        name = str(name or "").strip()
        ensure(bool(name), ValidationError({"rubric": _("Name every line of the rubric.")}))
        ensure(
            isinstance(max_points, int) and 1 <= max_points <= 100,
            ValidationError({"rubric": _("A line's maximum is a whole number from 1 to 100.")}),
        )
        lines.append({"name": name, "max_points": max_points})
    ensure(
        bool(lines), ValidationError({"rubric": _("Give the experts at least one line to score.")})
    )
    ensure(
        len({line["name"] for line in lines}) == len(lines),
        ValidationError({"rubric": _("Each line of the rubric has its own name.")}),
    )
    return lines


@transaction.atomic
def naming_call_create(
    *,
    by: User,
    title: str,
    level: str,
    year: int,
    org_unit: OrgUnit,
    deadline: datetime.date,
    quota: int,
    rubric: Iterable,
    notice_days: int = 7,
    min_years_founded: int | None = None,
    leader_honour_level: str = "",
    prior_level: str = "",
    min_members: int | None = None,
    min_output: int | None = None,
    output_years: int = 2,
) -> NamingCall:
    """An official opens a call for studios of their units to apply for a level."""
    ensure(is_official(by), PermissionDenied(_("Only union officials open naming calls.")))
    unit_checked(org_unit, by)
    call = NamingCall(
        title=(title or "").strip(),
        level=level,
        year=year,
        org_unit=org_unit,
        deadline=deadline,
        quota=quota,
        notice_days=notice_days,
        min_years_founded=min_years_founded,
        leader_honour_level=leader_honour_level or "",
        prior_level=prior_level or "",
        min_members=min_members,
        min_output=min_output,
        output_years=output_years,
        rubric=_rubric_checked(rubric),
        created_by=by,
    )
    call.full_clean()
    call.save()
    return call


# --- Applications: the applicant's side -------------------------------------------


def _locked_application(application_id: int, by: User) -> NamingApplication:
    """The application, row-locked, if `by` may see it; 404 otherwise."""
    return locked(naming_applications_visible_to(by), application_id)


def _ensure_move(application: NamingApplication, status: str) -> None:
    """Refuse a move the state machine does not allow (409) before any other
    check, so a stale page is told the application has moved on."""
    if not application.can_move_to(status):
        labels = dict(Status.choices)
        raise InvalidTransition(labels[application.status], labels[status])


@transaction.atomic
def naming_application_create(
    *, by: User, call: NamingCall, studio: Studio, statement: str = ""
) -> NamingApplication:
    """A draft application of `studio` (which `by` leads or manages) to `call`."""
    ensure(
        naming_call_access(by, call).read,
        ValidationError({"call": _("This call is outside your scope.")}),
    )
    ensure(
        call.is_open(),
        Conflict(_("The call closed on %(date)s.") % {"date": call.deadline.isoformat()}),
    )
    ensure(
        not NamingApplication.objects.filter(call=call, studio=studio).exists(),
        Conflict(_("This studio has already applied to this call.")),
    )
    ensure(
        studios_that_may_apply(by, call).filter(pk=studio.pk).exists(),
        ValidationError(
            {
                "studio": _(
                    "Choose an established studio in the calling unit that you lead or manage."
                )
            }
        ),
    )
    application = NamingApplication(
        call=call, studio=studio, applicant=by, statement=(statement or "").strip()
    )
    application.full_clean()
    save_or_conflict(application, _("This studio has already applied to this call."))
    return application


@transaction.atomic
def naming_application_update(
    *, application_id: int, by: User, statement: str
) -> NamingApplication:
    """The applicant rewrites the statement while the application is a draft."""
    application = _locked_application(application_id, by)
    ensure(naming_application_access(by, application).applies, PermissionDenied())
    ensure(
        application.status == Status.DRAFT,
        Conflict(_("Only a draft can be changed; this one has been submitted.")),
    )
    application.statement = (statement or "").strip()
    application.save(update_fields=["statement"])
    return application


@transaction.atomic
def naming_application_submit(
    *, application_id: int, by: User, eligibility_override: str = ""
) -> NamingApplication:
    """Send the application in, freezing the studio's facts as they are now.
    A failed eligibility check refuses it, each one explained, unless an
    official overrides them with a reason (kept on the application)."""
    application = _locked_application(application_id, by)
    access = naming_application_access(by, application)
    ensure(access.applies or access.runs, PermissionDenied())
    _ensure_move(application, Status.SUBMITTED)
    call = application.call
    ensure(
        call.is_open(),
        Conflict(_("The call closed on %(date)s.") % {"date": call.deadline.isoformat()}),
    )
    override = (eligibility_override or "").strip()
    ensure(
        not override or access.recommends or access.runs,
        PermissionDenied(_("Only an official may override the eligibility checks.")),
    )
    facts = studio_record(application.studio, output_years=call.output_years)
    failed = [check for check in eligibility_checks(call, facts) if not check.passed]
    ensure(
        not failed or bool(override),
        ValidationError({"eligibility": [f"{c.label}: {c.explanation}" for c in failed]}),
    )
    application.facts = facts
    application.submitted_at = timezone.now()
    note = ""
    if failed:
        application.eligibility_override = override
        application.overridden_by = by
        note = _("Eligibility overridden: %(reason)s") % {"reason": override}
    application.transition_to(
        Status.SUBMITTED,
        by=by,
        note=note,
        also_save=("facts", "submitted_at", "eligibility_override", "overridden_by"),
    )
    return application


# --- Applications: the unit and the office -----------------------------------------


def _office_locked(application_id: int, by: User) -> NamingApplication:
    """Lock an application the office over its call runs; 403 for others who
    see it (its own members included)."""
    application = _locked_application(application_id, by)
    ensure(
        naming_application_access(by, application).runs,
        PermissionDenied(_("Only the union office over the call, outside the studio, runs this.")),
    )
    return application


@transaction.atomic
def naming_application_recommend(
    *, application_id: int, by: User, note: str = ""
) -> NamingApplication:
    """The official over the studio's unit recommends it on to the call's office."""
    application = _locked_application(application_id, by)
    ensure(
        naming_application_access(by, application).recommends,
        PermissionDenied(_("Only the union officials over the studio, outside it, recommend it.")),
    )
    application.transition_to(Status.RECOMMENDED, by=by, note=(note or "").strip())
    return application


def recusal_reason(application: NamingApplication, person: User) -> str | None:
    """Why `person` may not score the application (None if they may): its
    studio's members and anyone working in the studio's own unit, as the
    five-small review recuses an author's team (docs/naming.md)."""
    studio = application.studio
    if Membership.objects.filter(studio=studio, person=person, left_on__isnull=True).exists():
        return _("a member of the studio")
    unit_path = studio.org_unit.path
    if (
        person.org_unit_id
        and OrgUnit.objects.filter(pk=person.org_unit_id, path__startswith=unit_path).exists()
    ):
        return _("works in the studio's own unit")
    return None


@transaction.atomic
def naming_experts_assign(
    *, application_id: int, by: User, experts: Iterable[User]
) -> NamingApplication:
    """The office asks experts to score the application: a recommended one goes
    under review; one under review gets more experts."""
    application = _office_locked(application_id, by)
    if application.status != Status.UNDER_REVIEW:
        _ensure_move(application, Status.UNDER_REVIEW)
    experts = list(experts)
    ensure(bool(experts), ValidationError({"experts": _("Choose at least one expert.")}))
    people_checked(experts, by, "experts")
    recused = [
        _("%(name)s is recused: %(reason)s") % {"name": person.full_name, "reason": reason}
        for person in experts
        if (reason := recusal_reason(application, person))
    ]
    ensure(not recused, ValidationError({"experts": recused}))
    already = set(application.assignments.values_list("expert_id", flat=True))
    added = [person for person in experts if person.pk not in already]
    ExpertAssignment.objects.bulk_create(
        ExpertAssignment(application=application, expert=person, assigned_by=by) for person in added
    )
    names = "、".join(person.full_name for person in added)
    if application.status != Status.UNDER_REVIEW:
        application.transition_to(
            Status.UNDER_REVIEW, by=by, note=_("Experts: %(names)s") % {"names": names}
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
    application = _locked_application(application_id, by)
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
    application = _locked_application(review.application_id, by)
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
    application = _office_locked(application_id, by)
    _ensure_move(application, Status.SITE_VISIT)
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
    application = _office_locked(application_id, by)
    _ensure_move(application, Status.PUBLIC_NOTICE)
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


def _reason_required(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    ensure(bool(reason), ValidationError({field: _("Give the reason.")}))
    return reason


def _name_on_group_list(call: NamingCall, studio: Studio, by: User) -> None:
    """Place the studio on the group's own list of the call, made with its
    first naming (one list a call, as many places as the call has)."""
    if call.recognition_list_id is None:
        call.recognition_list = studio_services.recognition_list_create(
            by=by,
            title=call.title,
            level=call.level,
            conferred_by=call.org_unit.name,
            year=call.year,
            total_named=call.quota,
            org_unit=call.org_unit,
        )
        call.save(update_fields=["recognition_list"])
    studio_services.honour_create(
        by=by,
        recognition_list=call.recognition_list,
        studio=studio,
        conferred_on=timezone.localdate(),
    )


@transaction.atomic
def naming_application_decide(
    *, application_id: int, by: User, outcome: str, reason: str = ""
) -> NamingApplication:
    """The office's decision after the notice: named (enterprise level: on the
    group's list), recommended upward (higher levels), or rejected at any step
    before (with the reason; the unit's officials may reject what they have
    not recommended yet). Named and recommended take one of the call's places:
    the call's row lock makes the last place go to one application only."""
    application = _locked_application(application_id, by)
    access = naming_application_access(by, application)
    ensure(
        outcome in OUTCOMES,
        ValidationError({"outcome": _("Choose named, recommended upward or rejected.")}),
    )
    if outcome == Status.REJECTED:
        ensure(
            access.runs or (access.recommends and application.status == Status.SUBMITTED),
            PermissionDenied(_("Only the union office over the call rejects an application.")),
        )
        _ensure_move(application, Status.REJECTED)
        application.transition_to(Status.REJECTED, by=by, note=_reason_required(reason))
        # notices: tell the applicant it was rejected (once the notices app lands).
        return application

    ensure(access.runs, PermissionDenied(_("Only the union office over the call decides.")))
    _ensure_move(application, outcome)
    call = NamingCall.objects.select_for_update().get(pk=application.call_id)
    ensure(
        (outcome == Status.NAMED) == call.names_itself,
        ValidationError(
            {
                "outcome": _("The group names at enterprise level only; recommend it upward.")
                if outcome == Status.NAMED
                else _("An enterprise-level call names the studio itself.")
            }
        ),
    )
    ensure(
        timezone.localdate() > application.notice_ends_on,
        Conflict(
            _("The public notice runs until %(date)s.")
            % {"date": application.notice_ends_on.isoformat()}
        ),
    )
    ensure(
        not application.objections.filter(status=Objection.Status.OPEN).exists(),
        Conflict(_("Decide the open objections first.")),
    )
    taken = call.applications.filter(status__in=PLACED).count()
    ensure(
        taken < call.quota,
        Conflict(_("All %(quota)s places of the call are taken.") % {"quota": call.quota}),
    )
    if outcome == Status.NAMED:
        _name_on_group_list(call, application.studio, by)
    application.transition_to(outcome, by=by, note=(reason or "").strip())
    # notices: tell the applicant the decision (once the notices app lands).
    return application


@transaction.atomic
def naming_result_record(
    *,
    application_id: int,
    by: User,
    named: bool,
    outside_list: RecognitionList | None = None,
    note: str = "",
) -> NamingApplication:
    """The outside body's answer to a studio recommended upward: named on its
    list (the studio's honour is recorded there) or not."""
    application = _office_locked(application_id, by)
    target = Status.NAMED if named else Status.NOT_NAMED
    _ensure_move(application, target)
    call = application.call
    if outside_list is not None:
        ensure(
            outside_list.level == call.level,
            ValidationError(
                {
                    "outside_list": _("Choose a list of the call's level (%(level)s).")
                    % {"level": call.get_level_display()}
                }
            ),
        )
    if named:
        ensure(
            outside_list is not None,
            ValidationError({"outside_list": _("Choose the list the studio was named on.")}),
        )
        studio_services.honour_create(
            by=by, recognition_list=outside_list, studio=application.studio
        )
    application.outside_list = outside_list
    application.transition_to(target, by=by, note=(note or "").strip(), also_save=("outside_list",))
    return application


# --- Objections --------------------------------------------------------------------


@transaction.atomic
def objection_lodge(*, by: User, application: NamingApplication, reason: str) -> Objection:
    """Anyone signed in objects to an application while it is on public notice."""
    application = _locked_application(application.pk, by)
    ensure(
        application.status == Status.PUBLIC_NOTICE
        and timezone.localdate() <= application.notice_ends_on,
        Conflict(_("Objections are taken only while the application is on public notice.")),
    )
    reason = _reason_required(reason)
    ensure(
        not application.objections.filter(lodged_by=by, status=Objection.Status.OPEN).exists(),
        Conflict(_("You have already lodged an objection that is still open.")),
    )
    objection = Objection(application=application, lodged_by=by, reason=reason)
    objection.full_clean()
    save_or_conflict(objection, _("You have already lodged an objection that is still open."))
    ObjectionEvent.objects.create(
        objection=objection, actor=by, to_state=Objection.Status.OPEN, at=objection.created_at
    )
    return objection


@transaction.atomic
def objection_decide(
    *, objection_id: int, by: User, upheld: bool, reason: str, reject: bool = False
) -> Objection:
    """The office upholds an objection (the application goes back to expert
    review, or is rejected with `reject`) or dismisses it; either with a reason."""
    objection = objections_visible_to(by).filter(pk=objection_id).first()
    ensure(objection is not None, Http404())
    application = _office_locked(objection.application_id, by)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    reason = _reason_required(reason)
    target = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    if upheld:
        ensure(
            objection.can_move_to(target) and application.status == Status.PUBLIC_NOTICE,
            Conflict(_("Only an open objection to an application on notice can be upheld.")),
        )
    objection.decision_reason = reason
    objection.transition_to(target, by=by, note=reason, also_save=("decision_reason",))
    if upheld:
        back_to = Status.REJECTED if reject else Status.UNDER_REVIEW
        application.transition_to(
            back_to, by=by, note=_("Objection upheld: %(reason)s") % {"reason": reason}
        )
        # notices: tell the applicant it was returned or rejected (once the notices app lands).
    return objection
