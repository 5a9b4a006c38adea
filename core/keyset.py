"""Keyset (cursor) pages for the lists that reach millions of rows (docs/api.md).

A page is "the next n rows after this row" in the list's ordering, not "skip
k rows": the database seeks into the ordering's index and reads n rows, at
position 500,000 as fast as at the start, and a row added between two reads
neither repeats nor skips a row. The ordering may have several fields in any
directions (DRF's CursorPagination keys on the first one only); `id` is added
last when missing so every row has one place. NULLs sort last both ways, on
PostgreSQL and SQLite alike.

The count is exact up to `COUNT_CAP` rows and otherwise `COUNT_CAP` with
`capped=True`: counting a million visible rows on every page costs more than
the page.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext_lazy as _

COUNT_CAP = 10_000
# Up to this many visible rows a page is read by their ids (see keyset_page).
FEW = 1_000
KEY = "keyset_{}"
BAD_CURSOR = _("This cursor is not valid: follow the list's next and previous links.")


@dataclass(frozen=True)
class Key:
    field: str  # the ordering's field (or annotation) name
    descending: bool
    # Whether the column may hold NULL. Only then do the conditions mention
    # NULL: `created_at <= v OR created_at IS NULL` is no index condition, and
    # a page half a million rows down would walk the index to get there.
    nullable: bool = True


@dataclass
class KeysetPage:
    rows: list
    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def object_list(self) -> list:
        """The rows, under the name of Django's page (templates, tests)."""
        return self.rows

    @property
    def paginator(self) -> "KeysetPage":
        """A page by cursor is its own paginator: it carries the count."""
        return self

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def ordering_keys(queryset: QuerySet) -> list[Key]:
    """The queryset's ordering as keys, with the unique `id` last."""
    terms = list(queryset.query.order_by or queryset.model._meta.ordering)
    keys = []
    for term in terms:
        if isinstance(term, str):
            name, descending = term.lstrip("-"), term.startswith("-")
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            name, descending = term.expression.name, term.descending
        else:
            raise TypeError(f"a keyset ordering needs named fields, not {term!r}")
        name = "id" if name == "pk" else name
        # An annotation (a code hidden on some rows) may be NULL whatever its type says.
        nullable = name in queryset.query.annotations or _field(queryset, name).null
        keys.append(Key(name, descending, nullable))
    if not any(key.field == "id" for key in keys):
        keys.append(Key("id", keys[0].descending if keys else True, nullable=False))
    return keys[: next(i for i, key in enumerate(keys) if key.field == "id") + 1]


def _ordered(queryset: QuerySet, keys: list[Key], *, reverse: bool) -> QuerySet:
    """`queryset` with each key as a column `keyset_<i>` and ordered by them."""
    columns = {KEY.format(i): F(key.field) for i, key in enumerate(keys)}
    order = []
    for i, key in enumerate(keys):
        column = F(KEY.format(i))
        # NULLs last in the page's direction (first reading backwards). Only
        # where a NULL can be: a NOT NULL column keeps the plain ordering, which
        # is the one its index has.
        nulls = {}
        if key.nullable:
            nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        order.append(column.desc(**nulls) if key.descending != reverse else column.asc(**nulls))
    return queryset.annotate(**columns).order_by(*order)


def _after(keys: list[Key], values: list, *, reverse: bool) -> Q:
    """The rows that come after the row with `values` (before it, `reverse`)."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for i, (key, value) in enumerate(zip(keys, values, strict=True)):
        column = KEY.format(i)
        later = "lt" if key.descending != reverse else "gt"
        if value is None:
            # NULLs are last: after a NULL only NULLs come (in the next keys),
            # before it every non-NULL value.
            if reverse:
                condition |= equal_so_far & Q(**{f"{column}__isnull": False})
            equal_so_far &= Q(**{f"{column}__isnull": True})
            continue
        beyond = Q(**{f"{column}__{later}": value})
        if not reverse and key.nullable:
            beyond |= Q(**{f"{column}__isnull": True})
        condition |= equal_so_far & beyond
        equal_so_far &= Q(**{column: value})
    # A bound on the first key alone, redundant with the OR above, is what lets
    # the database start its index scan at the cursor.
    first, value = KEY.format(0), values[0]
    if value is not None:
        if reverse:
            condition &= Q(**{f"{first}__{'gte' if keys[0].descending else 'lte'}": value})
        else:
            bound = Q(**{f"{first}__{'lte' if keys[0].descending else 'gte'}": value})
            if keys[0].nullable:
                bound |= Q(**{f"{first}__isnull": True})
            condition &= bound
    return condition


def encode_cursor(values: list, *, reverse: bool) -> str:
    payload = json.dumps({"v": [_plain(v) for v in values], "r": reverse}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, queryset: QuerySet, keys: list[Key]) -> tuple[list, bool]:
    """The key values and direction of a cursor; ValidationError when it was not
    made by `encode_cursor` for this ordering."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        raw, reverse = payload["v"], bool(payload["r"])
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError
        values = [
            None if value is None else _field(queryset, key.field).to_python(value)
            for key, value in zip(keys, raw, strict=True)
        ]
    except (ValueError, TypeError, KeyError, binascii.Error, ValidationError) as exc:
        raise ValidationError({"cursor": BAD_CURSOR}) from exc
    return values, reverse


def keyset_page(queryset: QuerySet, *, size: int, cursor: str | None) -> KeysetPage:
    """One page of `queryset` in its ordering, starting after `cursor`."""
    keys = ordering_keys(queryset)
    values, reverse = decode_cursor(cursor, queryset, keys) if cursor else (None, False)
    # The ids of the visible rows, up to the cap: their number is the count, and
    # when they are few the page is read by their primary keys. Walking the
    # ordering's index only pays when the rows are many (it stops after a
    # page); for a team's official with a dozen rows among millions it would
    # read the whole index to find them.
    ids, count = _visible_ids(queryset)
    page = _ordered(queryset, keys, reverse=reverse)
    if count <= FEW:
        page = page.filter(pk__in=ids)
    if values is not None:
        page = page.filter(_after(keys, values, reverse=reverse))
    rows = list(page[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()

    def cursor_at(row, *, backwards: bool) -> str:
        return encode_cursor(
            [getattr(row, KEY.format(i)) for i in range(len(keys))], reverse=backwards
        )

    # Reading forwards there is more after when a row beyond the page came
    # back, and something before whenever we started from a cursor; reading
    # backwards, the other way round.
    has_next = more if not reverse else values is not None
    has_previous = (values is not None) if not reverse else more
    return KeysetPage(
        rows=rows,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        next_cursor=cursor_at(rows[-1], backwards=False) if rows and has_next else None,
        previous_cursor=cursor_at(rows[0], backwards=True) if rows and has_previous else None,
    )


def _visible_ids(queryset: QuerySet) -> tuple[list, int]:
    """The number of visible rows up to COUNT_CAP + 1 and, when they are no more
    than FEW, their ids, in one query: the database counts the capped ids, and
    only the few that a short list reads its page by cross to Python."""
    capped = queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1]
    try:
        sql, params = capped.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # `.none()` (a filter that cannot match): no query at all
        return [], 0
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One aggregate row. A window count (`COUNT(*) OVER ()`) kept every
            # capped row in a tuplestore and sent FEW + 1 of them to Python
            # whatever the count: 10 ms more than the count itself at 10,000
            # visible rows, the largest part of a long list's database time.
            cursor.execute(
                f"SELECT COUNT(*), CASE WHEN COUNT(*) <= {FEW} THEN array_agg(visible.id) END "
                f"FROM ({sql}) visible (id)",
                params,
            )
            count, ids = cursor.fetchone()
            return ids or [], count
        cursor.execute(
            f"SELECT visible.*, COUNT(*) OVER () FROM ({sql}) visible LIMIT {FEW + 1}", params
        )
        rows = cursor.fetchall()
    return [row[0] for row in rows], rows[0][1] if rows else 0


def _field(queryset: QuerySet, name: str):
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.get_field(name)


def _plain(value):
    """A key value as JSON: dates and times in ISO form, decimals as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
