"""Pairings: proposal, activation under the capacity cap, extension, termination."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import is_official, org_units_managed_by
from accounts.services import people_checked, unit_checked
from apprenticeships.models import Extension, MentorCapacity, Pairing
from apprenticeships.selectors import (
    active_apprentice_count,
    may_propose_pairings,
    mentor_capacity,
    pairing_access,
    pairing_refusals,
    pairings_visible_to,
    studios_for_pairings,
)
from apprenticeships.services.risk import at_risk_from
from core.dates import PLANNED, check_date
from core.exceptions import Conflict
from core.services import ensure, locked, save_or_conflict
from notices.services import notify
from studios.models import Studio
from studios.selectors import studios_led_by, studios_managed_by

Status = Pairing.Status
# Agreements run one to three years; five (with extensions) is the outer bound,
# so a typo like 9999-12-31 is caught.
LONGEST_TERM = datetime.timedelta(days=5 * 366)


def locked_pairing(pairing_id: int, by: User) -> Pairing:
    """The pairing, row-locked, if `by` may read it; 404 otherwise."""
    return locked(pairings_visible_to(by), pairing_id)


def ensure_manages(pairing: Pairing, by: User) -> None:
    ensure(pairing_access(by, pairing).manages, PermissionDenied())


def tell_both(pairing: Pairing, kind: str, by: User | None, **params) -> None:
    """The mentor and the apprentice hear what became of their pairing (the one
    who did it is not told)."""
    notify(
        kind=kind,
        recipients=[pairing.mentor_id, pairing.apprentice_id],
        record=pairing,
        text_params={
            "mentor": pairing.mentor.full_name,
            "apprentice": pairing.apprentice.full_name,
            **params,
        },
        url=reverse("apprenticeships:pairing-detail", args=[pairing.pk]),
        actor=by,
    )


def ensure_open(pairing: Pairing) -> None:
    ensure(
        pairing.status in Pairing.OPEN_STATUSES,
        Conflict(_("This pairing has ended.")),
    )


def _not_in_future(day: datetime.date | None, field: str) -> None:
    ensure(
        day is None or day <= timezone.localdate(),
        ValidationError({field: _("This date has not come yet.")}),
    )


def _term_checked(starts_on: datetime.date, planned_end_on: datetime.date) -> None:
    ensure(
        planned_end_on > starts_on,
        ValidationError({"planned_end_on": _("The planned end comes after the start.")}),
    )
    ensure(
        planned_end_on - starts_on <= LONGEST_TERM,
        ValidationError({"planned_end_on": _("A term lasts at most five years.")}),
    )


def _home_unit(by: User, studio: Studio | None, org_unit: OrgUnit | None, apprentice: User):
    """The unit whose officials oversee the pairing: the studio's unit for a
    studio pairing, else the chosen unit (by default the apprentice's), an
    open unit `by` manages (`open_units_managed_by`, what the form's
    `managed-org-units` picker offers: a closed unit takes no new pairing)."""
    if studio is not None:
        if not studios_for_pairings(by).filter(pk=studio.pk).exists():
            # The offer decides (the form's studios); say which of its rules fails.
            managed = studios_managed_by(by).filter(pk=studio.pk).exists()
            ensure(
                managed or studios_led_by(by).filter(pk=studio.pk).exists(),
                ValidationError({"studio": _("You neither lead nor oversee this studio.")}),
            )
            raise ValidationError({"studio": _("This studio has been revoked.")})
        ensure(
            org_unit is None or org_unit.pk == studio.org_unit_id,
            ValidationError({"org_unit": _("A studio pairing belongs to the studio's unit.")}),
        )
        return studio.org_unit
    ensure(
        is_official(by),
        ValidationError({"studio": _("Choose the studio you lead.")}),
    )
    unit = org_unit or apprentice.org_unit
    ensure(
        unit is not None,
        ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
    )
    return unit_checked(unit, by)


@transaction.atomic
def pairing_propose(
    *,
    by: User,
    mentor: User,
    apprentice: User,
    starts_on: datetime.date,
    planned_end_on: datetime.date,
    target_skill_level: str,
    studio: Studio | None = None,
    org_unit: OrgUnit | None = None,
    goals: str = "",
    agreement_signed_on: datetime.date | None = None,
    monthly_allowance: Decimal | None = None,
) -> Pairing:
    """A studio leader or an official proposes a mentor for an apprentice,
    both still active (a deactivated person can no longer sign in to take
    part). In a studio pairing the mentor is one of the studio's current
    members. Exactly whom the form's pickers offer (`mentors_offered`, the
    `active-people` picker); the others are named (`pairing_refusals`)."""
    ensure(may_propose_pairings(by), PermissionDenied())
    people_checked([mentor], by, "mentor")
    people_checked([apprentice], by, "apprentice")
    ensure(
        mentor.pk != apprentice.pk,
        ValidationError({"apprentice": _("Nobody mentors themself.")}),
    )
    _term_checked(starts_on, planned_end_on)
    _not_in_future(agreement_signed_on, "agreement_signed_on")
    unit = _home_unit(by, studio, org_unit, apprentice)
    refused = pairing_refusals(by, studio, mentor=mentor, apprentice=apprentice)
    ensure(not refused, ValidationError(refused))
    already_open = _("%(mentor)s and %(apprentice)s already have an open pairing.") % {
        "mentor": mentor.full_name,
        "apprentice": apprentice.full_name,
    }
    ensure(
        not Pairing.objects.filter(
            mentor=mentor, apprentice=apprentice, status__in=Pairing.OPEN_STATUSES
        ).exists(),
        Conflict(already_open),
    )
    pairing = Pairing(
        mentor=mentor,
        apprentice=apprentice,
        studio=studio,
        org_unit=unit,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        target_skill_level=target_skill_level,
        goals=goals,
        agreement_signed_on=agreement_signed_on,
        monthly_allowance=monthly_allowance,
        created_by=by,
    )
    pairing.full_clean(validate_constraints=False)
    save_or_conflict(pairing, already_open)
    pairing.events.create(actor=by, from_state="", to_state=Status.PROPOSED)
    return pairing


# Fields a manager may change while the pairing runs; the term itself moves
# only through an extension once the pairing is active.
PAIRING_FIELDS = {"goals", "target_skill_level", "monthly_allowance", "agreement_signed_on"}
TERM_FIELDS = {"starts_on", "planned_end_on"}


@transaction.atomic
def pairing_update(*, pairing_id: int, by: User, **changes) -> Pairing:
    pairing = locked_pairing(pairing_id, by)
    ensure_manages(pairing, by)
    ensure_open(pairing)
    editable = PAIRING_FIELDS | (TERM_FIELDS if pairing.status == Status.PROPOSED else set())
    unknown = set(changes) - editable
    ensure(
        not unknown,
        ValidationError(
            _("Not editable now: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if "agreement_signed_on" in changes:
        ensure(
            pairing.status == Status.PROPOSED or changes["agreement_signed_on"] is not None,
            ValidationError({"agreement_signed_on": _("An active pairing keeps its agreement.")}),
        )
        _not_in_future(changes["agreement_signed_on"], "agreement_signed_on")
    for field, value in changes.items():
        setattr(pairing, field, value)
    _term_checked(pairing.starts_on, pairing.planned_end_on)
    pairing.full_clean(validate_constraints=False)
    pairing.save()
    return pairing


@transaction.atomic
def pairing_activate(
    *, pairing_id: int, by: User, agreement_signed_on: datetime.date | None = None
) -> Pairing:
    """The agreement is signed: the pairing starts, within the mentor's cap."""
    pairing = locked_pairing(pairing_id, by)
    ensure_manages(pairing, by)
    ensure(pairing.can_move_to(Status.ACTIVE), Conflict(_("Only a proposed pairing is activated.")))
    signed_on = agreement_signed_on or pairing.agreement_signed_on
    ensure(
        signed_on is not None,
        ValidationError(
            {"agreement_signed_on": _("Record the date the agreement was signed first.")}
        ),
    )
    _not_in_future(signed_on, "agreement_signed_on")
    # The mentor's row is the lock that serialises activations for the same
    # mentor, so two officials cannot both take the last place.
    mentor = User.objects.select_for_update().get(pk=pairing.mentor_id)
    cap = mentor_capacity(mentor)
    active = active_apprentice_count(mentor)
    ensure(
        active < cap,
        Conflict(
            _("%(mentor)s already has %(count)s active apprentices (the limit is %(cap)s).")
            % {"mentor": mentor.full_name, "count": active, "cap": cap},
            code="capacity_exceeded",
        ),
    )
    pairing.agreement_signed_on = signed_on
    # From now on it can be at risk: its day follows from the plan (kept while
    # proposed) and the start, in the same UPDATE as the status.
    pairing.at_risk_from = at_risk_from(
        status=Status.ACTIVE,
        starts_on=pairing.starts_on,
        last_session_on=pairing.last_session_on,
        next_step_due_on=pairing.next_step_due_on,
    )
    pairing.transition_to(Status.ACTIVE, by=by, also_save=("agreement_signed_on", "at_risk_from"))
    tell_both(pairing, "apprenticeships.pairing_activated", by)
    return pairing


@transaction.atomic
def pairing_extend(
    *, pairing_id: int, by: User, planned_end_on: datetime.date, reason: str
) -> Pairing:
    """Move the planned end later, with the reason kept beside the pairing."""
    pairing = locked_pairing(pairing_id, by)
    ensure_manages(pairing, by)
    ensure_open(pairing)
    ensure(bool(reason.strip()), ValidationError({"reason": _("Say why the term is extended.")}))
    ensure(
        planned_end_on > pairing.planned_end_on,
        ValidationError(
            {
                "planned_end_on": _("The new end comes after %(end)s.")
                % {"end": pairing.planned_end_on}
            }
        ),
    )
    _term_checked(pairing.starts_on, planned_end_on)
    check_date(planned_end_on, "planned_end_on", PLANNED)
    Extension.objects.create(
        pairing=pairing,
        previous_end_on=pairing.planned_end_on,
        new_end_on=planned_end_on,
        reason=reason.strip(),
        by=by,
    )
    pairing.planned_end_on = planned_end_on
    pairing.save(update_fields=["planned_end_on"])
    tell_both(pairing, "apprenticeships.pairing_extended", by, end=planned_end_on.isoformat())
    return pairing


@transaction.atomic
def pairing_terminate(*, pairing_id: int, by: User, reason: str) -> Pairing:
    """End a proposed or active pairing early; the reason is required."""
    pairing = locked_pairing(pairing_id, by)
    ensure_manages(pairing, by)
    ensure_open(pairing)
    ensure(bool(reason.strip()), ValidationError({"reason": _("Say why the pairing ends.")}))
    pairing.ended_on = timezone.localdate()
    pairing.at_risk_from = None  # an ended pairing is never at risk
    pairing.transition_to(
        Status.TERMINATED, by=by, note=reason.strip(), also_save=("ended_on", "at_risk_from")
    )
    tell_both(pairing, "apprenticeships.pairing_terminated", by, reason=reason.strip())
    return pairing


@transaction.atomic
def mentor_capacity_set(
    *, by: User, org_unit: OrgUnit, max_active_apprentices: int
) -> MentorCapacity:
    """Set how many active apprentices a mentor in `org_unit` and below may have."""
    ensure(is_official(by), PermissionDenied())
    ensure(
        org_units_managed_by(by).filter(pk=org_unit.pk).exists(),
        ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
    )
    setting = MentorCapacity.objects.filter(org_unit=org_unit).first() or MentorCapacity(
        org_unit=org_unit
    )
    setting.max_active_apprentices = max_active_apprentices
    setting.full_clean(validate_unique=False)
    setting.save()
    return setting
