"""Every write to people, org units and role grants."""

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.authentication import token_expires_at
from accounts.models import AccountEvent, OrgUnit, RoleGrant, SkillLevel, SkillLevelChange, User
from accounts.selectors import (
    active_people_visible_to,
    is_official,
    open_units_managed_by,
    org_units_managed_by,
    people_managed_by,
    people_visible_to,
    people_without_account,
    person_access,
    role_grants_managed_by,
    unit_webhooks_managed_by,
)
from core.exceptions import Conflict
from core.services import ensure, locked
from notices.models import UnitWebhook
from notices.services import notify, unit_webhook_store


@transaction.atomic
def org_unit_create(*, name: str, code: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Add a unit under `parent` (or a new root when there is none)."""
    unit = OrgUnit(name=name, code=code, kind=kind)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return OrgUnit.objects.add_root(instance=unit)
    parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    return OrgUnit.objects.add_child(parent, instance=unit)


def unit_checked(unit: OrgUnit, by: User, field: str = "org_unit") -> OrgUnit:
    """A unit a new record is filed under by `by`: one they manage and one still
    open (`open_units_managed_by`, what the `managed-org-units` picker offers);
    otherwise a 400 on `field` saying why."""
    if not open_units_managed_by(by).filter(pk=unit.pk).exists():
        # The offer decides; say which of its rules the unit fails.
        ensure(
            org_units_managed_by(by).filter(pk=unit.pk).exists(),
            ValidationError({field: _("This unit is outside the units you manage.")}),
        )
        raise ValidationError({field: _("This unit is closed.")})
    return unit


@transaction.atomic
def person_create(
    *,
    employee_no: str,
    full_name: str,
    org_unit: OrgUnit | None,
    password: str | None = None,
    **fields,
) -> User:
    """Add a person; without a password they get an unusable one (no login)."""
    ensure(
        org_unit is None or not org_unit.is_closed,
        ValidationError({"org_unit": _("This unit is closed.")}),
    )
    person = User(employee_no=employee_no, full_name=full_name, org_unit=org_unit, **fields)
    person.set_password(password)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def role_grant(*, user: User, role: str, org_unit: OrgUnit) -> RoleGrant:
    """Give `user` a role over `org_unit` and its subtree (idempotent)."""
    grant, _created = RoleGrant.objects.get_or_create(user=user, role=role, org_unit=org_unit)
    return grant


def people_checked(
    people: Iterable[User],
    by: User,
    field: str,
    among: QuerySet[User] | None = None,
    credited: Iterable[int] = (),
) -> list[User]:
    """People written into a record by `by`: each once, each one `by` may see
    (docs/access.md), or each one of `among` where the record's picker offers
    fewer; otherwise a 400 on `field` naming who is outside. On an update,
    `credited` holds the ids of those the record already names: they stay
    whether or not `by` sees them (someone who sees more may have named them),
    so only a newcomer is checked; leaving anyone out is always allowed."""
    people = list(people)
    ensure(
        len({p.pk for p in people}) == len(people),
        ValidationError({field: _("A person is listed twice.")}),
    )
    kept = set(credited)
    newcomers = [p.pk for p in people if p.pk not in kept]
    scope = people_visible_to(by) if among is None else among
    # No newcomer, no query: Django answers an empty IN itself.
    visible = set(scope.filter(pk__in=newcomers).values_list("pk", flat=True))
    outside = [p.full_name for p in people if p.pk not in kept and p.pk not in visible]
    ensure(
        not outside,
        ValidationError(
            {field: _("Outside your scope: %(names)s.") % {"names": "、".join(outside)}}
        ),
    )
    return people


def skill_rank(level: str) -> int:
    """Position on the ladder junior → senior technician; no level ranks lowest."""
    return SkillLevel.values.index(level) + 1 if level in SkillLevel.values else 0


@transaction.atomic
def skill_level_raise(
    *, person: User, to_level: str, by: User, changed_on: datetime.date, reason: str
) -> SkillLevelChange | None:
    """Raise the person's skill level to `to_level` and keep the change in their
    history. A level at or below the one they hold changes nothing (None): a
    level is never lowered by an appraisal. The caller has checked `by`'s right."""
    ensure(
        to_level in SkillLevel.values,
        ValidationError({"skill_level_reached": _("Choose a skill level.")}),
    )
    person = User.objects.select_for_update().get(pk=person.pk)
    if skill_rank(to_level) <= skill_rank(person.skill_level):
        return None
    change = SkillLevelChange.objects.create(
        person=person,
        from_level=person.skill_level,
        to_level=to_level,
        changed_on=changed_on,
        reason=reason,
        recorded_by=by,
    )
    person.skill_level = to_level
    person.save(update_fields=["skill_level"])
    return change


# ── account care by the union office ───────────────────────────────────────

# A one-time password is read off a printed slip or out over the phone: upper
# case and digits only, none that looks or sounds like another (no 0/O, 1/I/L),
# twelve of them (31**12 > 54**10, the ten mixed-case ones it replaces).
OTP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
OTP_LENGTH = 12


def one_time_password() -> str:
    return "".join(secrets.choice(OTP_ALPHABET) for _ in range(OTP_LENGTH))


def _record(person: User, action: str, by: User | None, note: str = "") -> None:
    AccountEvent.objects.create(person=person, action=action, by=by, note=note[:200])


def access_event_record(
    *, action: str, person: User | None, note: str = "", request=None
) -> AccountEvent:
    """One access: a sign-in (or a failed one), an export, a report file
    downloaded. Written outside any transaction of the request's, so a failed
    sign-in is kept although nothing else is."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    return AccountEvent.objects.create(
        person=person,
        action=action,
        by=person,
        note=note[:200],
        remote_addr=address or None,
    )


def person_managed(person_id: int, by: User) -> User:
    """The person row-locked, for an act of account care: someone `by` may not
    see is a 404; someone they see (a colleague) but do not manage, a 403; a
    superuser's account is cared for by a superuser only."""
    person = locked(people_visible_to(by), person_id)
    ensure(person_access(by, person).manages, PermissionDenied())
    ensure(not person.is_superuser or by.is_superuser, PermissionDenied())
    return person


def _give_one_time_password(person: User) -> str:
    password = one_time_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    api_tokens_drop(person=person)
    return password


def api_tokens_drop(*, person: User) -> int:
    """Sign the person's API clients out (their password changed or was reset:
    whoever held the old one may hold a token too); the number of tokens dropped."""
    return Token.objects.filter(user=person).delete()[0]


@transaction.atomic
def api_token_issue(*, person: User) -> Token:
    """The person's API token: the one they have, or a new one when it expired."""
    token = Token.objects.filter(user=person).first()
    if token is not None and timezone.now() >= token_expires_at(token):
        token.delete()
    token, _created = Token.objects.get_or_create(user=person)
    return token


@transaction.atomic
def person_password_reset(*, person_id: int, by: User) -> str:
    """A new one-time password, shown once to the official and stored hashed
    only; the person must choose their own at the next sign-in."""
    person = person_managed(person_id, by)
    ensure(person.is_active, Conflict(_("Reactivate the person first.")))
    password = _give_one_time_password(person)
    _record(person, AccountEvent.Action.PASSWORD_RESET, by)
    # Told in case it was not they who asked: the office did it, and when.
    notify(kind="accounts.password_reset", recipients=[person], record=person)
    return password


@transaction.atomic
def person_unlock(*, person_id: int, by: User) -> int:
    """Lift a sign-in lockout (django-axes' own reset); the number of lockout
    records removed."""
    from axes.utils import reset

    person = person_managed(person_id, by)
    removed = reset(username=person.employee_no)
    _record(person, AccountEvent.Action.UNLOCKED, by)
    notify(kind="accounts.lockout_lifted", recipients=[person], record=person)
    return removed


@transaction.atomic
def person_set_active(*, person_id: int, by: User, active: bool) -> User:
    """Deactivate (cannot sign in; keeps every record) or reactivate a person."""
    person = person_managed(person_id, by)
    ensure(person.pk != by.pk, Conflict(_("You cannot deactivate yourself.")))
    ensure(
        person.is_active != active,
        Conflict(
            _("The person is already active.") if active else _("The person is already inactive.")
        ),
    )
    person.is_active = active
    person.save(update_fields=["is_active"])
    action = AccountEvent.Action.REACTIVATED if active else AccountEvent.Action.DEACTIVATED
    _record(person, action, by)
    return person


@transaction.atomic
def people_activate(
    *, by: User, person_ids: list[int] | None = None, org_unit: OrgUnit | None = None
) -> list[tuple[User, str]]:
    """One-time passwords for a newly imported team: the people chosen, or the
    active people of `org_unit`'s subtree who have no password yet. Returned
    once, for the printed slips; stored hashed only. Someone who manages no
    unit may not (403); naming people outside one's units is a 400."""
    ensure(is_official(by), PermissionDenied())
    managed = people_managed_by(by).filter(is_active=True, is_superuser=False)
    if org_unit is not None:
        unit_checked(org_unit, by)
        chosen = people_without_account(managed, org_unit)
    else:
        ids = set(person_ids or [])
        ensure(ids, ValidationError({"ids": _("Choose the people to activate.")}))
        chosen = managed.filter(pk__in=ids)
        outside = len(ids) - chosen.count()
        ensure(
            not outside,
            ValidationError({"ids": _("Some people are outside the units you manage.")}),
        )
    sheet = []
    for person in (
        # Only the people are locked: a person without a unit (a superuser's
        # choice) is on the nullable side of the join, which cannot be.
        chosen.select_for_update(of=("self",))
        .select_related("org_unit")
        .order_by("org_unit__path", "employee_no")
    ):
        sheet.append((person, _give_one_time_password(person)))
        _record(person, AccountEvent.Action.ACTIVATED, by)
    return sheet


@transaction.atomic
def password_changed(*, person: User) -> None:
    """The person chose their own password: the one-time one is gone, and so
    are the API tokens issued before."""
    User.objects.filter(pk=person.pk).update(must_change_password=False)
    api_tokens_drop(person=person)
    _record(person, AccountEvent.Action.PASSWORD_CHANGED, person)


@transaction.atomic
def role_grant_by(*, by: User, user: User, org_unit: OrgUnit) -> RoleGrant:
    """An official makes someone they may see who is still active (those the
    grant form's `active-people` picker offers) a union official over a unit
    within their own scope."""
    ensure(is_official(by), PermissionDenied())
    unit_checked(org_unit, by)
    people_checked([user], by, "user")
    # Seen (people_checked) yet not offered: no longer active.
    ensure(
        active_people_visible_to(by).filter(pk=user.pk).exists(),
        ValidationError({"user": _("This person is not active.")}),
    )
    grant = role_grant(user=user, role=RoleGrant.Role.UNION_OFFICIAL, org_unit=org_unit)
    _record(user, AccountEvent.Action.ROLE_GRANTED, by, org_unit.name)
    return grant


@transaction.atomic
def role_revoke(*, by: User, grant_id: int) -> RoleGrant:
    """Remove a grant over a unit within `by`'s scope (never one's own: another
    official removes it, so nobody locks themself out); the grant as it was."""
    grant = locked(role_grants_managed_by(by), grant_id)
    ensure(grant.user_id != by.pk, Conflict(_("Another official removes your own grant.")))
    grant.delete()
    _record(grant.user, AccountEvent.Action.ROLE_REVOKED, by, grant.org_unit.name)
    return grant


EDITABLE_PERSON_FIELDS = (
    "full_name",
    "org_unit",
    "post",
    "phone",
    "email",
    "messenger_id",
    "skill_level",
)


@transaction.atomic
def person_add(*, by: User, employee_no: str, full_name: str, org_unit: OrgUnit, **fields) -> User:
    """An official adds a person to a unit they manage (no password yet: the
    account is opened with a one-time password)."""
    ensure(is_official(by), PermissionDenied())
    unit_checked(org_unit, by)
    ensure(
        not User.objects.filter(employee_no=employee_no).exists(),
        ValidationError({"employee_no": _("This employee number is already taken.")}),
    )
    unknown = set(fields) - set(EDITABLE_PERSON_FIELDS)
    ensure(not unknown, ValidationError({name: _("This field cannot be set.") for name in unknown}))
    person = person_create(
        employee_no=employee_no, full_name=full_name, org_unit=org_unit, **fields
    )
    _record(person, AccountEvent.Action.CREATED, by)
    return person


@transaction.atomic
def person_update(*, person_id: int, by: User, **changes) -> User:
    """An official corrects a person's details (a new skill level goes into the
    person's skill history, like one from HR)."""
    person = person_managed(person_id, by)
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    ensure(
        not unknown, ValidationError({name: _("This field cannot be changed.") for name in unknown})
    )
    if "org_unit" in changes:
        unit_checked(changes["org_unit"], by)
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    old_level = person.skill_level
    for name in changed:
        setattr(person, name, changes[name])
    person.full_clean()
    person.save()
    if "skill_level" in changed and person.skill_level:
        SkillLevelChange.objects.create(
            person=person,
            from_level=old_level,
            to_level=person.skill_level,
            changed_on=timezone.localdate(),
            reason=_("Corrected by the union office"),
            recorded_by=by,
        )
    if changed:
        _record(person, AccountEvent.Action.UPDATED, by, "、".join(changed))
    return person


# ── the units' messenger robots (notices bound for the office) ─────────────


@transaction.atomic
def unit_webhook_set(*, by: User, org_unit: OrgUnit, kind: str, url: str) -> UnitWebhook:
    """An official sets (or replaces) the messenger robot of a unit they manage;
    the URL is checked and kept encrypted by notices."""
    ensure(is_official(by), PermissionDenied())
    unit_checked(org_unit, by)
    return unit_webhook_store(org_unit=org_unit, kind=kind, url=url, by=by)


@transaction.atomic
def unit_webhook_remove(*, by: User, webhook_id: int) -> None:
    """An official removes a robot of a unit they manage (404 outside them)."""
    locked(unit_webhooks_managed_by(by), webhook_id).delete()
