"""Choosing people by typing on a 360 px phone: a studio lead registers a
patent, finds two inventors by their pinyin initials, puts them in the order of
the application, and the patent lists them in that order. A picker that
follows another field of its form: an official proposing a pairing changes
its studio, and the mentor box then offers the new studio's members."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from achievements.models import Patent
from apprenticeships.models import Pairing
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


def test_the_mentor_box_follows_the_studio_chosen_on_the_pairing_form(
    studios, live_server, open_page, sign_in
):
    PersonFactory(employee_no="tudi_9", full_name="新徒弟", org_unit=studios.org.team_a102)
    today = timezone.localdate()

    # Given company A's official on the new pairing form, the dust studio chosen
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, studios.org.official_a.employee_no)
    page.goto(f"{live_server.url}/apprenticeships/new/")
    form = page.locator("main form")
    pick(form, "studio", "A1-D", "粉尘治理创新工作室")
    mentor = picker_of(form, "mentor")
    matches = mentor.locator(".picker-results li")

    # When they look for a mentor, the dust studio's members are offered
    mentor.locator("input[type=text]").fill("测试员")
    expect(matches).to_have_count(2)
    expect(matches.filter(has_text="member_a")).to_have_count(1)

    # And when they choose one, then change the studio to the washing studio
    matches.filter(has_text="member_a").click()
    expect(mentor.locator(".picker-chip")).to_have_count(1)
    pick(form, "studio", "A1-W", "洗选工艺创新工作室")

    # Then the dust studio's mentor is dropped; the washing studio's member alone is offered
    expect(mentor.locator(".picker-chip")).to_have_count(0)
    mentor.locator("input[type=text]").fill("")
    mentor.locator("input[type=text]").fill("测试员")
    expect(matches).to_have_count(1)
    expect(matches.first).to_contain_text("colleague_a")
    matches.first.click()
    pick(form, "apprentice", "tudi", "新徒弟")
    form.locator("input[name=starts_on]").fill(today.isoformat())
    form.locator("input[name=planned_end_on]").fill(
        (today + datetime.timedelta(days=365)).isoformat()
    )
    form.locator("select[name=target_skill_level]").select_option("intermediate")
    form.get_by_role("button", name="保存", exact=True).click()

    # Then the pairing is proposed in the washing studio with its member as mentor
    expect(page).to_have_url(re.compile(r"/apprenticeships/\d+/$"))
    pairing = Pairing.objects.get(apprentice__employee_no="tudi_9")
    assert (pairing.studio, pairing.mentor) == (studios.washing, studios.org.colleague_a)
