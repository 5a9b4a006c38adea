"""Every write to people, org units and role grants."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, RoleGrant, SkillLevel, SkillLevelChange, User
from accounts.selectors import org_units_managed_by, people_visible_to
from core.services import ensure


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
    open (a closed unit takes no new records); otherwise a 400 on `field`."""
    ensure(
        org_units_managed_by(by).filter(pk=unit.pk).exists(),
        ValidationError({field: _("This unit is outside the units you manage.")}),
    )
    ensure(not unit.is_closed, ValidationError({field: _("This unit is closed.")}))
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


def people_checked(people: Iterable[User], by: User, field: str) -> list[User]:
    """People written into a record by `by`: each once, each one `by` may see
    (docs/access.md); otherwise a 400 on `field` naming who is outside."""
    people = list(people)
    ensure(
        len({p.pk for p in people}) == len(people),
        ValidationError({field: _("A person is listed twice.")}),
    )
    visible = set(
        people_visible_to(by).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    outside = [p.full_name for p in people if p.pk not in visible]
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
