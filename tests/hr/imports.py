"""What the HR import tests share: spreadsheets built in memory, and an import
taken from upload to preview (and to applied) through the services, the
background steps run as the eager worker runs them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hr import services
from hr.models import ImportRun

PEOPLE_HEADER = [
    "工号",
    "姓名",
    "单位代码",
    "岗位",
    "手机",
    "邮箱",
    "企业微信账号",
    "技能等级",
    "在职",
]
UNITS_HEADER = ["单位代码", "单位名称", "上级单位代码", "类型"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files and error files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def csv_file(header, rows, *, encoding="utf-8-sig", name="people.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(header, rows, *, name="people.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def person_row(
    employee_no, name, unit, *, post="", phone="", email="", messenger="", level="", active="是"
):
    return [employee_no, name, unit, post, phone, email, messenger, level, active]


def previewed(
    by, upload, *, kind="people", mode="upsert", org_unit=None, capture=None
) -> ImportRun:
    """Upload and run the preview (the eager task runs at commit)."""
    with capture(execute=True):
        run = services.import_request(by=by, kind=kind, upload=upload, mode=mode, org_unit=org_unit)
    run.refresh_from_db()
    return run


def applied(by, run, *, capture) -> ImportRun:
    with capture(execute=True):
        services.import_confirm(by=by, run=run)
    run.refresh_from_db()
    return run
