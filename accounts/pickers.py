"""The people picker (core.pickers): a person is found by employee number,
name, name in pinyin or pinyin initials, among those the viewer may see."""

from accounts.selectors import people_matching, people_visible_to
from core.pickers import PickerSource, register


def _label(person) -> str:
    unit = person.org_unit.name if person.org_unit_id else "—"
    return f"{person.full_name}（{person.employee_no} · {unit}）"


register(
    PickerSource(
        name="people",
        scope=people_visible_to,
        search=people_matching,
        key_field="employee_no",
        label=_label,
    )
)
