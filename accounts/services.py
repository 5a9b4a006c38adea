"""Every write to people, org units and role grants."""

from django.db import transaction

from accounts.models import OrgUnit, RoleGrant, User


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
