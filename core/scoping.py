"""Helpers for "this unit and everything below it" filters.

Org units are a materialised-path tree: a unit's subtree is every unit whose path
starts with its path, one indexed range scan in the database. These helpers build
such filters for any model that reaches an org unit, without importing the
accounts app (core imports no app).
"""

from collections.abc import Iterable

from django.db.models import Q


def signed_in(user) -> bool:
    """A real, signed-in person (scoping functions answer nothing otherwise)."""
    return bool(getattr(user, "is_authenticated", False))


def within_paths(paths: Iterable[str], *, unit_field: str | None) -> Q:
    """Q matching rows whose org unit lies in any of the subtrees rooted at `paths`.

    `unit_field` is the lookup from the row to its org unit (``"org_unit"``,
    ``"studio__org_unit"``), or None when the rows are org units themselves.
    An empty `paths` matches nothing.
    """
    lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    query = Q(pk__in=[])
    for path in collapse_paths(paths):
        query |= Q(**{lookup: path})
    return query


def collapse_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by an ancestor in the list, so the SQL has as
    few OR branches as possible."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(ancestor) for ancestor in kept):
            kept.append(path)
    return kept
