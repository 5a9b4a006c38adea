"""Checks every achievements service starts with: who may write, which
people may be named, and row locks."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import people_visible_to
from core.services import ensure
from studios.models import Studio
from studios.selectors import studios_managed_by, studios_visible_to, studios_writable_by

HUNDRED = Decimal(100)


def ensure_writes_to(studio: Studio, by: User) -> None:
    """For a new record: 404 if the studio is invisible, 403 if visible but not
    writable."""
    if not studios_writable_by(by).filter(pk=studio.pk).exists():
        if not studios_visible_to(by).filter(pk=studio.pk).exists():
            raise Http404
        raise PermissionDenied


def ensure_may_change(record, by: User) -> None:
    """For a record the person can already see: 403 unless they may write to
    its studio (a public record's reader is not its writer)."""
    ensure(studios_writable_by(by).filter(pk=record.studio_id).exists(), PermissionDenied())


def ensure_official_over(studio: Studio, by: User) -> None:
    ensure(studios_managed_by(by).filter(pk=studio.pk).exists(), PermissionDenied())


def people_checked(people: Iterable[User], by: User, field: str) -> list[User]:
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


def contributors_checked(
    rows: Sequence[tuple[User, Decimal]], by: User
) -> list[tuple[User, Decimal]]:
    """At least one contributor, each visible to the writer, shares adding to 100 %."""
    ensure(bool(rows), ValidationError({"contributors": _("Name at least one contributor.")}))
    people_checked([person for person, _share in rows], by, "contributors")
    shares = [Decimal(share) for _person, share in rows]
    ensure(
        all(Decimal(0) < share <= HUNDRED for share in shares),
        ValidationError({"contributors": _("Each share is more than 0 and at most 100.")}),
    )
    total = sum(shares, Decimal(0))
    ensure(
        total == HUNDRED,
        ValidationError(
            {"contributors": _("The shares add up to %(total)s %%, not 100 %%.") % {"total": total}}
        ),
    )
    return [(person, Decimal(share)) for person, share in rows]


def locked(queryset, pk: int):
    """Row-lock a record the writer may see; 404 otherwise."""
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return type(record).objects.select_for_update().get(pk=pk)
