"""Checks every studio service starts with: rights, scope and row locks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import (
    active_people_visible_to,
    is_official,
    people_visible_to,
)
from core.services import ensure, locked
from studios.models import Studio
from studios.selectors import studio_access, studios_visible_to


def ensure_official(by: User) -> None:
    ensure(is_official(by), PermissionDenied())


def ensure_person_visible(person: User, by: User, field: str) -> None:
    ensure(
        people_visible_to(by).filter(pk=person.pk).exists(),
        ValidationError({field: _("This person is outside your scope.")}),
    )


def ensure_person_active(person: User, by: User, field: str) -> None:
    """Someone `by` gives a new duty (a studio's new leader): one they may see
    who is still active (`active_people_visible_to`, what the `active-people`
    picker offers), since a deactivated person can no longer sign in to do it;
    otherwise a 400 on `field` saying why."""
    if not active_people_visible_to(by).filter(pk=person.pk).exists():
        # The offer decides; say which of its rules the person fails.
        ensure_person_visible(person, by, field)
        raise ValidationError(
            {field: _("%(name)s is no longer active") % {"name": person.full_name}}
        )


def locked_studio(studio_id: int, by: User) -> Studio:
    """The studio, row-locked, if `by` may see it; 404 otherwise."""
    return locked(studios_visible_to(by), studio_id)


def ensure_manages(studio: Studio, by: User) -> None:
    ensure(studio_access(by, studio).manages, PermissionDenied())


def ensure_manages_or_leads(studio: Studio, by: User) -> None:
    ensure(studio_access(by, studio).edits, PermissionDenied())
