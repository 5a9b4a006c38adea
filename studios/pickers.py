"""The studio picker (core.pickers): a studio is found by the start of its
code or a part of its name, among those the viewer may see (the
"nameable-studios" picker: those an official may place on a recognition list,
as `honour_create` takes them)."""

from dataclasses import replace

from django.db.models import Q

from core.pickers import PickerSource, register
from studios.selectors import studios_nameable_by, studios_visible_to


def studios_matching(studios, text: str):
    text = text.strip()
    if not text:
        return studios.none()
    return studios.filter(Q(code__istartswith=text) | Q(name__contains=text))


STUDIOS = register(
    PickerSource(
        name="studios",
        scope=studios_visible_to,
        search=studios_matching,
        key_field="code",
        label=lambda studio: f"{studio.name}（{studio.code}）",
    )
)

# What an honour may name (studios.selectors.studios_nameable_by).
register(replace(STUDIOS, name="nameable-studios", scope=studios_nameable_by))
