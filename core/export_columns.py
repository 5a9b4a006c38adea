"""The columns and rows of a list's export (docs/api.md, "Exports"), read from
the database column by column rather than through the serializer row by row.

The list's serializer says what a reader sees of a record: its fields, their
labels, and, where that depends on the reader and the record, which fields
this reader may not see of this one (`hidden_fields(record)`, the rule its
`to_representation` applies too). Serializing a row costs about a millisecond
(DRF resolves every field of every row, nested ones and the access object
included), so an export of 100,000 rows cannot go through it. The export reads
those declarations once and turns each column into what the database hands
over directly:

- a model field, through foreign keys (`award.proposal.code`), or an annotation
  of the list's queryset: a column of one `values_list()` query, a choice as
  its label (`get_status_display`, or the model field's choices), money as
  Decimal with the field's places, a moment in local time (turned into it by
  PostgreSQL), a JSON list as its text (decoded once for each distinct text);
- a nested record (a person, a unit): its name (`author__full_name`), the one
  `cell_value` picks from the API's answer (NAMED_BY);
- a list of records (co-authors, a team): their names, as an array in the
  row's query on PostgreSQL, elsewhere one query a chunk;
- a method field: the source its serializer names in `Meta.export_sources`;
- anything else (a property, a JSON document, a list the viewset prefetches
  through a scope of its own, a method field without a source): the DRF field
  itself on the chunk's records, read once more. The slow way, for the few
  columns of short lists that need it.

Each row is then blanked where the serializer's `hidden_fields(row)` names a
column, `row` standing in for the record with its own columns and the
queryset's annotations (the access facts, core/access.py), or with only the
facts named in the serializer's `HIDING_FACTS` when its rule reads nothing
else, so the rule reads what it reads on a record. A serializer that changes
its answer in `to_representation` without declaring `hidden_fields` is
exported through the serializer row by row as before: an undeclared rule is
never skipped.
"""

import datetime
import json
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import (
    DateTimeField,
    Expression,
    F,
    Func,
    JSONField,
    OuterRef,
    Prefetch,
    TextField,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from core.access import column
from core.api.fields import ChoiceLabelField
from core.db import read_in_chunks

# Rows read at a time: a values_list() row is a small tuple, so a chunk may be
# long (each list column costs a query a chunk where it is not in the row's).
CHUNK = 2000
# Distinct JSON texts a column keeps the cell of (a proposal's goals: a few
# combinations of a few choices); past that each is decoded again.
JSON_CELLS = 1000
# Fields a person filing the sheet has no use for: ids are the system's.
SKIPPED = {"id", "url"}
# Names under which a nested record (a person, a unit, a campaign) is shown: a
# proposal by its code (its title may be withheld from a reader of the copy).
NAMED_BY = ("full_name", "name", "code", "title")
DISPLAY_SOURCE = re.compile(r"get_(\w+)_display")
# Serializer fields whose answer is their value as it is (or its label, its
# places, its local time): a column of these is read from the database. A
# subclass may answer otherwise, so the classes are matched exactly.
PLAIN_FIELDS = frozenset(
    {
        serializers.BooleanField,
        serializers.CharField,
        serializers.ChoiceField,
        serializers.DateField,
        serializers.DateTimeField,
        serializers.DecimalField,
        serializers.EmailField,
        serializers.FloatField,
        serializers.IntegerField,
        serializers.ListField,
        serializers.MultipleChoiceField,
        serializers.ReadOnlyField,
        serializers.SlugField,
        serializers.URLField,
        ChoiceLabelField,
    }
)


def columns_of(serializer) -> list[tuple[str, str, serializers.Field]]:
    """(name, header, field) of each column: the readable fields, a choice's
    `<name>_display` read in place of its code, ids left out."""
    fields = {name: f for name, f in serializer.fields.items() if not f.write_only}
    # A serializer may leave out more: `Meta.export_skip` (a flag for the screen).
    skipped = SKIPPED | set(getattr(getattr(serializer, "Meta", None), "export_skip", ()))
    columns = []
    for name, field in fields.items():
        if name in skipped or name.endswith(("_id", "_ids", "_display")) or _is_id(field):
            continue
        shown = f"{name}_display" if f"{name}_display" in fields else name
        column = _labelled(serializer, shown, fields[shown])
        columns.append((shown, _header(serializer, name, field), column))
    return columns


def _labelled(serializer, name: str, field):
    """`field`, or, where it answers a model field's choice as text (a
    recognition list's `level`), a choice field of the same source, so the
    file shows the label: a sheet for people shows no codes."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if type(field) is not serializers.CharField or model is None or field.source == "*":
        return field
    found = _model_field(model, field.source_attrs)
    if found is None or not found[1].choices:
        return field
    labelled = serializers.ChoiceField(
        choices=found[1].choices, source=field.source, label=field.label, read_only=True
    )
    labelled.bind(name, serializer)
    return labelled


def _is_id(field) -> bool:
    """A related record written as its id (a unit chosen by id): the file
    shows it by name in its own column (`org_unit_name`), or not at all."""
    if isinstance(field, serializers.ManyRelatedField):
        field = field.child_relation
    return isinstance(field, serializers.PrimaryKeyRelatedField)


def _header(serializer, name: str, field) -> str:
    """The field's label; a nested record's (no label of its own) is the model
    field's verbose name, so every header is in the reader's language."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if field.label is None or field.label == name.replace("_", " ").capitalize():
        try:
            # A computed field (source "*") is named after the model field it shows.
            model_field = model._meta.get_field(name if field.source == "*" else field.source)
        except (AttributeError, FieldDoesNotExist):  # not a model field
            model_field = None
        if model_field is not None and model_field.auto_created and model_field.is_relation:
            # A reverse relation (a proposal's co-authors): the records' plural.
            return str(model_field.related_model._meta.verbose_name_plural)
        if model_field is not None:
            return str(model_field.verbose_name)
    return str(field.label or name)


def cell_value(value, field):
    """A serialized value (the API's answer) as a spreadsheet cell: labels,
    names, dates, numbers. What a column read from the database holds too."""
    if value is None or value == "":
        return ""
    child = field.child if isinstance(field, serializers.ListField) else None
    if isinstance(child, serializers.ChoiceField):  # a list of choices (a studio's functions)
        field = serializers.MultipleChoiceField(choices=child.choices)
    if isinstance(field, serializers.MultipleChoiceField):
        labels = dict(field.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if isinstance(field, serializers.ListSerializer) or isinstance(value, list):
        return "、".join(str(cell_value(item, None)) for item in value)
    if isinstance(value, dict):
        return _named(value)
    if isinstance(field, serializers.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, serializers.BooleanField) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, serializers.DecimalField):
        return Decimal(value)
    if isinstance(field, serializers.DateTimeField):
        moment = datetime.datetime.fromisoformat(value)
        return timezone.localtime(moment).replace(tzinfo=None)
    if isinstance(field, serializers.DateField):
        return datetime.date.fromisoformat(value)
    return value


def _named(record: dict):
    """A nested record's name: its first NAMED_BY key that has a value, else
    the name of the record it nests (a co-author's person), else a label."""
    for key in NAMED_BY:
        if record.get(key):
            return record[key]
    for value in record.values():
        if isinstance(value, dict):
            return _named(value)
    for key, value in record.items():
        if key.endswith("_display"):
            return value
    return ""


class SameForEveryReader:
    """A serializer mixin: its `to_representation` only fills nested lists in
    (a campaign's criteria), and hides nothing from any reader, so a list's
    export may read its columns from the database."""

    def hidden_fields(self, record) -> tuple[str, ...]:
        return ()


# --- Reading the rows -----------------------------------------------------------------


def export_rows(queryset, serializer_class, context) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of `queryset` as `serializer_class` shows them
    to the request in `context`, read CHUNK rows at a time."""
    serializer = serializer_class(context=context)
    columns = columns_of(serializer)
    header = [header for _n, header, _f in columns]
    if declares_its_rules(serializer):
        return header, _ColumnReading(serializer, columns, queryset).rows()
    return header, _serialized_rows(queryset, serializer_class, context, columns)


def declares_its_rules(serializer) -> bool:
    """Whether every way the serializer's answer depends on the row is declared:
    it keeps DRF's `to_representation`, or names what it hides (`hidden_fields`)."""
    return hasattr(serializer, "hidden_fields") or (
        type(serializer).to_representation is serializers.Serializer.to_representation
    )


def _serialized_rows(queryset, serializer_class, context, columns) -> Iterator[list]:
    """The rows through the serializer, a chunk at a time: for a serializer
    whose answer depends on the row in ways it does not declare."""
    for batch in _batches(read_in_chunks(queryset, CHUNK)):
        for data in serializer_class(batch, many=True, context=context).data:
            yield [cell_value(data.get(name), field) for name, _h, field in columns]


def _batches(rows, size: int = CHUNK) -> Iterator[list]:
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


class _Row:
    """A row's values by name standing in for its record in a serializer's
    `hidden_fields`: the record's own columns and the queryset's annotations
    (the access facts) as attributes; anything else is missing, so
    `core.access.read_facts` falls back to its query rather than guess."""

    __slots__ = ("_values",)

    def __init__(self, values: dict):
        self._values = values

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


class _LocalTime(Func):
    """A moment as the wall-clock time of the zone named `zone` (PostgreSQL's
    `AT TIME ZONE`, a timestamp without zone): what `timezone.localtime` makes
    of it, without a zone lookup in Python for every cell (a tenth of an
    export's time)."""

    output_field = DateTimeField()

    def __init__(self, expression, zone: str):
        super().__init__(expression)
        self.zone = zone

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} AT TIME ZONE %s)", (*params, self.zone)


@dataclass(frozen=True)
class _Items:
    """A column listing related records by name: `name` of each `related`
    record whose `link` is a row's key, in the related model's ordering (as
    the answer's `.all()` lists them)."""

    related: type
    link: str
    name: str
    cell: Callable


class _ColumnReading:
    """The rows of `queryset` read column by column (the module's docstring)."""

    def __init__(self, serializer, columns, queryset):
        self.model = queryset.model
        self.queryset = queryset
        self.annotations = set(queryset.query.annotation_select)
        sources = getattr(getattr(serializer, "Meta", None), "export_sources", {})
        self.names = [name for name, _h, _f in columns]
        self.postgresql = connections[queryset.db].vendor == "postgresql"
        # Columns computed in SQL, by the name they are selected under.
        self.expressions: dict[str, Expression] = {}
        # Per column: a selected name and its cell, _Items, or the DRF field.
        self.readers = []
        for name, _header, field in columns:
            if isinstance(field, serializers.SerializerMethodField) and name in sources:
                field = serializers.ReadOnlyField(source=sources[name])
                field.bind(name, serializer)
            if isinstance(field, serializers.ListSerializer):
                reader = self._items(name, field)
            else:
                read = self._read(field, self.model, top=True)
                reader = field if read is None else self._selected(name, field, *read)
            self.readers.append(reader)
        lookups = {reader[0] for reader in self.readers if isinstance(reader, tuple)}
        self.hide = getattr(serializer, "hidden_fields", None)
        facts = getattr(serializer, "HIDING_FACTS", None)
        # The facts a rule reads, when they are all it reads of a row: rows
        # alike in them are hidden alike, so it runs once for each combination.
        self.hidden_by: list[str] | None = None
        self._known: dict[tuple, list[int]] = {}
        if self.hide is not None and facts is not None:
            # Only those facts (each is a subquery a row; one the queryset
            # lacks is read a row at a time by core.access.read_facts, slow
            # but never wrong, and then the rule runs on every row).
            wanted = {column(name) for name in ("read", *facts)}
            lookups |= wanted & self.annotations
            if wanted <= self.annotations:
                self.hidden_by = sorted(wanted)
        elif self.hide is not None:
            # Anything a rule may read of a record: its columns and annotations.
            lookups |= {f.attname for f in self.model._meta.concrete_fields} | self.annotations
        # Rows as tuples, the key first (core.db.read_in_chunks matches them by
        # it): building a dict a row was about a tenth of an export's time.
        self.selected = ["pk", *sorted(lookups - {"pk"} - self.expressions.keys())]
        self.selected += self.expressions
        self.position = {name: index for index, name in enumerate(self.selected)}
        # Related records, each read once: what select_related and the
        # viewset's prefetches fetch for the serializer.
        self.values = (
            queryset.prefetch_related(None).annotate(**self.expressions).values_list(*self.selected)
        )

    def _selected(self, name: str, field, lookup: str, cell, model_field) -> tuple[str, Callable]:
        """(selected name, cell) of a column read from `lookup`: a moment turned
        into local time and a JSON list left as text by the database, cheaper
        there than a conversion and a decoding for every cell here."""
        if (
            isinstance(field, serializers.DateTimeField)
            and isinstance(model_field, DateTimeField)
            and (zone := self._local_zone()) is not None
        ):
            return self._computed(name, _LocalTime(F(lookup), zone)), _as_is
        if isinstance(model_field, JSONField):  # a list (`_read` leaves documents out)
            return self._computed(name, Cast(lookup, TextField())), _decoded(cell, model_field)
        return lookup, cell

    def _local_zone(self) -> str | None:
        """The name of the current zone when PostgreSQL may convert to it."""
        zone = timezone.get_current_timezone()
        return zone.key if self.postgresql and isinstance(zone, zoneinfo.ZoneInfo) else None

    def _computed(self, name: str, expression) -> str:
        selected = f"exported_{name}"
        self.expressions[selected] = expression
        return selected

    def _read(self, field, model, *, top=False) -> tuple[str, Callable, object] | None:
        """(values() lookup, cell, model field or None) of `field` on `model`,
        or None when only the DRF field can read it."""
        if isinstance(field, serializers.BaseSerializer):
            if isinstance(field, serializers.ListSerializer) or not field.source_attrs:
                return None
            named = _naming_field(field)
            relation = _single_relation(model, field.source_attrs)
            if named is None or relation is None:
                return None
            path, related = relation
            read = self._read(named, related)
            return None if read is None else (f"{path}__{read[0]}", *read[1:])
        if type(field) not in PLAIN_FIELDS or field.source == "*":
            return None
        if isinstance(field, serializers.ListField) and type(field.child) not in PLAIN_FIELDS:
            return None
        attrs = field.source_attrs
        if top and len(attrs) == 1 and attrs[0] in self.annotations:
            return attrs[0], _cell_of(field, None), None
        found = _model_field(model, attrs)
        if found is None:
            return None
        lookup, model_field = found
        listed = isinstance(field, serializers.ListField | serializers.MultipleChoiceField)
        if isinstance(model_field, JSONField) and not listed:
            return None  # a document: only the field knows how to show it
        return lookup, _cell_of(field, model_field), model_field

    def _items(self, name: str, field) -> tuple[str, Callable] | _Items | serializers.Field:
        """A list of related records (co-authors) read by name: on PostgreSQL
        an array in the row's query, as COPY reads them (a query a chunk was a
        fifth of an export's time, most of it Django building its `IN` of
        2,000 keys), elsewhere _Items; or the DRF field when the viewset
        prefetches them through a scope of its own (a session's attendances,
        only those of pairings the reader sees)."""
        attrs = field.source_attrs
        try:
            relation = self.model._meta.get_field(attrs[0]) if len(attrs) == 1 else None
        except FieldDoesNotExist:  # a property (a patent's inventors in order)
            relation = None
        if relation is None or not (relation.many_to_many or relation.one_to_many):
            return field
        if _prefetched_through_scope(self.queryset, attrs[0]):
            return field
        child = field.child
        named = _naming_field(child) if isinstance(child, serializers.BaseSerializer) else child
        related = relation.related_model
        read = None if named is None else self._read(named, related)
        if read is None:
            return field
        # From the related record back to the row: the foreign key (a
        # co-author's proposal) or the many-to-many's other side.
        link = relation.field.name if relation.auto_created else relation.related_query_name()
        items = _Items(related, link, read[0], read[1])
        if not self.postgresql:
            return items
        names = (
            related._default_manager.filter(**{link: OuterRef("pk")})
            .order_by(*_ordering(related), "pk")
            .values(items.name)
        )
        return self._computed(name, ArraySubquery(names)), _joined(items.cell)

    def rows(self) -> Iterator[list]:
        blanked = self._blanked
        hidden_by = None if self.hidden_by is None else [self.position[n] for n in self.hidden_by]
        for batch in _batches(read_in_chunks(self.values, CHUNK)):
            readers = self._for_chunk([values[0] for values in batch])
            for values in batch:
                row = [cell(values[index]) for index, cell in readers]
                if self.hide is not None:
                    for index in blanked(values, hidden_by):
                        row[index] = ""
                yield row

    def _blanked(self, values: tuple, hidden_by: list[int] | None) -> list[int]:
        """The indexes of the columns the rule hides in this row."""
        if hidden_by is None:
            return self._hidden_in(values)
        key = tuple([values[index] for index in hidden_by])
        if key not in self._known:
            self._known[key] = self._hidden_in(values)
        return self._known[key]

    def _hidden_in(self, values: tuple) -> list[int]:
        hidden = self.hide(_Row(dict(zip(self.selected, values, strict=True))))
        return self._indexes(hidden)

    def _indexes(self, hidden) -> list[int]:
        return [index for index, name in enumerate(self.names) if name in hidden] if hidden else []

    def _for_chunk(self, keys: list) -> list[tuple[int, Callable]]:
        """(position in the row, cell) of each column for the rows `keys`: the
        lists and the DRF fields read once for the chunk, looked up by the
        row's key (first in the row)."""
        readers, records = [], None
        for reader in self.readers:
            if isinstance(reader, tuple):
                readers.append((self.position[reader[0]], reader[1]))
            elif isinstance(reader, _Items):
                readers.append((0, _looked_up(self._items_of(reader, keys))))
            else:
                if records is None:
                    records = {record.pk: record for record in self.queryset.filter(pk__in=keys)}
                cells = {key: _field_cell(reader, record) for key, record in records.items()}
                readers.append((0, _looked_up(cells)))
        return readers

    def _items_of(self, items: _Items, keys: list) -> dict:
        named: dict = {}
        rows = (
            items.related._default_manager.filter(**{f"{items.link}__in": keys})
            .order_by(items.link, *_ordering(items.related), "pk")
            .values_list(items.link, items.name)
        )
        for key, value in rows:
            if value is not None:
                named.setdefault(key, []).append(str(items.cell(value)))
        return {key: "、".join(names) for key, names in named.items()}


def _looked_up(cells: dict) -> Callable:
    return lambda key: cells.get(key, "")


def _ordering(model) -> list[str]:
    """The model's ordering, as its `.all()` lists its records (the terms
    that are names)."""
    return [term for term in model._meta.ordering if isinstance(term, str)]


def _joined(cell: Callable) -> Callable:
    """The cell of an array of related records' names."""
    return lambda names: "、".join([str(cell(n)) for n in names if n is not None]) if names else ""


def _decoded(cell: Callable, model_field: JSONField) -> Callable:
    """The cell of a JSON list read as its text: the text decoded and made a
    cell once, the next rows with the same text (most: a few choices in a
    few combinations) reusing it."""
    cells: dict[str, object] = {}

    def decoded(text):
        if text is None:
            return ""
        found = cells.get(text)
        if found is None:
            found = cell(json.loads(text, cls=model_field.decoder))
            if len(cells) < JSON_CELLS:
                cells[text] = found
        return found

    return decoded


def _field_cell(field, record):
    """The cell of one record's `field` as the serializer answers it."""
    try:
        attribute = field.get_attribute(record)
    except SkipField:
        return ""
    check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    return cell_value(None if check is None else field.to_representation(attribute), field)


def _naming_field(serializer) -> serializers.Field | None:
    """The field a nested record is named by (`_named` on the answer)."""
    fields = {name: f for name, f in serializer.fields.items() if not f.write_only}
    for key in NAMED_BY:
        if key in fields:
            return fields[key]
    for f in fields.values():
        if isinstance(f, serializers.Serializer):
            return f
    for name, f in fields.items():
        if name.endswith("_display"):
            return f
    return None


def _single_relation(model, attrs) -> tuple[str, type] | None:
    """(lookup, model) of a chain of foreign keys from `model`, or None."""
    path = []
    for attr in attrs:
        try:
            relation = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        if not (relation.many_to_one or relation.one_to_one):
            return None
        path.append(attr)
        model = relation.related_model
    return "__".join(path), model


def _model_field(model, attrs) -> tuple[str, object] | None:
    """(lookup, model field) of a DRF source on `model` through foreign keys;
    `get_<name>_display` reads the field <name> (its label, by its choices)."""
    found = _single_relation(model, attrs[:-1])
    if found is None:
        return None
    path, model = found
    last = attrs[-1]
    display = DISPLAY_SOURCE.fullmatch(last)
    try:
        model_field = model._meta.get_field(display.group(1) if display else last)
    except FieldDoesNotExist:  # a property
        return None
    if model_field.is_relation or not model_field.concrete:
        return None
    return f"{path}__{model_field.name}" if path else model_field.name, model_field


def _prefetched_through_scope(queryset, name: str) -> bool:
    return any(
        isinstance(lookup, Prefetch)
        and lookup.prefetch_through == name
        and lookup.queryset is not None
        and lookup.queryset.query.where
        for lookup in queryset._prefetch_related_lookups
    )


def _as_is(value):
    return "" if value is None else value


def _cell_of(field, model_field) -> Callable:
    """The cell of a database value, as `cell_value` makes it of the answer:
    a choice as its label, a list of choices as theirs, money with the
    field's places, a moment in local time, yes and no in words."""
    child = field.child if isinstance(field, serializers.ListField) else None
    if isinstance(field, serializers.MultipleChoiceField) or isinstance(
        child, serializers.ChoiceField
    ):
        labels = _labels(child or field)
        return lambda values: "、".join(str(labels.get(v, v)) for v in values) if values else ""
    if child is not None:
        return lambda values: "、".join(str(v) for v in values) if values else ""
    labels = _labels(field)
    if labels is None and type(field) is serializers.CharField and model_field is not None:
        # A choice answered as text (`get_grade_display` of a nested record), as `_labelled`.
        labels = {code: str(label) for code, label in model_field.flatchoices} or None
    if labels:
        return lambda value: "" if value is None or value == "" else labels.get(value, value)
    if isinstance(field, serializers.BooleanField):
        yes, no = _("Yes"), _("No")
        return lambda value: "" if value is None else yes if value else no
    if isinstance(field, serializers.DecimalField) and field.decimal_places is not None:
        places, rounding = Decimal(1).scaleb(-field.decimal_places), field.rounding
        return lambda value: "" if value is None else Decimal(value).quantize(places, rounding)
    if isinstance(field, serializers.DateTimeField):
        zone = timezone.get_current_timezone()
        return lambda value: "" if value is None else value.astimezone(zone).replace(tzinfo=None)
    if type(field) is serializers.ReadOnlyField:  # a method field's source: by its type
        return _by_type
    return _as_is


def _by_type(value):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return _as_is(value)


def _labels(field) -> dict | None:
    """{code: label} of a choice field, else None."""
    if isinstance(field, ChoiceLabelField):
        return {code: str(label) for code, label in field.labels.items()}
    if isinstance(field, serializers.ChoiceField):
        return {code: str(label) for code, label in field.choices.items()}
    return None
