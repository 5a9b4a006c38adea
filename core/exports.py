"""Any list to Excel or CSV, as the viewer sees it (docs/api.md, "Exports").

A list's export is what its API serializer shows of the rows the list shows
(filters and ordering applied), so the columns follow the same rules as the
screen: a field hidden from this viewer (a blind review's authors, a private
figure) is hidden in the file too. Each column is headed by the field's label
(Chinese by default) and a choice is written as its label, not its code; money
keeps two decimals, dates stay dates. The rows are read from the database
column by column, from the serializer's declarations (core/export_columns.py),
in chunks, and written as they come: CSV streams, XLSX is written by XlsxWriter
in its constant-memory mode to a temporary file first (a workbook cannot be
streamed), both in constant memory; a workbook answered directly has the same
title block as one built in the background (`title_block`).

CSV is UTF-8 with a byte-order mark (Excel on Chinese Windows reads it), and a
text cell starting with `=`, `+`, `-` or `@` is neutralised with a leading
apostrophe in both formats, so a title typed as a formula is never run.

The same two writers (`csv_lines`, `write_sheet` in a `workbook_to`) write the
report runs' files (reports/builders.py), so a list's export and a report look
and read alike.
"""

import csv
import datetime
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape as xml_escape

import xlsxwriter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.downloads import private_file_download, private_stream_download

FORMATS = ("xlsx", "csv")
# A worksheet's limit is 1,048,576 rows: a longer list is exported as CSV.
XLSX_MAX_ROWS = 1_000_000
FORMULA_STARTS = ("=", "+", "-", "@")
# The characters XML 1.0 refuses (the control characters but tab and the line
# breaks, and the two non-characters): Excel refuses a workbook with one.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralised(value):
    """A cell's text as a spreadsheet must get it: without the control
    characters Excel refuses (a pasted soft break), and plain text where it
    would run as a formula. Every file the product writes goes through this."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # no refused character is printable
        value = ILLEGAL_CHARACTERS.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Sequence, rows: Iterable[list]) -> Iterator[str]:
    """A CSV file line by line: the byte-order mark, the header, the rows, each
    cell neutralised; no title block and no totals, so the file imports as data."""
    writerow = csv.writer(_Echo()).writerow
    yield "\ufeff"
    yield writerow([str(text) for text in header])
    for row in rows:
        # Most cells are text with nothing to neutralise, kept without a call
        # each (a call a cell was a third of the writing).
        yield writerow(
            [
                value
                if value.__class__ is str
                and value.isprintable()
                and not value.startswith(FORMULA_STARTS)
                else _csv_text(value)
                for value in row
            ]
        )


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
# Every workbook the product writes (a list's export, a report run's sheets) is
# opened by `workbook_to` and gets its sheets from `write_sheet`: an optional
# title block, a bold header row frozen under it, columns as wide as their
# Chinese text, numbers in their formats, a totals row for the columns that add
# up, an auto-filter over the table.

COUNT_FORMAT = "#,##0"
YUAN_FORMAT = "#,##0.00"
# One or two decimals, as the figures have them (21.4 %, a share of 33.33 %).
PERCENT_FORMAT = "0.0#%"
YEAR_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# The first rows of a sheet, which size its columns (a long sheet's later rows
# would cost their text's measuring and seldom change a width).
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 50
# Characters Excel refuses in a sheet's name.
SHEET_TITLE_REFUSED = re.compile(r"[\\/*?:\[\]]")
SHEET_TITLE_LENGTH = 31
# Between the facts of one title line (单位：A 公司　　年度：2026).
FACT_GAP = "\u3000\u3000"

TITLE_STYLE = {"bold": True, "font_size": 14}
HEADER_STYLE = {"bold": True, "bg_color": "#F2F2F2", "pattern": 1, "bottom": 1}
TOTALS_STYLE = {"bold": True, "top": 1}
# XlsxWriter in constant memory: a row goes to a temporary file once the next
# begins. Each cell is written by its type, never guessed from its text (a
# title that looks like a formula or an address stays text).
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


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


@contextmanager
def workbook_to(file: BinaryIO) -> Iterator[xlsxwriter.Workbook]:
    """A workbook for `write_sheet`, saved to `file` when the block ends. Its
    rows wait in temporary files of a folder of its own, removed whatever
    happens (a build that stops half-way leaves nothing behind)."""
    with tempfile.TemporaryDirectory(prefix="workbook-") as scratch:
        book = xlsxwriter.Workbook(file, {**WORKBOOK_OPTIONS, "tmpdir": scratch})
        yield book
        book.close()


def write_sheet(
    workbook: xlsxwriter.Workbook,
    title: str,
    header: Sequence,
    rows: Iterable[list],
    *,
    heading: Sequence[str] = (),
) -> None:
    """Add a sheet to `workbook` (`workbook_to`): `heading` (the title block,
    its first line in large bold), then the header row, frozen, then `rows`,
    then a totals row if a `Column` of the header sums. Rows stream through:
    only the first WIDTH_SAMPLE_ROWS are held, to size the columns."""
    sheet = workbook.add_worksheet(_sheet_name(workbook, title))
    styles = _Styles(workbook)
    columns = [text if isinstance(text, Column) else Column(str(text)) for text in header]
    for number, line in enumerate(heading):
        sheet.write_string(number, 0, _text(str(line)), styles.title if number == 0 else None)
    header_row = len(heading)  # rows and columns count from 0 here
    for index, column in enumerate(columns):
        sheet.write_string(header_row, index, _text(str(column.header)), styles.header)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.repeat_rows(header_row)
    summed = [index for index, column in enumerate(columns) if column.sums]
    totals = dict.fromkeys(summed, 0)
    sample: list[list] = []
    last_row = header_row
    write_string = sheet.write_string
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} cells under {len(columns)} columns")
        last_row += 1
        if len(sample) < WIDTH_SAMPLE_ROWS:
            sample.append(row)
        for index in summed:
            if isinstance(row[index], int | Decimal):
                totals[index] += row[index]
        for index, value in enumerate(row):
            if value.__class__ is str:  # most cells: text, tested first
                if not value:  # an empty cell is not written at all
                    continue
                if not value.isprintable() or value.startswith(REWRITTEN_TEXT_STARTS):
                    value = _text(value)  # else as it is, without a call
                write_string(last_row, index, value)
            elif value is not None:
                _write_value(sheet, last_row, index, value, columns[index], styles)
    for index, width in enumerate(_widths(columns, sample)):
        sheet.set_column(index, index, width)
    if columns:
        sheet.autofilter(header_row, 0, last_row, len(columns) - 1)
    if summed:
        _write_totals(sheet, last_row + 1, columns, totals, styles)


class _Styles:
    """A sheet's cell formats, each made once: the title's, the header's, and
    a number format alone or in the totals row."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self.title = workbook.add_format(TITLE_STYLE)
        self.header = workbook.add_format(HEADER_STYLE)
        self.made: dict[tuple[str | None, bool], object] = {}

    def number(self, number_format: str | None, *, totals: bool = False):
        key = (number_format, totals)
        if key not in self.made:
            style = dict(TOTALS_STYLE) if totals else {}
            if number_format is not None:
                style["num_format"] = number_format
            self.made[key] = self.workbook.add_format(style)
        return self.made[key]


def _sheet_name(workbook: xlsxwriter.Workbook, title) -> str:
    """`title` as a sheet's name Excel takes: no refused character, at most
    31 characters, not quoted, and not another sheet's (`工作室 2`)."""
    name = SHEET_TITLE_REFUSED.sub(" ", str(title)).strip("'")[:SHEET_TITLE_LENGTH] or "Sheet"
    taken = {sheet.name.lower() for sheet in workbook.worksheets()}
    number, unique = 1, name
    while unique.lower() in taken:
        number += 1
        suffix = f" {number}"
        unique = name[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
    return unique


# The printable texts `_text` changes start so.
REWRITTEN_TEXT_STARTS = (*FORMULA_STARTS, "<r>")


def _text(value: str) -> str:
    """A text cell as the writer must get it: `neutralised`, and, where it
    would read as rich text's markup (XlsxWriter writes a text that starts with
    `<r>` and ends with `</r>` into the file as it is), the same text as one
    escaped run, so it reads as typed and the file stays well-formed."""
    value = neutralised(value)
    if value.startswith("<r>") and value.endswith("</r>"):
        return f'<r><t xml:space="preserve">{xml_escape(value)}</t></r>'
    return value


def _write_value(sheet, row: int, index: int, value, column: Column, styles: _Styles) -> None:
    """A cell that is not text: a count, money, a percentage or a date in its
    format (the column's, when it names one); yes or no as such."""
    if isinstance(value, bool):
        sheet.write_boolean(row, index, value)
    elif isinstance(value, int | Decimal | float):
        number = value / 100 if isinstance(value, Percent) else value
        sheet.write_number(row, index, number, styles.number(_number_format(value, column)))
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, index, value, styles.number(_number_format(value, column)))
    else:
        sheet.write_string(row, index, _text(str(value)))


def _write_totals(sheet, row: int, columns: list[Column], totals: dict, styles: _Styles) -> None:
    """合计 under the first column, each summed column's total in its format,
    the whole row bold under a line."""
    for index, column in enumerate(columns):
        if index in totals:
            style = styles.number(_number_format(totals[index], column), totals=True)
            sheet.write_number(row, index, totals[index], style)
        elif index == 0:
            label = pgettext("totals row", "Total")
            sheet.write_string(row, index, label, styles.number(None, totals=True))
        else:
            sheet.write_blank(row, index, None, styles.number(None, totals=True))


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
    # Deleted when closed, which the response does once it is sent.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        with workbook_to(file) as workbook:
            write_sheet(workbook, title, header, rows, heading=heading)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return private_file_download(
        file,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


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
