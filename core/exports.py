"""Any list to Excel or CSV, as the viewer sees it (docs/api.md, "Exports").

A list's export is its API serializer's output for the rows the list shows
(filters and ordering applied), so the columns follow the same rules as the
screen: a field hidden from this viewer (a blind review's authors, a private
figure) is hidden in the file too. Each column is headed by the field's label
(Chinese by default) and a choice is written as its label, not its code; money
keeps two decimals, dates stay dates. The rows are read in chunks and written
as they come: CSV streams, XLSX is written in openpyxl's write-only mode to a
temporary file first (a workbook cannot be streamed), both in constant memory.

CSV is UTF-8 with a byte-order mark (Excel on Chinese Windows reads it), and a
text cell starting with `=`, `+`, `-` or `@` is neutralised with a leading
apostrophe in both formats, so a title typed as a formula is never run.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import serializers

FORMATS = ("xlsx", "csv")
# A worksheet's limit is 1,048,576 rows: a longer list is exported as CSV.
XLSX_MAX_ROWS = 1_000_000
FORMULA_STARTS = ("=", "+", "-", "@")
CHUNK = 500
# Fields a person filing the sheet has no use for: ids are the system's.
SKIPPED = {"id", "url"}
# Names under which a nested record (a person, a unit, a campaign) is shown.
NAMED_BY = ("full_name", "name", "title", "code")


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
        columns.append((shown, _header(serializer, name, field), fields[shown]))
    return columns


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


def _cell_value(value, field):
    """A serialized value as a spreadsheet cell: labels, names, dates, numbers."""
    if value is None or value == "":
        return ""
    if isinstance(field, serializers.MultipleChoiceField):
        labels = dict(field.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if isinstance(field, serializers.ListSerializer) or isinstance(value, list):
        return "、".join(str(_cell_value(item, None)) for item in value)
    if isinstance(value, dict):
        for key in NAMED_BY:
            if value.get(key):
                return value[key]
        return ""
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


def neutralised(value):
    """A cell's text as a spreadsheet must get it: without the control
    characters Excel refuses (a pasted soft break), and plain text where it
    would run as a formula. Every file the product writes goes through this."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_rows(queryset, serializer_class, context) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of `queryset` as `serializer_class` shows them
    to the request in `context`, read CHUNK rows at a time."""
    columns = columns_of(serializer_class(context=context))

    def rows() -> Iterator[list]:
        batch = []
        for record in queryset.iterator(chunk_size=CHUNK):
            batch.append(record)
            if len(batch) == CHUNK:
                yield from _serialized(batch)
                batch = []
        yield from _serialized(batch)

    def _serialized(batch) -> Iterable[list]:
        for data in serializer_class(batch, many=True, context=context).data:
            yield [neutralised(_cell_value(data.get(name), field)) for name, _h, field in columns]

    return [header for _n, header, _f in columns], rows()


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]):
    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(_plain(v) for v in row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def xlsx_response(filename: str, title: str, header: list[str], rows: Iterable[list]):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, text in enumerate(header):
        # Wide enough for the Chinese header (two units a character).
        sheet.column_dimensions[_letter(index)].width = max(10, min(40, 2 * len(text) + 2))
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # Deleted when closed, which FileResponse does once it is sent.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _xlsx_cell(sheet, value):
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def export_links(api_name: str, query) -> list[tuple[str, str]]:
    """(label, address) of the Excel and CSV exports of the API list `api_name`
    ("api:proposal") with the filters in `query` (a QueryDict: a repeated
    filter is kept whole)."""
    base = reverse(f"{api_name}-export")
    links = []
    for kind, label in (("xlsx", _("Export Excel")), ("csv", _("Export CSV"))):
        with_kind = query.copy()
        with_kind["as"] = kind
        links.append((label, f"{base}?{with_kind.urlencode()}"))
    return links


def export_filename(title: str, unit_name: str | None) -> str:
    """`五小提案_能源集团_2026-12-06`: what the office files it under."""
    parts = [title, unit_name, timezone.localdate().isoformat()]
    return "_".join(str(part) for part in parts if part)
