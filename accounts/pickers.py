"""The people picker (core.pickers): a person is found by employee number,
name, name in pinyin or pinyin initials, among those the viewer may see (the
"active-people" picker: those still active, for a new duty; the
"managed-people" picker: those of the official's own units); and the unit
picker of the lists' "org unit (and below)" filter, by name or code (the
"managed-org-units" picker: the open units an official files new records
under)."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from accounts.selectors import (
    active_people_visible_to,
    open_units_managed_by,
    org_units_matching,
    org_units_visible_to,
    people_managed_by,
    people_matching,
    people_visible_to,
)
from core.pickers import PickerSource, register


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
