"""Naming: recognition lists and honours."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import (
    org_units_managed_by,
    people_managed_by,
)
from accounts.services import unit_checked
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict
from notices.kinds import in_product_language
from studios.models import Honour, RecognitionList, Studio
from studios.selectors import recognition_lists_managed_by, studio_access, studios_nameable_by
from studios.services.guards import (
    ensure_manages,
    ensure_official,
    locked_studio,
)
from studios.services.telling import tell_leader_of_studio


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
    the unit of the recording official's widest grant): an open unit they
    manage (`unit_checked`, what the list form's `managed-org-units` picker
    offers)."""
    ensure_official(by)
    if org_unit is None:
        org_unit = org_units_managed_by(by).order_by("depth").first()
        ensure(org_unit is not None, ValidationError({"org_unit": _("Choose a unit.")}))
    unit_checked(org_unit, by)
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
    """Change a naming batch. A list moved to another unit goes to an open unit
    `by` manages (`unit_checked`, as on creation); one whose unit has closed
    since keeps it (a PUT repeats it)."""
    recognition_list = (
        recognition_lists_managed_by(by).select_for_update().filter(pk=list_id).first()
    )
    if recognition_list is None:
        if RecognitionList.objects.filter(pk=list_id).exists():
            raise PermissionDenied
        raise Http404
    if "org_unit" in changes and changes["org_unit"].pk != recognition_list.org_unit_id:
        unit_checked(changes["org_unit"], by)
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
    """Place a studio or a person on a recognition list: one of the official's
    units' studios that is established or named (`studios_nameable_by`), or one
    of their units' people (`people_managed_by`), as the honour form's pickers
    offer them. A studio's first honour names it (`established → named`)."""
    ensure_official(by)
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
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    # Exactly the studios the honour form's picker offers, read under the lock.
    if not studios_nameable_by(by).filter(pk=studio.pk).exists():
        # The offer decides; say which of its rules the studio fails.
        ensure(
            studio_access(by, studio).manages,
            ValidationError({"studio": _("This studio is outside the units you manage.")}),
        )
        raise Conflict(_("Only an established studio can be named."))
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


@transaction.atomic
def studio_delist(
    *, studio_id: int, by: User, reason: str, close: bool = False, on: datetime.date | None = None
) -> Studio:
    """De-list a studio (摘牌): every honour it holds is revoked with `reason`
    and the date, kept on its list as history (the years before still count
    it, docs/naming.md#de-listing), and the studio goes back to `established`,
    or to `revoked` with `close`. Officials over the studio only."""
    studio = locked_studio(studio_id, by)
    ensure_manages(studio, by)
    ensure(
        studio.status in (Studio.Status.NAMED, Studio.Status.RECTIFICATION),
        Conflict(_("Only a named studio or one under rectification can be de-listed.")),
    )
    ensure(
        studio.honours.filter(revoked_on__isnull=True).exists(),
        Conflict(_("This studio holds no honour to revoke.")),
    )
    reason = (reason or "").strip()
    ensure(bool(reason), ValidationError({"reason": _("Give the reason for this decision.")}))
    target = Studio.Status.REVOKED if close else Studio.Status.ESTABLISHED
    studio_honours_revoke(studio, by=by, reason=reason, on=on)
    studio.transition_to(target, by=by, note=_("De-listed: %(reason)s") % {"reason": reason})
    tell_leader_of_studio(
        studio,
        "studios.status_changed",
        by=by,
        status=in_product_language(studio.get_status_display()),
    )
    return studio


def studio_honours_revoke(
    studio: Studio, *, by: User, reason: str, on: datetime.date | None = None
) -> None:
    """Revoke every honour the studio still holds, on `on` (today by default),
    with `reason` and `by`: the one way a studio loses its plaque, de-listed or
    revoked by hand. Each honour stays on its list and counts in the years
    before `on` only (`studios.selectors.honour_counts_q`). Its callers have
    locked the studio and checked the actor, inside their transaction."""
    held = studio.honours.select_for_update().filter(revoked_on__isnull=True)
    on = on or timezone.localdate()
    # One row per honour (few), saved one by one so that their history and the
    # dashboard's kept figures see each change.
    for honour in held:
        honour.revoked_on, honour.revoked_reason, honour.revoked_by = on, reason, by
        honour.save(update_fields=["revoked_on", "revoked_reason", "revoked_by"])
