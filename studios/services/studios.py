"""Studios: registration, profile edits and the status machine."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.services import unit_checked
from core.exceptions import Conflict, InvalidTransition
from core.services import ensure, save_or_conflict
from core.signals import records_changed
from notices.kinds import in_product_language
from studios.models import Membership, Studio
from studios.selectors import studio_access, studio_status_targets
from studios.services.guards import (
    ensure_manages,
    ensure_official,
    ensure_person_active,
    locked_studio,
)
from studios.services.naming import studio_honours_revoke
from studios.services.telling import tell_leader_of_studio

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
    """Register a studio (status `preparing`) in an open unit `by` manages; its
    leader, someone they may see who is still active, becomes its first member."""
    ensure_official(by)
    unit_checked(org_unit, by)
    ensure_person_active(leader, by, "leader")
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
    in scope may also change name, code, kind, leader, org unit and founding date
    (a new leader someone they may see who is still active, as on registration).
    Status has its own service."""
    studio = locked_studio(studio_id, by)
    # Repeating a current value is not a change (a PUT sends every field).
    changes = {
        field: value
        for field, value in changes.items()
        if _current_value(studio, field) != (list(value) if field == "functions" else value)
    }
    access = studio_access(by, studio)
    if access.manages:
        allowed = OFFICIAL_EDITABLE_FIELDS
    elif access.leads:
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
        unit_checked(changes["org_unit"], by)
    new_leader = changes.get("leader")
    if new_leader is not None and new_leader.pk != studio.leader_id:
        ensure_person_active(new_leader, by, "leader")
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
    """An official moves a studio along its status machine (docs/domain.md).

    `named` is reached only through an honour (or, from rectification, while one
    is held); rectification returns to `named` if the studio holds an honour and
    to `established` otherwise; rectification and revocation need a reason.
    Revocation takes the studio's plaque as de-listing does: every honour it
    holds is revoked today with the reason (docs/naming.md#de-listing).
    """
    studio = locked_studio(studio_id, by)
    ensure_manages(studio, by)
    ensure(status in Studio.Status.values, ValidationError({"status": _("Unknown status.")}))
    reason = (reason or "").strip()
    ensure(
        status not in REASON_REQUIRED or bool(reason),
        ValidationError({"reason": _("Give the reason for this decision.")}),
    )
    if status not in studio_status_targets(studio):
        raise _why_not(studio, status)
    if status == Studio.Status.REVOKED:
        studio_honours_revoke(studio, by=by, reason=reason)
    studio.transition_to(status, by=by, note=reason)
    tell_leader_of_studio(
        studio,
        "studios.status_changed",
        by=by,
        status=in_product_language(studio.get_status_display()),
    )
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


@transaction.atomic
def studios_dormancy_set(
    *, dormant_since: dict[int, datetime.date], back_to_work: Iterable[int] = ()
) -> list[int]:
    """Record what the nightly dormancy rule found (the rule reads several apps
    and lives in `naming`): flag the studios of `dormant_since` (studio id → the
    day of its last output) not flagged yet, and clear the flag of those in
    `back_to_work`. Returns the ids newly flagged; a studio already flagged
    keeps its day, so running it twice changes nothing."""
    back_to_work = list(back_to_work)
    cleared = list(
        Studio.objects.filter(pk__in=back_to_work, dormant_since__isnull=False).values_list(
            "pk", "org_unit_id"
        )
    )
    Studio.objects.filter(pk__in=[pk for pk, _unit in cleared]).update(dormant_since=None)
    flagged = list(
        Studio.objects.filter(pk__in=list(dormant_since), dormant_since__isnull=True)
        .select_for_update()
        .only("pk", "org_unit_id", "dormant_since")
    )
    for studio in flagged:
        studio.dormant_since = dormant_since[studio.pk]
    Studio.objects.bulk_update(flagged, ["dormant_since"], batch_size=500)
    units = {unit for _pk, unit in cleared} | {studio.org_unit_id for studio in flagged}
    if units:
        # Written in bulk: the dashboard's kept figures of those units are stale.
        records_changed.send(sender=Studio, unit_ids=units)
    return [studio.pk for studio in flagged]
