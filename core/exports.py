"""Any list to Excel or CSV, as the viewer sees it (docs/api.md, "Exports").

A list's export is what its API serializer shows of the rows the list shows
(filters and ordering applied), so the columns follow the same rules as the
screen: a field hidden from this viewer (a blind review's authors, a private
figure) is hidden in the file too. Each column is headed by the field's label
(Chinese by default) and a choice is written as its label, not its code; money
keeps two decimals, dates stay dates. The rows are read from the database
column by column, from the serializer's declarations (core/export_columns.py),
in chunks, and written as they come: CSV streams, XLSX is written in openpyxl's
write-only mode to a temporary file first (a workbook cannot be streamed), both
in constant memory; a workbook answered directly has the same title block as
one built in the background (`title_block`).

CSV is UTF-8 with a byte-order mark (Excel on Chinese Windows reads it), and a
text cell starting with `=`, `+`, `-` or `@` is neutralised with a leading
apostrophe in both formats, so a title typed as a formula is never run.

The same two writers (`csv_lines`, `write_sheet`) write the report runs' files
(reports/builders.py), so a list's export and a report look and read alike.
"""

import csv
import datetime
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.downloads import private_file_download, private_stream_download

FORMATS = ("xlsx", "csv")
# A worksheet's limit is 1,048,576 rows: a longer list is exported as CSV.
XLSX_MAX_ROWS = 1_000_000
FORMULA_STARTS = ("=", "+", "-", "@")


def neutralised(value):
    """A cell's text as a spreadsheet must get it: without the control
    characters Excel refuses (a pasted soft break), and plain text where it
    would run as a formula. Every file the product writes goes through this."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # every refused character is a control character
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Sequence, rows: Iterable[list]) -> Iterator[str]:
    """A CSV file line by line: the byte-order mark, the header, the rows, each
    cell neutralised; no title block and no totals, so the file imports as data."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([str(text) for text in header])
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row])


def csv_response(filename: str, header: list[str], rows: Iterable[list]):
    """The rows as a CSV download, streamed."""
    return private_stream_download(
        csv_lines(header, rows), filename=f"{filename}.csv", content_type="text/csv; charset=utf-8"
    )


def _csv_text(value):
    """A cell as CSV writes it: text neutralised, numbers and moments as
    `_plain` writes them (text, the most common, is tested first)."""
    return neutralised(value) if isinstance(value, str) else _plain(value)


def _plain(value):
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.datetime):
        # 2026-12-06 14:05 (any offset cut), quicker than strftime
        return value.isoformat(" ", "minutes")[:16]
    return value


# --- Workbooks -------------------------------------------------------------------------
#
# Every workbook the product writes (a list's export, a report run's sheets) goes
# through `write_sheet`: an optional title block, a bold header row frozen under
# it, columns as wide as their Chinese text, numbers in their formats, a totals
# row for the columns that add up, an auto-filter over the table.

COUNT_FORMAT = "#,##0"
YUAN_FORMAT = "#,##0.00"
# One or two decimals, as the figures have them (21.4 %, a share of 33.33 %).
PERCENT_FORMAT = "0.0#%"
YEAR_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# The rows read before the header is written, to size the columns: a
# write-only sheet takes its widths before its first row.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 50
# Characters Excel refuses in a sheet's name.
SHEET_TITLE_REFUSED = re.compile(r"[\\/*?:\[\]]")
# Between the facts of one title line (单位：A 公司　　年度：2026).
FACT_GAP = "\u3000\u3000"

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_BORDER = Border(bottom=Side(style="thin"))
TOTALS_BORDER = Border(top=Side(style="thin"))


class Percent(Decimal):
    """A percentage as the product computes it (21.4 for 21.4 %, core.numbers).
    A workbook stores the fraction Excel formats as a percentage (0.214, shown
    21.4%); a CSV writes the figure as it is."""


@dataclass(frozen=True)
class Column:
    """A header that says more about its column than its text: a number format
    for every number in it (a year is not a count), and whether the column adds
    up into the totals row. A plain string header is formatted by value type."""

    header: str
    number_format: str | None = None
    sums: bool = False

    def __str__(self) -> str:
        return str(self.header)


def title_block(
    report: str,
    *,
    unit: str | None,
    year: int,
    generated_at: datetime.datetime,
    requested_by: str,
    campaign: str | None = None,
) -> list[str]:
    """The title block of a sheet, a report run's or a list's exported
    directly alike: the report (and its section), the unit, the year (and the
    campaign), when it was generated and for whom."""
    where = [(_("Unit"), unit)] if unit else []
    where.append((_("Year"), year))
    if campaign:
        where.append((_("Campaign"), campaign))
    return [
        report,
        heading_line(*where),
        heading_line((_("Generated at"), generated_at), (_("Requested by"), requested_by)),
    ]


def list_title_block(title: str, *, unit: str | None, requested_by: str) -> list[str]:
    """The title block of a list's workbook (`列表导出 · 五小提案`), generated now:
    the one its background run writes too (a report run of kind list_export)."""
    return title_block(
        f"{_('List export')} · {title}",
        unit=unit,
        year=timezone.localdate().year,
        generated_at=timezone.now(),
        requested_by=requested_by,
    )


def heading_line(*facts: tuple[str, object]) -> str:
    """One line of a title block: `单位：A 公司　　年度：2026`."""
    return FACT_GAP.join(
        _("%(label)s: %(value)s") % {"label": label, "value": _fact_text(value)}
        for label, value in facts
    )


def _fact_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def write_sheet(
    workbook: Workbook,
    title: str,
    header: Sequence,
    rows: Iterable[list],
    *,
    heading: Sequence[str] = (),
) -> None:
    """Append a sheet to a write-only `workbook`: `heading` (the title block,
    its first line in large bold), then the header row, frozen, then `rows`, then
    a totals row if a `Column` of the header sums. Rows stream through: only the
    first WIDTH_SAMPLE_ROWS are held, to size the columns."""
    sheet = workbook.create_sheet(SHEET_TITLE_REFUSED.sub(" ", str(title))[:31])
    columns = [text if isinstance(text, Column) else Column(str(text)) for text in header]
    rows = ([neutralised(value) for value in row] for row in rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(_widths(columns, sample)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    header_row = len(heading) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    for number, line in enumerate(heading):
        sheet.append([_styled(sheet, line, font=TITLE_FONT if number == 0 else None)])
    sheet.append(
        [
            _styled(
                sheet,
                neutralised(column.header),
                font=HEADER_FONT,
                fill=HEADER_FILL,
                border=HEADER_BORDER,
            )
            for column in columns
        ]
    )
    summed = [index for index, column in enumerate(columns) if column.sums]
    totals = dict.fromkeys(summed, 0)
    last_row = header_row
    for row in chain(sample, rows):
        for index in summed:
            if isinstance(row[index], int | Decimal):
                totals[index] += row[index]
        sheet.append(
            [_xlsx_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)]
        )
        last_row += 1
    if columns:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_row}"
    if summed:
        sheet.append(_totals_row(sheet, columns, totals))


def _totals_row(sheet, columns: list[Column], totals: dict[int, int | Decimal]) -> list:
    """合计 under the first column, each summed column's total in its format."""
    cells = []
    for index, column in enumerate(columns):
        if index in totals:
            cell = WriteOnlyCell(sheet, value=totals[index])
            cell.number_format = _number_format(totals[index], column)
        else:
            cell = WriteOnlyCell(
                sheet, value=pgettext("totals row", "Total") if index == 0 else None
            )
        cell.font, cell.border = HEADER_FONT, TOTALS_BORDER
        cells.append(cell)
    return cells


def _styled(sheet, value, *, font=None, fill=None, border=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    return cell


def _widths(columns: list[Column], sample: list[list]) -> list[float]:
    """Each column as wide as its header and the sampled cells, a CJK character
    counting as two (Excel's width unit is one Latin digit)."""
    widths = []
    for index, column in enumerate(columns):
        texts = [_display_width(str(column.header)) + 2]  # bold, and the filter's button
        texts += [_display_width(_shown(row[index], column)) for row in sample if index < len(row)]
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, max(texts) + 2)))
    return widths


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value, column: Column) -> str:
    """The text Excel shows for a cell, near enough to size its column."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value}%"
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return _plain(value) if isinstance(value, datetime.datetime) else str(value)
    if column.number_format == YEAR_FORMAT:
        return str(value)
    return f"{value:,.2f}" if isinstance(value, Decimal | float) else f"{value:,}"


def xlsx_response(
    filename: str, title: str, header: list[str], rows: Iterable[list], *, heading=()
):
    """The rows as a one-sheet workbook download, `heading` its title block."""
    workbook = Workbook(write_only=True)
    write_sheet(workbook, title, header, rows, heading=heading)
    # Deleted when closed, which the response does once it is sent.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return private_file_download(
        file,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _xlsx_cell(sheet, value, column: Column | None = None):
    """A value as a typed cell: a count, money, a percentage or a date in its
    format (the column's, when it names one); text as it is, and no cell at
    all for an empty one (each written cell costs the writer its time)."""
    if isinstance(value, str):
        return value or None
    number_format = _number_format(value, column)
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value / 100 if isinstance(value, Percent) else value)
    cell.number_format = number_format
    return cell


def _number_format(value, column: Column | None) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | datetime.date):
        return None
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if column is not None and column.number_format:
        return column.number_format
    return COUNT_FORMAT if isinstance(value, int) else YUAN_FORMAT


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
