"""Naming shares: how much of a recognition list is ours, computed from the
honours, never typed."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)

from accounts.models import OrgUnit
from core.numbers import percent
from core.scoping import within_paths
from studios.models import Honour, RecognitionList


@dataclass(frozen=True)
class Share:
    ours: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """Our share of the list in per cent, one decimal (6 of 28 → 21.4)."""
        return percent(self.ours, self.total)


def honour_counts_q(prefix: str = "", list_year: F | None = None) -> Q:
    """A studio's honour that still counts in its list's figures (shares, the
    dashboard's named studios, the honour roll, the directory's "year named").
    A revoked honour (摘牌: its studio de-listed or revoked by hand, both through
    `studios.services.naming.studio_honours_revoke`) counts in the years before
    its revocation and no longer from that year on. `prefix` leads from the row
    to the honour, `list_year` to its list's year."""
    if list_year is None:
        list_year = F(f"{prefix}recognition_list__year")
    return Q(**{f"{prefix}revoked_on__isnull": True}) | Q(
        **{f"{prefix}revoked_on__year__gt": list_year}
    )


def _ours_q(unit: OrgUnit | None, prefix: str = "honours__") -> Q:
    """Honours of ours: a studio or a person of `unit`'s subtree (the whole group
    when None). A list names studios or people (May Day medals, craftsmen), and
    its `total_named` counts whichever it names, so both count."""
    # A studio that lost its plaque no longer counts as ours from that year on
    # (honour_counts_q).
    # A person keeps a medal when they move or leave: they count in their unit.
    list_year = F("year") if prefix else F("recognition_list__year")
    studio = Q(**{f"{prefix}studio__isnull": False}) & honour_counts_q(prefix, list_year)
    person = Q(**{f"{prefix}person__isnull": False})
    if unit is not None:
        studio &= within_paths([unit.path], unit_field=f"{prefix}studio__org_unit")
        person &= within_paths([unit.path], unit_field=f"{prefix}person__org_unit")
    return studio | person


def recognition_lists_with_share(lists: QuerySet, unit: OrgUnit | None) -> QuerySet:
    """Annotate each list with `ours`: how many of the studios or people it
    names lie in `unit`'s subtree (the whole group when None). One aggregate
    query, no Python loop."""
    annotated = lists.annotate(ours=Count("honours", filter=_ours_q(unit)))
    # An aggregate drops Meta.ordering; keep the lists' natural order for paging.
    if annotated.query.order_by:
        return annotated
    return annotated.order_by(*RecognitionList._meta.ordering)


def list_share(recognition_list: RecognitionList, unit: OrgUnit | None) -> Share:
    ours = Honour.objects.filter(recognition_list=recognition_list).filter(_ours_q(unit, prefix=""))
    return Share(ours=ours.count(), total=recognition_list.total_named)


def shares_by_level_and_year(unit: OrgUnit | None, *, year: int | None = None) -> list[dict]:
    """Per level and year: our studios and people on the lists and the lists' totals.

    The total is summed over lists (a subquery per group would double count with
    the honours join), so it is computed in a second aggregate and merged.
    """
    lists = RecognitionList.objects.order_by()
    if year is not None:
        lists = lists.filter(year=year)
    totals = {
        (row["level"], row["year"]): row["total"]
        for row in lists.values("level", "year").annotate(total=Sum("total_named"))
    }
    ours = {
        (row["level"], row["year"]): row["ours"]
        for row in lists.values("level", "year").annotate(
            ours=Count("honours", filter=_ours_q(unit))
        )
    }
    labels = dict(RecognitionList.Level.choices)
    level_order = list(RecognitionList.Level.values)
    rows = [
        {
            "level": level,
            "level_display": labels[level],
            "year": list_year,
            "share": Share(ours=ours.get((level, list_year), 0), total=total),
        }
        for (level, list_year), total in totals.items()
    ]
    return sorted(rows, key=lambda row: (-row["year"], -level_order.index(row["level"])))
