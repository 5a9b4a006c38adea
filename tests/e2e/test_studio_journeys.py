"""Studio pages in a browser: an official finds a studio through the directory's
filters (desktop and 360 px phone), its lead edits the description, and a worker
of another company cannot open it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import assert_no_sideways_scroll
from tests.e2e.pickers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = pytest.param(1280, 800, id="desktop")
PHONE = pytest.param(360, 740, id="phone")


@pytest.mark.parametrize(("width", "height"), [DESKTOP, PHONE])
def test_official_filters_the_directory_and_opens_a_studio(
    studios, live_server, open_page, screenshot, sign_in, width, height
):
    # Given the group official, in Chinese, on the studio directory
    page = open_page(locale="zh-CN", width=width, height=height)
    sign_in(page, live_server, studios.org.group_official.employee_no)
    page.goto(f"{live_server.url}/studios/")
    results = page.locator("#results")
    dust_link = results.get_by_role("link", name=studios.dust.name, exact=True)
    turbine_link = results.get_by_role("link", name=studios.turbine.name, exact=True)
    expect(turbine_link).to_be_visible()
    screenshot(page, f"studios-{width}px-0-directory")
    assert_no_sideways_scroll(page, width)

    # When they search for "粉尘" within mine A1 and submit the filters
    toggle = page.get_by_test_id("filters-toggle")
    if toggle.is_visible():  # phones fold the filters away behind a button
        toggle.click()
        expect(page.locator("#filters")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("main input[name=search]").fill("粉尘")
    mine = studios.org.mine_a1
    pick(page.locator("main"), "org_unit", mine.code, f"（{mine.code}）")
    screenshot(page, f"studios-{width}px-1-filters-filled")
    page.locator("main").get_by_role("button", name="筛选", exact=True).click()

    # Then the results (swapped in place, the address kept) show the dust studio only
    expect(page).to_have_url(re.compile(rf"org_unit_key={mine.code}\b"))
    expect(page).to_have_url(re.compile(r"search=%E7%B2%89%E5%B0%98"))
    # and the CSV it offers is of what is now shown
    expect(results.get_by_test_id("export-2")).to_have_attribute(
        "href", re.compile(rf"/api/v1/studios/export/\?.*org_unit_key={mine.code}.*as=csv")
    )
    expect(dust_link).to_be_visible()
    expect(turbine_link).to_have_count(0)
    expect(results.get_by_role("link", name=studios.washing.name, exact=True)).to_have_count(0)
    screenshot(page, f"studios-{width}px-2-filtered")
    assert_no_sideways_scroll(page, width)

    # When they open it, its page is headed with its name
    dust_link.click()
    expect(page).to_have_url(f"{live_server.url}/studios/{studios.dust.pk}/")
    expect(page.get_by_test_id("studio-name")).to_have_text(studios.dust.name)
    screenshot(page, f"studios-{width}px-3-detail")
    assert_no_sideways_scroll(page, width)


@pytest.mark.parametrize(("width", "height"), [DESKTOP, PHONE])
def test_lead_edits_the_description_but_not_the_code_or_unit(
    studios, live_server, open_page, screenshot, sign_in, width, height
):
    # Given the lead of the dust studio on its page
    page = open_page(locale="zh-CN", width=width, height=height)
    sign_in(page, live_server, studios.lead_a.employee_no)
    page.goto(f"{live_server.url}/studios/{studios.dust.pk}/")
    screenshot(page, f"studio-edit-{width}px-0-detail")

    # When they follow the edit link
    page.locator("main").get_by_role("link", name="编辑", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/studios/{studios.dust.pk}/edit/")
    form = page.locator("main form")
    description = form.locator("textarea[name=description]")
    expect(description).to_be_visible()

    # Then the form does not let them change the code or the org unit
    expect(form.locator("[name=code]")).to_have_count(0)
    expect(form.locator("[name=org_unit]")).to_have_count(0)
    screenshot(page, f"studio-edit-{width}px-1-form")
    assert_no_sideways_scroll(page, width)

    # When they replace the description and save
    new_text = "聚焦综采工作面粉尘治理，研发喷雾降尘装置。"
    description.fill(new_text)
    screenshot(page, f"studio-edit-{width}px-2-filled")
    form.get_by_role("button", name="保存", exact=True).click()

    # Then they are back on the studio page, told it was saved, with the new text
    expect(page).to_have_url(f"{live_server.url}/studios/{studios.dust.pk}/")
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.get_by_test_id("studio-description")).to_have_text(new_text)
    screenshot(page, f"studio-edit-{width}px-3-saved")
    assert_no_sideways_scroll(page, width)


def test_worker_of_another_company_gets_not_found(
    studios, live_server, open_page, screenshot, sign_in
):
    # Given a worker of company B (the dust studio is in company A, and not named)
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, studios.org.worker_b.employee_no)

    # When they open the dust studio's address
    response = page.goto(f"{live_server.url}/studios/{studios.dust.pk}/")

    # Then they get the "not found" page, which does not name the studio
    assert response.status == 404
    expect(page).to_have_title(re.compile(r"^未找到"))
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到")
    expect(page.locator("body")).not_to_contain_text(studios.dust.name)
    screenshot(page, "studio-not-found")


def test_studio_pages_are_in_chinese(studios, live_server, open_page, sign_in):
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, studios.lead_a.employee_no)
    page.goto(f"{live_server.url}/studios/{studios.dust.pk}/")
    main = page.locator("main")
    expect(main.get_by_role("link", name="编辑", exact=True)).to_be_visible(timeout=2000)
    expect(main).not_to_contain_text("Profile", timeout=1000)
    expect(main).not_to_contain_text("Members", timeout=1000)


def test_function_checkboxes_do_not_overlap_the_next_field(
    studios, live_server, open_page, sign_in
):
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, studios.lead_a.employee_no)
    page.goto(f"{live_server.url}/studios/{studios.dust.pk}/edit/")
    last_choice = page.locator("main #id_functions label").last.bounding_box()
    description_label = page.locator("main label[for=id_description]").bounding_box()
    assert last_choice["y"] + last_choice["height"] <= description_label["y"]
