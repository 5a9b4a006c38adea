"""One access object per record: everything the viewer may do with it, in one place.

Each app's selectors define, per record kind, the *facts* about a viewer and a
record as SQL conditions (``{"manages": Q(...), "blind": Q(...)}``) and a frozen
dataclass holding them (``ProposalAccess``). From those two things this module
gives:

- ``annotate_facts(queryset, facts)``: every fact as a boolean column, so a list
  knows each row's access in the same query that fetches the rows;
- ``read_facts(record, names, ...)``: the facts of one record, taken from those
  columns when the record came from such a list (no query, and the conditions
  are not even built: a page of 50 rows reads 50 access objects), else from one
  query against the viewer's scoped queryset.

Every field of an access object defaults to False, so a fact that nobody
computed means "no": hiding a field fails closed (docs/architecture.md).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

COLUMN_PREFIX = "access_"

# A fact is an SQL condition on the record's row, or a constant answer that does
# not depend on the row (a superuser's, or a stranger's).
Fact = Q | bool


def column(name: str) -> str:
    return f"{COLUMN_PREFIX}{name}"


def _as_expression(fact: Fact):
    if isinstance(fact, bool):
        return Value(fact, output_field=BooleanField())
    return ExpressionWrapper(fact, output_field=BooleanField())


def annotate_facts(queryset: QuerySet, facts: Mapping[str, Fact]) -> QuerySet:
    """Add each fact as a boolean column `access_<name>` to every row."""
    return queryset.annotate(**{column(name): _as_expression(f) for name, f in facts.items()})


def read_facts(
    record,
    names: Iterable[str],
    *,
    user,
    visible_to: Callable[..., QuerySet],
    facts_of: Callable[..., Mapping[str, Fact]],
) -> dict[str, bool]:
    """The facts `names` about one record: from its access columns when it has
    them all, else from one query on `visible_to(user)` (the viewer's scoped
    rows) with the conditions `facts_of(user)`. A record that is not in the
    viewer's scope gets every fact False."""
    names = list(names)
    if all(hasattr(record, column(name)) for name in names):
        return {name: bool(getattr(record, column(name))) for name in names}
    facts = facts_of(user)
    rows = annotate_facts(visible_to(user).filter(pk=record.pk), {n: facts[n] for n in names})
    # One row at most (by primary key): no ORDER BY, which `.first()` would add.
    values = rows.order_by().values(*(column(name) for name in names))[:1]
    row = next(iter(values), None)
    return {name: bool(row and row[column(name)]) for name in names}


@dataclass(frozen=True)
class RecordAccess:
    """Base of every access object: `read` is whether the viewer sees the record
    at all; the subclasses add their own facts, all False unless computed."""

    read: bool = False

    @classmethod
    def fact_names(cls) -> list[str]:
        return [field.name for field in fields(cls)]
