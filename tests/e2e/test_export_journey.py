"""Exports in a browser, on the desktop in Chinese: the union official filters
the proposal list, exports it to Excel and opens the file (the rows shown, in
Chinese); a list longer than an answer holds is built in the background and
downloaded from its run."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import ReportRun
from tests.competitions import conftest as competitions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The competitions' campaigns and proposals, as in their tests.
campaigns = competitions.campaigns
make_proposal = competitions.make_proposal
submitted = competitions.submitted

WIDTH, HEIGHT = 1280, 800


def _titles(rows: list[list]) -> set[str]:
    """The 名称 column of a file's table, below any title block."""
    start = next(n for n, row in enumerate(rows) if "名称" in row)
    column = rows[start].index("名称")
    return {row[column] for row in rows[start + 1 :] if row[column]}


def test_official_exports_the_filtered_proposals_and_opens_the_file(
    org, submitted, media, settings, live_server, open_page, screenshot, sign_in
):
    # Given company A's official on the proposal list, filtered to the submitted ones
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, org.official_a.employee_no)
    page.goto(f"{live_server.url}/competitions/proposals/")
    page.locator("#filters select[name=status]").select_option("submitted")
    expect(page).to_have_url(re.compile(r"status=submitted"))
    export_excel = page.get_by_role("link", name="导出 Excel")
    expect(export_excel).to_have_attribute("href", re.compile(r"status=submitted"))
    screenshot(page, "export-1-filtered-list")

    # When they export it to Excel
    with page.expect_download() as download:
        export_excel.click()
    file = download.value

    # Then the file is named for the office and holds exactly the rows shown, in Chinese
    assert re.fullmatch(r"五小提案_.+_\d{4}-\d{2}-\d{2}\.xlsx", file.suggested_filename)
    workbook = load_workbook(io.BytesIO(file.path().read_bytes()))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert _titles(rows) == {
        submitted.spray.title,
        submitted.spray_again.title,
        submitted.roller.title,
    }
    assert "已提交" in {cell for row in rows for cell in row}

    # When the list is longer than an answer holds and they export it as CSV
    settings.EXPORT_SYNC_MAX_ROWS = 1
    page.get_by_role("link", name="导出 CSV").click()

    # Then they land on the run, which is built, and download it from there
    expect(page).to_have_url(re.compile(r"/reports/runs/#run-\d+$"))
    expect(page.locator("main .alert")).to_contain_text("后台")
    run = ReportRun.objects.get(kind=ReportRun.Kind.LIST_EXPORT)
    row = page.locator(f"#run-{run.pk}")
    expect(row).to_contain_text("五小提案")
    screenshot(page, "export-2-background-run")
    with page.expect_download() as download:
        row.get_by_test_id("run-download").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert _titles(list(csv.reader(io.StringIO(text)))) == _titles(rows)
