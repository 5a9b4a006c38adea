"""Problem and achievement pickers (core.pickers): found by a part of the
title, among those the viewer may see; typed without JavaScript by number."""

from django.utils.translation import gettext_lazy as _

from achievements.selectors import achievements_visible_to, problems_visible_to
from core.pickers import PickerSource, register


def titled(records, text: str):
    text = text.strip()
    if not text:
        return records.none()
    if text.isdigit():
        return records.filter(pk=int(text))
    return records.filter(title__contains=text)


def _label(record) -> str:
    return f"{record.title}（{record.studio.name} · {record.pk}）"


PROBLEMS = register(
    PickerSource(
        name="problems",
        scope=lambda user: problems_visible_to(user).select_related("studio"),
        search=titled,
        key_field="pk",
        label=_label,
        hint=_("Type words of the title or its number"),
    )
)
register(
    PickerSource(
        name="achievements",
        scope=lambda user: achievements_visible_to(user).select_related("studio"),
        search=titled,
        key_field="pk",
        label=_label,
        hint=_("Type words of the title or its number"),
    )
)
