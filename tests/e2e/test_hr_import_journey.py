"""An official brings new people in from an HR spreadsheet in a browser: the
file (GB18030, as Excel on Chinese Windows saves it) is checked and shown as a
preview with the row in error, nothing is written until they confirm, and after
the confirm the new colleague is in the directory."""

import csv
import io

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.hr.imports import PEOPLE_HEADER, person_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_previews_an_hr_file_and_applies_its_valid_rows(
    org, live_server, open_page, screenshot, sign_in, media, tmp_path
):
    rows = [
        person_row("N001", "欧阳新", "A101", post="综采队长", level="技师"),
        person_row("N002", "李未知", "ZZZ9"),
    ]
    out = io.StringIO()
    csv.writer(out).writerows([PEOPLE_HEADER, *rows])
    hr_file = tmp_path / "新员工名单.csv"
    hr_file.write_bytes(out.getvalue().encode("gb18030"))

    # Given company A's official on the HR imports page
    page = open_page(locale="zh-CN", width=1280, height=900)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, org.official_a.employee_no)
    page.goto(f"{live_server.url}/accounts/imports/")
    form = page.get_by_test_id("import-form")
    expect(page.get_by_test_id("template-people")).to_be_visible()

    # When they upload the file for checking
    form.locator("select[name=kind]").select_option("people")
    form.locator("input[name=file]").set_input_files(str(hr_file))
    screenshot(page, "hr-import-0-upload")
    form.get_by_role("button", name="检查文件").click()

    # Then the preview shows one new person and one row in error, and nobody is written yet
    status = page.get_by_test_id("import-status")
    expect(status).to_have_attribute("data-status", "preview_ready")
    expect(page.locator('[data-count="create"]')).to_have_text("1")
    expect(page.locator('[data-count="error"]')).to_have_text("1")
    expect(page.get_by_test_id("import-errors")).to_contain_text("ZZZ9")
    expect(page.get_by_test_id("import-changes")).to_contain_text("欧阳新")
    assert not User.objects.filter(employee_no="N001").exists()
    screenshot(page, "hr-import-1-preview")

    # When they apply the valid rows
    page.get_by_test_id("import-confirm").get_by_role("button").click()

    # Then the import is applied and the new colleague is in the directory
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "applied")
    screenshot(page, "hr-import-2-applied")
    page.goto(f"{live_server.url}/accounts/people/?search=欧阳新")
    expect(page.locator("main").get_by_text("欧阳新").first).to_be_visible()
    assert not User.objects.filter(employee_no="N002").exists()
