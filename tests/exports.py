"""Reading back what a list's export answered (core/exports.py)."""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter


def exported_body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.getvalue()


def exported_rows(answer, kind: str) -> list[list]:
    """The file's table, header first: CSV as text, XLSX with typed cells,
    below the workbook's title block (the header is the row the panes freeze
    under)."""
    body = exported_body(answer)
    if kind == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body)).active
    header_at = int(sheet.freeze_panes[1:]) - 2 if sheet.freeze_panes else 0
    return [list(row) for row in sheet.iter_rows(min_row=header_at + 1, values_only=True)]


def exported_text(answer, kind: str) -> str:
    """Every cell of an exported file as one text."""
    return " ".join(str(v) for row in exported_rows(answer, kind) for v in row if v is not None)


@dataclass
class SheetTable:
    """A sheet core.exports wrote, in its parts: the title block's lines, the
    header row (the one the panes freeze under), the data rows and the totals
    row (None when no column sums). `cells` are the data rows' cells, with their
    number formats; `widths` the columns' widths."""

    title: str
    heading: list[str]
    header: list
    rows: list[list]
    totals: list | None
    cells: list[list]
    freeze_panes: str | None
    widths: list[float]


def _totals_label() -> str:
    """The totals row's label as the workbook writes it: in the product's
    language, whatever language this test's thread has active."""
    with translation.override(settings.LANGUAGE_CODE):
        return pgettext("totals row", "Total")


def sheet_tables(content: bytes) -> dict[str, SheetTable]:
    """{sheet title: SheetTable} of a workbook's bytes (its rows are as long
    as its widest, so a row ends with None where it has no cell)."""
    book = load_workbook(io.BytesIO(content))
    tables = {}
    for sheet in book.worksheets:
        all_cells = [list(row) for row in sheet.iter_rows()]
        header_at = int(sheet.freeze_panes[1:]) - 2 if sheet.freeze_panes else 0
        heading = [row[0].value for row in all_cells[:header_at] if row[0].value is not None]
        header = [cell.value for cell in all_cells[header_at]]
        body = all_cells[header_at + 1 :]
        totals = None
        if body and body[-1][0].font.b and body[-1][0].value == _totals_label():
            totals = [cell.value for cell in body.pop()]
        tables[sheet.title] = SheetTable(
            title=sheet.title,
            heading=heading,
            header=header,
            rows=[[cell.value for cell in row] for row in body],
            totals=totals,
            cells=body,
            freeze_panes=sheet.freeze_panes,
            widths=_widths(sheet, len(header)),
        )
    return tables


def _widths(sheet, count: int) -> list[float]:
    """The first `count` columns' widths. Adjacent columns of one width may be
    a single <col> element of the file (its `min` to `max`), which openpyxl
    keeps under its first column's letter only."""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min or 1, (dimension.max or dimension.min or 1) + 1):
            widths[index] = dimension.width
    return [
        widths.get(index, sheet.column_dimensions[get_column_letter(index)].width)
        for index in range(1, count + 1)
    ]
