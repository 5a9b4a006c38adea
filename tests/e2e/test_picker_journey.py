"""Choosing people by typing on a 360 px phone: a studio lead registers a
patent, finds two inventors by their pinyin initials, puts them in the order of
the application, and the patent lists them in that order."""

import re

import pytest
from playwright.sync_api import expect

from achievements.models import Patent
from tests.e2e.phone import PHONE_HEIGHT, PHONE_WIDTH, assert_no_sideways_scroll
from tests.e2e.pickers import pick, picker_of
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_picks_two_inventors_by_pinyin_and_reorders_them_on_a_phone(
    studios, live_server, open_page, screenshot, sign_in
):
    zhang = PersonFactory(employee_no="A101901", full_name="张三", org_unit=studios.org.team_a101)
    li = PersonFactory(employee_no="A101902", full_name="李四", org_unit=studios.org.team_a101)

    # Given the dust studio's lead on the new-patent form, on a phone
    page = open_page(locale="zh-CN", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    sign_in(page, live_server, studios.lead_a.employee_no)
    page.goto(f"{live_server.url}/achievements/patents/new/?studio={studios.dust.pk}")
    form = page.locator("main form")
    form.locator("input[name=application_no]").fill("CN202110123456.7")
    form.locator("input[name=title]").fill("一种粉尘浓度在线监测装置")
    form.locator("select[name=patent_type]").select_option("invention")
    form.locator("input[name=filed_on]").fill("2021-03-01")
    form.locator("input[name=holder]").fill("北岭煤业公司")

    # When they type the initials of each inventor and tap the match
    pick(form, "inventors", "zs", "张三")
    pick(form, "inventors", "ls", "李四")
    inventors = picker_of(form, "inventors")
    screenshot(page, "picker-phone-0-two-inventors")
    assert_no_sideways_scroll(page, PHONE_WIDTH)

    # And move 李四 up: the application names him first
    inventors.get_by_role("button", name=re.compile("^上移 李四")).click()
    expect(inventors.locator(".picker-chosen li")).to_have_count(2)
    expect(inventors.locator(".picker-chosen li").first).to_contain_text("李四")
    expect(inventors.locator("input[name=inventors_key]")).to_have_value("A101902 A101901")
    screenshot(page, "picker-phone-1-reordered")
    form.get_by_role("button", name="保存", exact=True).click()

    # Then the patent lists its inventors in that order
    expect(page).to_have_url(re.compile(r"/achievements/patents/\d+/$"))
    patent = Patent.objects.get(title="一种粉尘浓度在线监测装置")
    assert [p.pk for p in patent.inventor_people] == [li.pk, zhang.pk]
    screenshot(page, "picker-phone-2-saved")
