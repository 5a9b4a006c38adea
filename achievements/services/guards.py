"""Checks every achievements service starts with: who may write and which
people may be named (row locks: core.services.locked)."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import people_checked
from achievements.models import Achievement, Patent, TechnicalProblem
from achievements.selectors import (
    AchievementAccess,
    PatentAccess,
    ProblemAccess,
    achievement_access,
    patent_access,
    problem_access,
)
from core.services import ensure, shares_checked
from studios.models import Studio
from studios.selectors import StudioAccess, studio_access

# Each kind of record this app writes, with the function that says what a
# person may do with one.
ACCESS_BY_MODEL = {
    TechnicalProblem: problem_access,
    Achievement: achievement_access,
    Patent: patent_access,
}


def ensure_writes_to(studio: Studio, by: User) -> StudioAccess:
    """For a new record: 404 if the studio is invisible, 403 if visible but not
    writable. Returns what `by` may do with the studio."""
    access = studio_access(by, studio)
    if not access.writes_records:
        raise PermissionDenied if access.read else Http404
    return access


def ensure_may_change(record, by: User) -> ProblemAccess | AchievementAccess | PatentAccess:
    """For a record the person can already see: 403 unless they may write it
    (a public record's reader is not its writer). Returns the record's access."""
    access = ACCESS_BY_MODEL[type(record)](by, record)
    ensure(access.edits, PermissionDenied())
    return access


def contributors_checked(
    rows: Sequence[tuple[User, Decimal]], by: User, credited: Iterable[int] = ()
) -> list[tuple[User, Decimal]]:
    """At least one contributor, each visible to the writer or already
    `credited` (on an update: `people_checked`), shares adding to 100 %."""
    ensure(bool(rows), ValidationError({"contributors": _("Name at least one contributor.")}))
    people_checked([person for person, _share in rows], by, "contributors", credited=credited)
    shares = shares_checked([share for _person, share in rows], "contributors")
    return [(person, share) for (person, _sent), share in zip(rows, shares, strict=True)]
