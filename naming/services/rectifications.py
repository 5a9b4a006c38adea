"""Rectification and re-review (docs/naming.md#dynamic-management): the office
over a studio opens a rectification with a plan and a deadline, then closes it
or de-lists the studio (摘牌); each year it re-reviews the studios named long
ago (kept, rectify, de-list). Every move locks its rows, checks the actor (the
office over the studio, never one of its members: 403) and the state (409)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, InvalidTransition
from core.services import ensure, locked, save_or_conflict
from naming.models import Rectification, ReReview
from naming.selectors import (
    rectification_access,
    rectifications_visible_to,
    runs_studio,
    studios_due_for_re_review,
    studios_rectifiable_by,
)
from naming.services.dormancy import rectification_check
from naming.services.guards import reason_required
from studios import services as studio_services
from studios.models import Studio
from studios.selectors import studio_status_targets, studios_visible_to

Status = Rectification.Status
# How far ahead a deadline may be set: a rectification is months, not years.
MAX_DEADLINE_DAYS = 366


def _not_the_office() -> PermissionDenied:
    return PermissionDenied(_("Only the union office over the studio, outside it, runs this."))


def _office_studio(studio: Studio, by: User) -> Studio:
    """The studio row-locked for a move of its office: 400 if `by` cannot see
    it (it was named in the request), 403 if they see it but are not its office."""
    studio = studios_visible_to(by).filter(pk=studio.pk).first()
    ensure(studio is not None, ValidationError({"studio": _("This studio is outside your scope.")}))
    ensure(runs_studio(by, studio), _not_the_office())
    return Studio.objects.select_for_update().get(pk=studio.pk)


def _opening_checked(reason: str, plan: str, deadline: datetime.date | None) -> tuple[str, str]:
    """A new rectification's reason and plan, stripped, with its deadline
    checked: every one missing or wrong is named at once (400), so the office
    is not sent back once a field."""
    reason, plan = (reason or "").strip(), (plan or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason.")
    if not plan:
        errors["plan"] = _("Say what the studio is to put right.")
    today = timezone.localdate()
    if deadline is None:
        errors["deadline"] = _("Set the deadline.")
    elif not today < deadline <= today + datetime.timedelta(days=MAX_DEADLINE_DAYS):
        errors["deadline"] = _("The deadline falls within the coming year.")
    ensure(not errors, ValidationError(errors))
    return reason, plan


def _not_rectifiable(studio: Studio) -> Conflict | None:
    """Why the studio's state lets no rectification open, or None."""
    if studio.status not in (Studio.Status.NAMED, Studio.Status.ESTABLISHED):
        return Conflict(_("Only a named or established studio can be put under rectification."))
    if studio.rectifications.filter(status=Status.OPEN).exists():
        return Conflict(_("This studio already has an open rectification."))
    return None


def _open(studio: Studio, by: User, *, reason: str, plan: str, deadline) -> Rectification:
    """Open the rectification and move the studio to `rectification` (its
    leader hears it); the studio is locked by the caller."""
    refusal = _not_rectifiable(studio)
    ensure(refusal is None, refusal)
    reason, plan = _opening_checked(reason, plan, deadline)
    rectification = Rectification(
        studio=studio, reason=reason, plan=plan, deadline=deadline, opened_by=by
    )
    rectification.full_clean()
    save_or_conflict(rectification, _("This studio already has an open rectification."))
    rectification.events.create(actor=by, to_state=Status.OPEN, note=plan, at=timezone.now())
    studio_services.studio_change_status(
        studio_id=studio.pk, by=by, status=Studio.Status.RECTIFICATION, reason=reason
    )
    return rectification


@transaction.atomic
def rectification_open(
    *, by: User, studio: Studio, reason: str, plan: str, deadline: datetime.date
) -> Rectification:
    """The office puts a named or established studio under rectification (a
    dormant one, typically): why, the plan and the deadline. The studio is one
    of `studios_rectifiable_by(by)`, those the form's picker offers."""
    studio = _office_studio(studio, by)
    if not studios_rectifiable_by(by).filter(pk=studio.pk).exists():
        # The offer decides; say which of its rules the studio fails (its
        # office was checked with the lock).
        raise _not_rectifiable(studio) or _not_the_office()
    return _open(studio, by, reason=reason, plan=plan, deadline=deadline)


def _office_locked(rectification_id: int, by: User, target: str) -> Rectification:
    """The open rectification row-locked for its office: 404 outside scope,
    403 for those who see it without running it, 409 once it is over or
    before its deadline."""
    rectification = locked(rectifications_visible_to(by), rectification_id)
    ensure(rectification_access(by, rectification).runs, _not_the_office())
    if not rectification.can_move_to(target):
        labels = dict(Status.choices)
        raise InvalidTransition(labels[rectification.status], labels[target])
    today = timezone.localdate()
    ensure(
        today >= rectification.deadline,
        Conflict(
            _("The rectification runs until %(date)s; it is decided after its deadline.")
            % {"date": rectification.deadline.isoformat()}
        ),
    )
    # The deadline has come: the check is made now if the daily one has not run.
    rectification_check(rectification, today=today)
    return rectification


@transaction.atomic
def rectification_close(*, rectification_id: int, by: User, note: str = "") -> Rectification:
    """The studio improved: the rectification is closed and the studio returns
    to `named` if it still holds an honour, else to `established`."""
    rectification = _office_locked(rectification_id, by, Status.CLOSED_IMPROVED)
    studio = Studio.objects.select_for_update().get(pk=rectification.studio_id)
    note = (note or "").strip()
    if studio.status == Studio.Status.RECTIFICATION:
        back_to = next(
            target
            for target in studio_status_targets(studio)
            if target in (Studio.Status.NAMED, Studio.Status.ESTABLISHED)
        )
        studio_services.studio_change_status(
            studio_id=studio.pk,
            by=by,
            status=back_to,
            reason=note or _("Rectification closed: improved."),
        )
    rectification.transition_to(Status.CLOSED_IMPROVED, by=by, note=note)
    return rectification


@transaction.atomic
def rectification_delist(
    *, rectification_id: int, by: User, reason: str, close_studio: bool = False
) -> Rectification:
    """The studio did not improve: it is de-listed (摘牌: its honours revoked
    with the reason and today's date) and goes back to `established`, or is
    revoked with `close_studio`."""
    rectification = _office_locked(rectification_id, by, Status.DELISTED)
    reason = reason_required(reason)
    studio_services.studio_delist(
        studio_id=rectification.studio_id, by=by, reason=reason, close=close_studio
    )
    rectification.transition_to(Status.DELISTED, by=by, note=reason)
    return rectification


@transaction.atomic
def re_review_record(
    *,
    by: User,
    studio: Studio,
    outcome: str,
    reason: str = "",
    plan: str = "",
    deadline: datetime.date | None = None,
    close_studio: bool = False,
) -> ReReview:
    """The office's outcome of this year's re-review of a studio named
    `NAMING_RE_REVIEW_YEARS` or more years ago: kept; rectify (a rectification
    opened with `plan` and `deadline`); or de-list (摘牌, `close_studio` to
    revoke it too). Rectify and de-list need the reason."""
    ensure(
        outcome in ReReview.Outcome.values,
        ValidationError({"outcome": _("Choose kept, rectify or de-list.")}),
    )
    studio = _office_studio(studio, by)
    year = timezone.localdate().year
    ensure(
        not ReReview.objects.filter(studio=studio, year=year).exists(),
        Conflict(_("This studio has already been re-reviewed in %(year)s.") % {"year": year}),
    )
    ensure(
        studios_due_for_re_review(by, year).filter(pk=studio.pk).exists(),
        Conflict(
            _("Only a studio named %(years)s or more years ago is re-reviewed.")
            % {"years": settings.NAMING_RE_REVIEW_YEARS}
        ),
    )
    reason = (reason or "").strip()
    rectification = None
    if outcome == ReReview.Outcome.RECTIFY:
        # The reason is checked with the plan and the deadline, all named at once.
        rectification = _open(studio, by, reason=reason, plan=plan, deadline=deadline)
        reason = rectification.reason
    elif outcome == ReReview.Outcome.DELIST:
        reason = reason_required(reason)
        studio_services.studio_delist(studio_id=studio.pk, by=by, reason=reason, close=close_studio)
    re_review = ReReview(
        studio=studio,
        year=year,
        outcome=outcome,
        reason=reason,
        rectification=rectification,
        decided_by=by,
    )
    re_review.full_clean()
    save_or_conflict(
        re_review,
        _("This studio has already been re-reviewed in %(year)s.") % {"year": year},
    )
    return re_review
