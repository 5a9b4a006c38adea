"""Checks every achievements service starts with: who may write and which
people may be named (row locks: core.services.locked)."""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import people_checked
from core.services import ensure, shares_checked
from studios.models import Studio
from studios.selectors import studios_managed_by, studios_visible_to, studios_writable_by


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


def contributors_checked(
    rows: Sequence[tuple[User, Decimal]], by: User
) -> list[tuple[User, Decimal]]:
    """At least one contributor, each visible to the writer, shares adding to 100 %."""
    ensure(bool(rows), ValidationError({"contributors": _("Name at least one contributor.")}))
    people_checked([person for person, _share in rows], by, "contributors")
    shares = shares_checked([share for _person, share in rows], "contributors")
    return [(person, share) for (person, _sent), share in zip(rows, shares, strict=True)]
