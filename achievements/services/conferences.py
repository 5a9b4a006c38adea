"""Promotion conferences (成果推广会) and what they displayed."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import org_units_managed_by, user_scope
from achievements.models import Achievement, PromotionConference
from achievements.selectors import achievements_visible_to, conferences_managed_by
from core.scoping import within_paths
from core.services import ensure


@transaction.atomic
def conference_create(
    *, by: User, name: str, held_on: datetime.date, organiser: OrgUnit, description: str = ""
) -> PromotionConference:
    scope = user_scope(by)
    ensure(scope.is_official or scope.is_superuser, PermissionDenied())
    managed = OrgUnit.objects.filter(within_paths(scope.official_paths, unit_field=None))
    ensure(
        scope.is_superuser or managed.filter(pk=organiser.pk).exists(),
        ValidationError({"organiser": _("This unit is outside the units you manage.")}),
    )
    conference = PromotionConference(
        name=name, held_on=held_on, organiser=organiser, description=description
    )
    conference.full_clean()
    conference.save()
    return conference


@transaction.atomic
def conference_show_achievements(
    *, conference_id: int, by: User, achievements: Iterable[Achievement]
) -> PromotionConference:
    """Add achievements to what the conference displayed (idempotent)."""
    conference = conferences_managed_by(by).select_for_update().filter(pk=conference_id).first()
    if conference is None:
        ensure(
            not PromotionConference.objects.filter(pk=conference_id).exists(), PermissionDenied()
        )
        raise Http404
    chosen = {a.pk for a in achievements}
    visible = set(achievements_visible_to(by).filter(pk__in=chosen).values_list("pk", flat=True))
    ensure(
        chosen <= visible,
        ValidationError({"achievements": _("Some achievements are outside your scope.")}),
    )
    conference.achievements.add(*chosen)
    return conference


def _managed_conference(conference_id: int, by: User) -> PromotionConference:
    """The conference, row-locked, if `by` runs it; 403 if only visible, 404 if absent."""
    conference = conferences_managed_by(by).select_for_update().filter(pk=conference_id).first()
    if conference is None:
        ensure(
            not PromotionConference.objects.filter(pk=conference_id).exists(), PermissionDenied()
        )
        raise Http404
    return conference


@transaction.atomic
def conference_update(*, conference_id: int, by: User, **changes) -> PromotionConference:
    """Correct a conference's name, date, organiser or description."""
    conference = _managed_conference(conference_id, by)
    unknown = set(changes) - {"name", "held_on", "organiser", "description"}
    ensure(
        not unknown,
        ValidationError(
            _("Not editable here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if "organiser" in changes:
        ensure(
            org_units_managed_by(by).filter(pk=changes["organiser"].pk).exists(),
            ValidationError({"organiser": _("This unit is outside the units you manage.")}),
        )
    for field, value in changes.items():
        setattr(conference, field, value)
    conference.full_clean()
    conference.save()
    return conference


@transaction.atomic
def conference_hide_achievements(
    *, conference_id: int, by: User, achievements: Iterable[Achievement]
) -> PromotionConference:
    """Take achievements off what the conference displayed (a listing mistake)."""
    conference = _managed_conference(conference_id, by)
    conference.achievements.remove(*[a.pk for a in achievements])
    return conference
