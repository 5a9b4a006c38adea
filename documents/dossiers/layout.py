"""Word building blocks shared by the dossiers: the template, headings, bordered
tables whose header row repeats on every page, a grid of photos, the boxes for
signatures and stamps. Nothing here knows about studios or awards."""

import io
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import pgettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import _Cell

from documents.dossiers.template import TEMPLATE_PATH

log = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADER_SHADE = "D9D9D9"
EMPTY = "—"


def new_document(*, landscape: bool = False):
    """A blank dossier from the repository's template."""
    document = Document(str(TEMPLATE_PATH))
    if landscape:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    return document


def to_bytes(document) -> bytes:
    body = io.BytesIO()
    document.save(body)
    return body.getvalue()


def text(value) -> str:
    """A cell's text: money with two decimals and thousands, dates as 2026-05-01,
    nothing as a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def title(document, words: str, subtitle: str = "") -> None:
    document.add_paragraph(words, style="Title")
    if subtitle:
        line = document.add_paragraph(subtitle)
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER


def heading(document, words: str, level: int = 1) -> None:
    document.add_heading(words, level=level)


def paragraph(document, words: str) -> None:
    document.add_paragraph(words or EMPTY)


def _shade(cell, colour: str = HEADER_SHADE) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _row_flag(row, name: str) -> None:
    """`tblHeader` (repeat on each page) or `cantSplit` (never cut across pages)."""
    flag = OxmlElement(f"w:{name}")
    row._tr.get_or_add_trPr().append(flag)


def _bold(cell) -> None:
    for run in cell.paragraphs[0].runs:
        run.bold = True


def _table(document, columns: int):
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _cells(table, row):
    """A new row's cells straight from its XML: python-docx's `row.cells` lays
    out the whole table's grid on every call, which makes a long list quadratic."""
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def _vertical_merge(cell, value: str | None) -> None:
    """`restart` on a record's first row, continue (no value) on the rows below."""
    merge = OxmlElement("w:vMerge")
    if value:
        merge.set(qn("w:val"), value)
    properties = cell._tc.get_or_add_tcPr()
    width = properties.find(qn("w:tcW"))
    if width is not None:
        width.addnext(merge)  # vMerge comes right after the width in tcPr
    else:
        properties.insert(0, merge)


def _widths(document, table, weights: Sequence[int] | None) -> list | None:
    """Column widths in proportion to `weights`, over the page's text width (set
    on the grid for LibreOffice and WPS, on each cell for Word)."""
    if not weights:
        return None
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [Emu(int(usable * weight / sum(weights))) for weight in weights]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return widths


def _add_row(
    table,
    values: Sequence,
    *,
    header: bool = False,
    bold: bool = False,
    continued=(),
    above=None,
    widths=None,
):
    """A row; the columns in `continued` merge with the row `above` (whose
    cells are returned so the next row may continue them in turn)."""
    row = table.add_row()
    _row_flag(row, "cantSplit")
    cells = _cells(table, row)
    for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
        if widths:
            cell.width = widths[index]
        if index in continued:
            if (
                above is not None
                and above[index]._tc.get_or_add_tcPr().find(qn("w:vMerge")) is None
            ):
                _vertical_merge(above[index], "restart")
            _vertical_merge(cell, None)
            continue
        cell.text = text(value) if not header else str(value)
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:
            _shade(cell)
        if header or bold:
            _bold(cell)
    if header:
        _row_flag(row, "tblHeader")
    return cells


def totals_row(width: int, sums: dict[int, object], *, label_at: int = 1) -> list:
    """A totals row `width` cells wide: "Total" in column `label_at`, each sum in
    its column, the rest blank."""
    row: list = [""] * width
    row[label_at] = pgettext("totals row", "Total")
    for column, value in sums.items():
        row[column] = value
    return row


def facts_table(document, pairs: Iterable[tuple[str, object]], *, columns: int = 2):
    """A form's fact block: label | value, `columns` pairs to a row (labels shaded)."""
    pairs = list(pairs)
    table = _table(document, columns * 2)
    for start in range(0, len(pairs), columns):
        chunk = pairs[start : start + columns]
        row = table.add_row()
        _row_flag(row, "cantSplit")
        for index, (label, value) in enumerate(chunk):
            label_cell, value_cell = row.cells[index * 2], row.cells[index * 2 + 1]
            label_cell.text = str(label)
            _shade(label_cell)
            _bold(label_cell)
            value_cell.text = text(value)
        if len(chunk) < columns:  # the last value spans the rest of the row
            row.cells[len(chunk) * 2 - 1].merge(row.cells[-1])
    return table


def data_table(
    document,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    totals: Sequence | None = None,
    empty: str = "",
    merged_columns: Sequence[int] = (),
    weights: Sequence[int] | None = None,
):
    """A bordered list: a shaded header row repeated on each page, one row per
    record, an optional bold totals row; `empty` in one merged row when there
    are no records. A record may take several rows (an award, a row per person
    paid): they carry its number in the first column, and `merged_columns` span
    them as one cell each. `weights`: the columns' relative widths."""
    table = _table(document, len(header))
    widths = _widths(document, table, weights)
    _add_row(table, header, header=True, widths=widths)
    count, previous, above = 0, None, None
    for row in rows:
        continues = merged_columns and previous is not None and row[0] == previous[0]
        continued = merged_columns if continues else ()
        above = _add_row(table, row, continued=continued, above=above, widths=widths)
        previous = row
        count += 1
    if not count and empty:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = empty
    if totals is not None:
        _add_row(table, totals, bold=True, widths=widths)
    return table


def photo_grid(document, photos: Sequence[tuple[bytes, str]], *, per_row: int = 2) -> None:
    """Photos two to a row, each with its caption; a photo Word cannot take is
    left out (logged), never the whole dossier."""
    usable = []
    for data, caption in photos:
        try:
            from docx.image.image import Image

            Image.from_blob(data)
        except Exception:  # noqa: BLE001 - an unreadable photo is skipped, not fatal
            log.warning("dossier photo skipped: %s", caption)
            continue
        usable.append((data, caption))
    if not usable:
        return
    table = _table(document, per_row)
    for start in range(0, len(usable), per_row):
        row = table.add_row()
        _row_flag(row, "cantSplit")
        for cell, (data, caption) in zip(row.cells, usable[start : start + per_row], strict=False):
            picture = cell.paragraphs[0]
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(io.BytesIO(data), width=Cm(7.5))
            label = cell.add_paragraph(caption)
            label.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in label.runs:
                run.font.size = Pt(9)


def opinion_boxes(document, boxes: Sequence[str], *, signed: str) -> None:
    """The opinion boxes a form ends with (the unit's recommendation, the
    union's review): room to write, sign and stamp by hand."""
    table = _table(document, 2)
    for label in boxes:
        row = table.add_row()
        _row_flag(row, "cantSplit")
        label_cell, box = row.cells
        label_cell.text = label
        label_cell.width = Cm(3.5)
        _shade(label_cell)
        _bold(label_cell)
        box.text = ""
        for _ in range(4):
            box.add_paragraph("")
        line = box.add_paragraph(signed)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
