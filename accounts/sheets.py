"""The activation sheet: one slip per person with their one-time password, for
the office to print, cut and hand out, as XLSX (to edit or merge) or as a PDF
ready to print on A4. Written once, in the answer, never stored; worded in the
product's language whoever downloads it, since the slips go to the workers."""

import io

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Border, Font, Side

from core.downloads import private_download
from core.exports import neutralised
from core.pdf import FONT, PDF_TYPE, fitted, new_pdf

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CUT = Side(style="dashed", color="999999")


class SheetFormat(models.TextChoices):
    XLSX = "xlsx", gettext_lazy("Excel (XLSX)")
    PDF = "pdf", gettext_lazy("PDF, ready to print on A4")


def _instruction() -> str:
    return _("Sign in with your employee number and this password, then choose your own.")


def activation_sheet(sheet: list) -> bytes:
    """Each slip is three rows with a dashed line under it: name and number,
    unit, the one-time password and what to do with it."""
    book = Workbook()
    page = book.active
    page.title = _("Activation slips")
    page.column_dimensions["A"].width = 18
    page.column_dimensions["B"].width = 48
    for person, password in sheet:
        # Names come from HR files: one typed as a formula stays text (core.exports).
        page.append(
            [neutralised(person.full_name), f"{_('Employee number')}：{person.employee_no}"]
        )
        page.append([neutralised(person.org_unit.name) if person.org_unit else "", ""])
        page.append([_("One-time password"), password])
        last = page.max_row
        page.cell(last, 2).font = Font(name="Consolas", size=14, bold=True)
        for column in (1, 2):
            page.cell(last, column).border = Border(bottom=CUT)
        page.append([_instruction()])
        page.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A4 portrait cut into 2 × 4 slips of 105 × 74.25 mm (the A7 size).
SLIP_COLUMNS, SLIP_ROWS = 2, 4
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS
SLIP_PADDING = 9  # mm: clear of a printer's unprintable edge and of the cut
GREY, INK = (110, 110, 110), (20, 20, 20)


def activation_sheet_pdf(sheet: list, sign_in_url: str = "") -> bytes:
    """Eight slips to an A4 page with dashed cut lines between them; on each,
    the person's name, employee number and unit, the one-time password in large
    type, and how to sign in (at `sign_in_url`, when given)."""
    pdf = new_pdf(title=_("Activation slips"))
    slip_w, slip_h = pdf.w / SLIP_COLUMNS, pdf.h / SLIP_ROWS
    for index, (person, password) in enumerate(sheet):
        place = index % SLIPS_PER_PAGE
        if place == 0:
            pdf.add_page()
            _cut_lines(pdf, slip_w, slip_h)
        x = (place % SLIP_COLUMNS) * slip_w + SLIP_PADDING
        y = (place // SLIP_COLUMNS) * slip_h + SLIP_PADDING
        _slip(pdf, x, y, slip_w - 2 * SLIP_PADDING, person, password, sign_in_url)
    return bytes(pdf.output())


def _cut_lines(pdf, slip_w: float, slip_h: float) -> None:
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        for column in range(1, SLIP_COLUMNS):
            pdf.line(column * slip_w, 0, column * slip_w, pdf.h)
        for row in range(1, SLIP_ROWS):
            pdf.line(0, row * slip_h, pdf.w, row * slip_h)


def _slip(pdf, x: float, y: float, width: float, person, password: str, sign_in_url: str):
    def line(text: str, size: float, height: float, color=INK) -> None:
        nonlocal y
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*color)
        pdf.set_xy(x, y)
        pdf.cell(width, height, fitted(pdf, text, width))
        y += height

    line(_("Account activation slip"), 8, 5, GREY)
    line(person.full_name, 15, 8)
    line(f"{_('Employee number')}：{person.employee_no}", 9, 5)
    line(person.org_unit.name if person.org_unit else "", 9, 6)
    line(_("One-time password"), 8, 5, GREY)
    pdf.set_char_spacing(1.5)  # read off paper and typed: a letter apart
    line(password, 18, 10)
    pdf.set_char_spacing(0)
    pdf.set_font(FONT, size=7.5)
    pdf.set_text_color(*GREY)
    pdf.set_xy(x, y + 1)
    words = _instruction()
    if sign_in_url:
        words = f"{words} {sign_in_url}"
    pdf.multi_cell(width, 3.6, words, align="L", max_line_height=3.6)


def activation_sheet_response(
    sheet: list, *, sheet_format: str = SheetFormat.XLSX, sign_in_url: str = ""
):
    """The slips as a download in `sheet_format`, for the page and the API alike."""
    with translation.override(settings.LANGUAGE_CODE):
        label = _("activation-slips")  # outside the f-string, where xgettext finds it
        name = f"{label}_{timezone.localdate():%Y-%m-%d}.{sheet_format}"
        if sheet_format == SheetFormat.PDF:
            return private_download(
                activation_sheet_pdf(sheet, sign_in_url), filename=name, content_type=PDF_TYPE
            )
        return private_download(activation_sheet(sheet), filename=name, content_type=XLSX_TYPE)
