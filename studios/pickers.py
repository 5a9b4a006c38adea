"""The studio picker (core.pickers): a studio is found by the start of its
code or a part of its name, among those the viewer may see (the
"nameable-studios" picker: those an official may place on a recognition list,
as `honour_create` takes them). A studio's membership form picks its new
member, found as the people picker finds a person, among those
`membership_add` takes (`/pickers/studio-newcomers/<studio id>/?q=`)."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.pickers import PEOPLE
from core.pickers import PickerSource, register, register_for_record
from studios.models import Studio
from studios.selectors import (
    newcomers_offered,
    studio_access,
    studios_nameable_by,
    studios_visible_to,
)


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
        hint=_("Type a studio's name or code"),
    )
)

# What an honour may name (studios.selectors.studios_nameable_by).
register(replace(STUDIOS, name="nameable-studios", scope=studios_nameable_by))


def _joined(user, studio_id: int) -> Studio:
    """A studio whose members `user` adds, as `membership_add` checks it: 404
    if they cannot see it, 403 if they see it but neither manage nor lead it."""
    studio = get_object_or_404(studios_visible_to(user), pk=studio_id)
    if not studio_access(user, studio).edits:
        raise PermissionDenied
    return studio


register_for_record(PEOPLE, "studio-newcomers", _joined, newcomers_offered)
