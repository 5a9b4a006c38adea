"""Every write to studios, memberships, naming and assessments.

Each service locks the row it changes, checks the actor's rights against the
scoping selectors (invisible → 404, visible but not allowed → 403), validates
foreign keys against the actor's scope (→ 400) and refuses what the record's state
forbids (→ 409).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import (
    is_official,
    org_units_managed_by,
    people_managed_by,
    people_visible_to,
)
from core.exceptions import Conflict, InvalidTransition
from core.services import ensure, save_or_conflict
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio
from studios.selectors import (
    recognition_lists_managed_by,
    studio_status_targets,
    studios_led_by,
    studios_managed_by,
    studios_visible_to,
)

# What a studio lead may change about their own studio; officials may change all.
LEAD_EDITABLE_FIELDS = frozenset(
    {
        "description",
        "speciality",
        "functions",
        "site_notes",
        "equipment_notes",
        "core_members_edit_records",
    }
)
OFFICIAL_EDITABLE_FIELDS = LEAD_EDITABLE_FIELDS | {
    "name",
    "code",
    "kind",
    "leader",
    "org_unit",
    "founded_on",
}
REASON_REQUIRED = {Studio.Status.RECTIFICATION, Studio.Status.REVOKED}


# --- Guards -----------------------------------------------------------------------


def _ensure_official(by: User) -> None:
    ensure(is_official(by), PermissionDenied())


def _ensure_unit_managed(unit: OrgUnit, by: User, field: str = "org_unit") -> None:
    ensure(
        org_units_managed_by(by).filter(pk=unit.pk).exists(),
        ValidationError({field: _("This unit is outside the units you manage.")}),
    )


def _ensure_person_visible(person: User, by: User, field: str) -> None:
    ensure(
        people_visible_to(by).filter(pk=person.pk).exists(),
        ValidationError({field: _("This person is outside your scope.")}),
    )


def _locked_studio(studio_id: int, by: User) -> Studio:
    """The studio, row-locked, if `by` may see it; 404 otherwise."""
    if not studios_visible_to(by).filter(pk=studio_id).exists():
        raise Http404
    return Studio.objects.select_for_update().get(pk=studio_id)


def _ensure_manages(studio: Studio, by: User) -> None:
    ensure(studios_managed_by(by).filter(pk=studio.pk).exists(), PermissionDenied())


def _ensure_manages_or_leads(studio: Studio, by: User) -> None:
    allowed = (
        studios_managed_by(by).filter(pk=studio.pk).exists()
        or studios_led_by(by).filter(pk=studio.pk).exists()
    )
    ensure(allowed, PermissionDenied())


# --- Studios ------------------------------------------------------------------------


@transaction.atomic
def studio_create(
    *,
    by: User,
    name: str,
    code: str,
    kind: str,
    leader: User,
    org_unit: OrgUnit,
    speciality: str,
    founded_on: datetime.date,
    description: str = "",
    site_notes: str = "",
    equipment_notes: str = "",
    functions: list[str] | tuple[str, ...] = (),
    core_members_edit_records: bool = False,
) -> Studio:
    """Register a studio (status `preparing`); its leader becomes its first member."""
    _ensure_official(by)
    _ensure_unit_managed(org_unit, by)
    _ensure_person_visible(leader, by, "leader")
    studio = Studio(
        name=name,
        code=code,
        kind=kind,
        leader=leader,
        org_unit=org_unit,
        speciality=speciality,
        founded_on=founded_on,
        description=description,
        site_notes=site_notes,
        equipment_notes=equipment_notes,
        functions=list(functions),
        core_members_edit_records=core_members_edit_records,
    )
    studio.full_clean()
    save_or_conflict(studio, _("A studio with this code already exists."))
    Membership.objects.create(
        studio=studio, person=leader, role=Membership.Role.LEADER, joined_on=founded_on
    )
    studio.events.create(actor=by, from_state="", to_state=studio.status)
    return studio


@transaction.atomic
def studio_update(*, studio_id: int, by: User, **changes) -> Studio:
    """Change a studio's profile. Leads may edit the profile fields only; officials
    in scope may also change name, code, kind, leader, org unit and founding date.
    Status has its own service."""
    studio = _locked_studio(studio_id, by)
    # Repeating a current value is not a change (a PUT sends every field).
    changes = {
        field: value
        for field, value in changes.items()
        if _current_value(studio, field) != (list(value) if field == "functions" else value)
    }
    if studios_managed_by(by).filter(pk=studio.pk).exists():
        allowed = OFFICIAL_EDITABLE_FIELDS
    elif studios_led_by(by).filter(pk=studio.pk).exists():
        allowed = LEAD_EDITABLE_FIELDS
    else:
        raise PermissionDenied
    ensure(
        studio.status != Studio.Status.REVOKED or not changes,
        Conflict(_("This studio has been revoked.")),
    )
    forbidden = set(changes) - allowed
    if forbidden:
        raise PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(forbidden))}
        )
    if "org_unit" in changes and changes["org_unit"].pk != studio.org_unit_id:
        _ensure_unit_managed(changes["org_unit"], by)
    new_leader = changes.get("leader")
    if new_leader is not None and new_leader.pk != studio.leader_id:
        _ensure_person_visible(new_leader, by, "leader")
    for field, value in changes.items():
        setattr(studio, field, list(value) if field == "functions" else value)
    studio.full_clean()
    save_or_conflict(studio, _("A studio with this code already exists."))
    if new_leader is not None:
        _hand_over_leadership(studio, new_leader)
    return studio


def _current_value(studio: Studio, field: str):
    value = getattr(studio, field)
    return list(value) if field == "functions" else value


def _hand_over_leadership(studio: Studio, new_leader: User) -> None:
    """Keep "the leader is always a member with role leader" true after a change."""
    open_memberships = studio.memberships.select_for_update().filter(left_on__isnull=True)
    open_memberships.filter(role=Membership.Role.LEADER).exclude(person=new_leader).update(
        role=Membership.Role.CORE
    )
    updated = open_memberships.filter(person=new_leader).update(role=Membership.Role.LEADER)
    if not updated:
        Membership.objects.create(studio=studio, person=new_leader, role=Membership.Role.LEADER)


@transaction.atomic
def studio_change_status(*, studio_id: int, by: User, status: str, reason: str = "") -> Studio:
    """An official moves a studio along its status machine (DESIGN.md §3).

    `named` is reached only through an honour (or, from rectification, while one
    is held); rectification returns to `named` if the studio holds an honour and
    to `established` otherwise; rectification and revocation need a reason.
    """
    studio = _locked_studio(studio_id, by)
    _ensure_manages(studio, by)
    ensure(status in Studio.Status.values, ValidationError({"status": _("Unknown status.")}))
    reason = (reason or "").strip()
    ensure(
        status not in REASON_REQUIRED or bool(reason),
        ValidationError({"reason": _("Give the reason for this decision.")}),
    )
    if status not in studio_status_targets(studio):
        raise _why_not(studio, status)
    studio.transition_to(status, by=by, note=reason)
    return studio


def _why_not(studio: Studio, status: str) -> Conflict:
    """The clearest reason a manual move to `status` is refused."""
    if status == Studio.Status.NAMED and studio.status == Studio.Status.ESTABLISHED:
        return Conflict(_("A studio is named only by placing it on a recognition list."))
    if studio.status == Studio.Status.RECTIFICATION and status == Studio.Status.NAMED:
        return Conflict(_("This studio holds no honour, so it returns to “established”."))
    if studio.status == Studio.Status.RECTIFICATION and status == Studio.Status.ESTABLISHED:
        return Conflict(_("This studio holds an honour, so it returns to “named”."))
    labels = dict(Studio.Status.choices)
    return InvalidTransition(labels[studio.status], labels[status])


# --- Memberships ----------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *,
    studio_id: int,
    by: User,
    person: User,
    role: str = Membership.Role.MEMBER,
    joined_on: datetime.date | None = None,
) -> Membership:
    """Add a core member or member (the leader changes through `studio_update`)."""
    studio = _locked_studio(studio_id, by)
    _ensure_manages_or_leads(studio, by)
    ensure(studio.status != Studio.Status.REVOKED, Conflict(_("This studio has been revoked.")))
    ensure(
        role in (Membership.Role.CORE, Membership.Role.MEMBER),
        ValidationError({"role": _("Change the leader on the studio itself.")}),
    )
    _ensure_person_visible(person, by, "person")
    ensure(
        not studio.memberships.filter(person=person, left_on__isnull=True).exists(),
        Conflict(_("This person is already a member of the studio.")),
    )
    joined_on = joined_on or timezone.localdate()
    ensure(
        studio.founded_on <= joined_on <= timezone.localdate(),
        ValidationError(
            {"joined_on": _("The joining date lies between the founding date and today.")}
        ),
    )
    membership = Membership(studio=studio, person=person, role=role, joined_on=joined_on)
    membership.full_clean(validate_constraints=False)
    save_or_conflict(membership, _("This person is already a member of the studio."))
    return membership


def _locked_membership(membership_id: int, by: User) -> Membership:
    membership = (
        Membership.objects.filter(studio__in=studios_visible_to(by), pk=membership_id)
        .select_for_update()
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@transaction.atomic
def membership_change_role(*, membership_id: int, by: User, role: str) -> Membership:
    membership = _locked_membership(membership_id, by)
    _ensure_manages_or_leads(membership.studio, by)
    ensure(membership.left_on is None, Conflict(_("This membership has ended.")))
    ensure(
        membership.role != Membership.Role.LEADER and role != Membership.Role.LEADER,
        ValidationError({"role": _("Change the leader on the studio itself.")}),
    )
    ensure(role in Membership.Role.values, ValidationError({"role": _("Unknown role.")}))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_end(
    *, membership_id: int, by: User, left_on: datetime.date | None = None
) -> Membership:
    """A member leaves the studio (the record is kept, with the date)."""
    membership = _locked_membership(membership_id, by)
    _ensure_manages_or_leads(membership.studio, by)
    ensure(membership.left_on is None, Conflict(_("This membership has already ended.")))
    ensure(
        membership.role != Membership.Role.LEADER,
        Conflict(_("The leader cannot leave; appoint a new leader first.")),
    )
    left_on = left_on or timezone.localdate()
    ensure(
        left_on >= membership.joined_on,
        ValidationError({"left_on": _("The leaving date is before the joining date.")}),
    )
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


# --- Naming -------------------------------------------------------------------------


@transaction.atomic
def recognition_list_create(
    *,
    by: User,
    title: str,
    level: str,
    conferred_by: str,
    year: int,
    total_named: int,
    org_unit: OrgUnit | None = None,
) -> RecognitionList:
    """Record a naming batch. It is kept by officials over `org_unit` (by default
    the unit of the recording official's widest grant)."""
    _ensure_official(by)
    if org_unit is None:
        org_unit = org_units_managed_by(by).order_by("depth").first()
        ensure(org_unit is not None, ValidationError({"org_unit": _("Choose a unit.")}))
    _ensure_unit_managed(org_unit, by)
    recognition_list = RecognitionList(
        title=title,
        level=level,
        conferred_by=conferred_by,
        year=year,
        total_named=total_named,
        org_unit=org_unit,
    )
    recognition_list.full_clean()
    recognition_list.save()
    return recognition_list


@transaction.atomic
def recognition_list_update(*, list_id: int, by: User, **changes) -> RecognitionList:
    recognition_list = (
        recognition_lists_managed_by(by).select_for_update().filter(pk=list_id).first()
    )
    if recognition_list is None:
        if RecognitionList.objects.filter(pk=list_id).exists():
            raise PermissionDenied
        raise Http404
    if "org_unit" in changes:
        _ensure_unit_managed(changes["org_unit"], by)
    for field, value in changes.items():
        setattr(recognition_list, field, value)
    studios_on_list = recognition_list.honours.filter(studio__isnull=False).count()
    ensure(
        recognition_list.total_named >= studios_on_list,
        ValidationError(
            {
                "total_named": _("The list already holds %(count)s of our studios.")
                % {"count": studios_on_list}
            }
        ),
    )
    recognition_list.full_clean()
    recognition_list.save()
    return recognition_list


@transaction.atomic
def honour_create(
    *,
    by: User,
    recognition_list: RecognitionList,
    studio: Studio | None = None,
    person: User | None = None,
    personal_title: str = "",
    conferred_on: datetime.date | None = None,
) -> Honour:
    """Place a studio or a person on a recognition list. A studio's first honour
    names it (`established → named`)."""
    _ensure_official(by)
    ensure(
        (studio is None) != (person is None),
        ValidationError(_("Choose either a studio or a person.")),
    )
    recognition_list = RecognitionList.objects.select_for_update().get(pk=recognition_list.pk)
    if person is not None:
        ensure(
            bool(personal_title),
            ValidationError({"personal_title": _("Say which honour the person received.")}),
        )
        ensure(
            people_managed_by(by).filter(pk=person.pk).exists(),
            ValidationError({"person": _("This person is outside the units you manage.")}),
        )
        ensure(
            not recognition_list.honours.filter(person=person).exists(),
            Conflict(_("This person is already on the list.")),
        )
        honour = Honour(
            recognition_list=recognition_list,
            person=person,
            personal_title=personal_title,
            conferred_on=conferred_on,
        )
        honour.full_clean()
        save_or_conflict(honour, _("This person is already on the list."))
        return honour

    ensure(
        not personal_title,
        ValidationError({"personal_title": _("A studio's honour has no personal title.")}),
    )
    ensure(
        studios_managed_by(by).filter(pk=studio.pk).exists(),
        ValidationError({"studio": _("This studio is outside the units you manage.")}),
    )
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    ensure(
        studio.status not in (Studio.Status.PREPARING, Studio.Status.REVOKED),
        Conflict(_("Only an established studio can be named.")),
    )
    ensure(
        not recognition_list.honours.filter(studio=studio).exists(),
        Conflict(_("This studio is already on the list.")),
    )
    ensure(
        recognition_list.honours.filter(studio__isnull=False).count()
        < recognition_list.total_named,
        Conflict(
            _("The list names %(total)s studios and all are recorded.")
            % {"total": recognition_list.total_named}
        ),
    )
    honour = Honour(recognition_list=recognition_list, studio=studio, conferred_on=conferred_on)
    honour.full_clean()
    save_or_conflict(honour, _("This studio is already on the list."))
    if studio.status == Studio.Status.ESTABLISHED:
        studio.transition_to(
            Studio.Status.NAMED, by=by, note=_("Named on “%(list)s”") % {"list": recognition_list}
        )
    return honour


# --- Assessments ----------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    by: User,
    studio: Studio,
    year: int,
    score: Decimal,
    grade: str,
    notes: str = "",
) -> Assessment:
    """Record a studio's yearly assessment; a `fail` sends it to rectification."""
    studio = _locked_studio(studio.pk, by)
    _ensure_manages(studio, by)
    ensure(
        studio.status not in (Studio.Status.PREPARING, Studio.Status.REVOKED),
        Conflict(_("Only established or named studios are assessed.")),
    )
    ensure(
        year <= timezone.localdate().year,
        ValidationError({"year": _("A year that has not begun cannot be assessed.")}),
    )
    ensure(
        not studio.assessments.filter(year=year).exists(),
        Conflict(_("This studio has already been assessed for %(year)s.") % {"year": year}),
    )
    assessment = Assessment(
        studio=studio, year=year, score=score, grade=grade, assessor=by, notes=notes
    )
    assessment.full_clean(validate_constraints=False)
    save_or_conflict(
        assessment, _("This studio has already been assessed for %(year)s.") % {"year": year}
    )
    if grade == Assessment.Grade.FAIL and studio.can_move_to(Studio.Status.RECTIFICATION):
        studio.transition_to(
            Studio.Status.RECTIFICATION,
            by=by,
            note=_("Failed the %(year)s assessment") % {"year": year},
        )
    return assessment
