"""The people picker (core.pickers): a person is found by employee number,
name, name in pinyin or pinyin initials, among those the viewer may see (the
"active-people" picker: those still active, for a new duty; the
"managed-people" picker: those of the official's own units); and the unit
picker of the lists' "org unit (and below)" filter, by name or code (the
"managed-org-units" picker: the open units an official files new records
under). A record's form keeps the people it credits whom the editor may not
see (`people_kept`)."""

from collections.abc import Iterable
from dataclasses import replace

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import (
    active_people_visible_to,
    open_units_managed_by,
    org_units_matching,
    org_units_visible_to,
    people_managed_by,
    people_matching,
    people_visible_to,
)
from core.pickers import Kept, PickerSource, register


def _label(person) -> str:
    unit = person.org_unit.name if person.org_unit_id else "—"
    return f"{person.full_name}（{person.employee_no} · {unit}）"


PEOPLE = register(
    PickerSource(
        name="people",
        scope=people_visible_to,
        search=people_matching,
        key_field="employee_no",
        label=_label,
        hint=_("Type a name, pinyin or number"),
    )
)


# Whom a new duty may name (accounts.selectors.active_people_visible_to).
register(replace(PEOPLE, name="active-people", scope=active_people_visible_to))
# The people of the official's own units (an honour names one of them).
register(replace(PEOPLE, name="managed-people", scope=people_managed_by))


ORG_UNITS = register(
    PickerSource(
        name="org-units",
        scope=org_units_visible_to,
        search=org_units_matching,
        key_field="code",
        label=lambda unit: f"{unit.name}（{unit.code}）",
        hint=_("Type a unit's name or code"),
    )
)

# Where an official files something new (accounts.selectors.open_units_managed_by).
register(replace(ORG_UNITS, name="managed-org-units", scope=open_units_managed_by))


def people_kept(user, credited: Iterable[User], *, names_readable: bool) -> Kept:
    """Those of `credited` (the people a record being edited names already)
    whom `user` may not see, kept on the record's form as its services keep
    them (accounts.services.people_checked): each shown by name where the
    record lets its reader read the names it credits (`names_readable`,
    docs/access.md), otherwise as someone already on the record; never their
    employee number or unit, which are not the reader's to see."""
    credited = list(credited)
    visible = set(
        people_visible_to(user)
        .filter(pk__in=[person.pk for person in credited])
        .values_list("pk", flat=True)
    )
    return Kept(
        records={str(person.pk): person for person in credited if person.pk not in visible},
        label=_named_kept if names_readable else _unnamed_kept,
    )


def _named_kept(person) -> str:
    return gettext("%(name)s (already on this record)") % {"name": person.full_name}


def _unnamed_kept(person) -> str:
    return gettext("Someone already on this record")
