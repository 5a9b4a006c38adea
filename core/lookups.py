"""`<field>__in_ids=<queryset>`: membership in a subquery's ids, written so that
PostgreSQL can answer it from an index.

`IN (subquery)` inside an OR is a subplan checked on every row of the table (a
hashed one while the ids fit in work_mem, a rescan of the whole subquery per
row once they do not: the reviews list never answered at a million
proposals). `= ANY(ARRAY(subquery))` runs the subquery once, before the scan,
and its array is an index condition, so an OR of such rules becomes a BitmapOr
of index scans that reads only the rows it returns. Other databases get the
plain `IN`."""

from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class AnyOfArray:
    lookup_name = "in_ids"

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql" and not self.rhs_is_direct_value():
            return f"= ANY(ARRAY{rhs})"
        return super().get_rhs_op(connection, rhs)


@Field.register_lookup
class InIds(AnyOfArray, In):
    pass


@ForeignObject.register_lookup
class RelatedInIds(AnyOfArray, RelatedIn):
    pass
