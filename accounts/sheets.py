"""The activation sheet: one slip per person with their one-time password, for
the office to print, cut and hand out. Written once, never stored."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Border, Font, Side

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CUT = Side(style="dashed", color="999999")


def activation_sheet(sheet: list) -> bytes:
    """Each slip is three rows with a dashed line under it: name and number,
    unit, the one-time password and what to do with it."""
    book = Workbook()
    page = book.active
    page.title = _("Activation slips")
    page.column_dimensions["A"].width = 18
    page.column_dimensions["B"].width = 48
    for person, password in sheet:
        page.append([person.full_name, f"{_('Employee number')}：{person.employee_no}"])
        page.append([person.org_unit.name if person.org_unit else "", ""])
        page.append([_("One-time password"), password])
        last = page.max_row
        page.cell(last, 2).font = Font(name="Consolas", size=14, bold=True)
        for column in (1, 2):
            page.cell(last, column).border = Border(bottom=CUT)
        page.append(
            [_("Sign in with your employee number and this password, then choose your own.")]
        )
        page.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def activation_sheet_response(sheet: list) -> HttpResponse:
    response = HttpResponse(activation_sheet(sheet), content_type=XLSX_TYPE)
    label = _("activation-slips")  # outside the f-string, where xgettext finds it
    name = f"{label}_{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response
