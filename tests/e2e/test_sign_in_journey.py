"""An official signs in, lands on the home page in Chinese, switches to English
and stays in English after a reload; on a desktop and on a 360 px phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.home import open_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = pytest.param(1280, 800, id="desktop")
PHONE = pytest.param(360, 740, id="phone")


def submit(page):
    # The navbar's language buttons are submit buttons too.
    page.click("main button[type=submit]")


@pytest.mark.parametrize(("width", "height"), [DESKTOP, PHONE])
def test_official_signs_in_in_chinese_and_switches_to_english(
    org, live_server, open_page, screenshot, fill_sign_in_form, width, height
):
    # Given an official whose browser asks for Chinese
    official = org.group_official
    page = open_page(locale="zh-CN", width=width, height=height)
    html, welcome = page.locator("html"), page.get_by_test_id("welcome")

    # When they sign in
    fill_sign_in_form(page, live_server, official.employee_no)
    screenshot(page, f"sign-in-{width}px-0-login")
    submit(page)

    # Then the home page greets them by name, in Chinese
    expect(welcome).to_contain_text(f"欢迎，{official.full_name}")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("org-unit")).to_have_text(org.group.name)
    screenshot(page, f"sign-in-{width}px-1-home-zh-hans")

    # When they switch to English (the switch is visible even on a phone)
    page.get_by_test_id("language-en").click()

    # Then the page is in English, and still is after a reload
    expect(html).to_have_attribute("lang", "en")
    expect(welcome).to_contain_text("Welcome")
    expect(welcome).to_contain_text(official.full_name)
    screenshot(page, f"sign-in-{width}px-3-home-en")
    page.reload()
    expect(html).to_have_attribute("lang", "en")
    expect(welcome).to_contain_text("Welcome")
    screenshot(page, f"sign-in-{width}px-4-home-en-reloaded")

    # And nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_phone_menu_opens_to_the_navigation(org, live_server, open_page, screenshot, sign_in):
    page = open_page(locale="zh-CN", width=360, height=740)
    sign_in(page, live_server, org.worker_a.employee_no)
    open_home(page, live_server)

    page.locator(".navbar-toggler").click()

    people_link = page.locator("#main-nav").get_by_role("link", name="人员", exact=True)
    expect(people_link).to_be_visible()
    screenshot(page, "phone-menu-open")
    people_link.click()
    expect(page.get_by_role("heading", name="人员")).to_be_visible()
    screenshot(page, "phone-people-list")


def test_wrong_password_shows_an_error_and_stays_on_login_page(
    org, live_server, open_page, screenshot, fill_sign_in_form
):
    page = open_page(locale="en-US", width=1280, height=800)

    fill_sign_in_form(page, live_server, org.group_official.employee_no, "wrong")
    submit(page)

    expect(page.locator(".alert-danger")).to_be_visible()
    assert page.url == f"{live_server.url}/accounts/login/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "sign-in-wrong-password")
