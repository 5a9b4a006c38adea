"""Every write to people, org units and role grants."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, RoleGrant, User
from accounts.selectors import people_visible_to
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
    (DESIGN.md §4); otherwise a 400 on `field` naming who is outside."""
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
