"""Naming in a browser: a studio's lead applies on the desktop, the group's
union office runs the review to public notice, and a worker of another company
lodges an objection on a 360 px phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from naming import services
from naming.models import NamingApplication, Objection
from tests.e2e.phone import PHONE_HEIGHT, PHONE_WIDTH, assert_no_sideways_scroll
from tests.e2e.pickers import pick
from tests.naming.conftest import naming_calls  # noqa: F401 — the shared level

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = NamingApplication.Status


def test_a_studio_is_applied_for_reviewed_put_on_notice_and_objected_to(
    naming_calls,  # noqa: F811
    live_server,
    open_page,
    screenshot,
    sign_in,
):
    studios = naming_calls.studios
    org = studios.org
    call = naming_calls.enterprise

    # Given the dust studio's lead, in Chinese, on the naming page
    lead_page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(lead_page, live_server, studios.lead_a.employee_no)
    lead_page.goto(f"{live_server.url}/studios/naming/")
    lead_page.locator("#results").get_by_role("link", name=call.title).click()

    # When they start an application for their studio
    form = lead_page.get_by_test_id("apply-form")
    form.locator("select[name=studio]").select_option(str(studios.dust.pk))
    form.locator("textarea[name=statement]").fill("三年攻克粉尘治理难题十余项。")
    form.get_by_role("button", name="开始申报").click()

    # Then the draft shows each condition checked against the studio's records
    expect(lead_page.get_by_test_id("application-status")).to_have_text("草稿")
    expect(lead_page.get_by_test_id("check-years_founded")).to_contain_text("✓")
    expect(lead_page.get_by_test_id("check-members")).to_contain_text("现有成员 2 人")
    screenshot(lead_page, "naming-1-draft")

    # When they submit it, it is submitted
    lead_page.get_by_test_id("submit-form").get_by_role("button", name="提交").click()
    expect(lead_page.get_by_test_id("application-status")).to_have_text("已提交")
    application = NamingApplication.objects.get(call=call, studio=studios.dust)

    # Given the group's union official on the application
    office = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(office, live_server, org.group_official.employee_no)
    office.goto(f"{live_server.url}/studios/naming/applications/{application.pk}/")

    # When they recommend it and ask an expert to score it
    office.get_by_test_id("recommend-form").get_by_role("button", name="推荐").click()
    expect(office.get_by_test_id("application-status")).to_have_text("单位已推荐")
    experts = office.get_by_test_id("experts-form")
    expert = naming_calls.expert
    pick(experts, "experts", expert.employee_no, expert.full_name)
    experts.get_by_role("button", name="指派专家").click()
    expect(office.get_by_test_id("application-status")).to_have_text("专家评审中")

    # (the expert scores it on their own page)
    services.naming_review_submit(application_id=application.pk, by=expert, scores=[36, 52])

    # When they record the site visit and start the public notice
    office.reload()
    expect(office.get_by_test_id("reviews")).to_contain_text("88.0")
    visit = office.get_by_test_id("visit-form")
    visit.locator("input[name=visitors]").fill("集团工会、专家组")
    visit.locator("textarea[name=findings]").fill("场所固定，制度齐全，成果台账完整。")
    visit.get_by_role("button", name="登记考察").click()
    expect(office.get_by_test_id("application-status")).to_have_text("已现场考察")
    office.get_by_test_id("notice-form").get_by_role("button", name="开始公示").click()

    # Then it is on public notice for the call's days
    expect(office.get_by_test_id("application-status")).to_have_text("公示中")
    ends = timezone.localdate() + datetime.timedelta(days=call.notice_days)
    expect(office.get_by_test_id("notice-ends")).to_contain_text(ends.isoformat())
    screenshot(office, "naming-2-on-notice")

    # Given a worker of company B on a phone, on the naming page
    phone = open_page(locale="zh-CN", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    sign_in(phone, live_server, org.worker_b.employee_no)
    phone.goto(f"{live_server.url}/studios/naming/")
    notice = phone.get_by_test_id("public-notice")
    assert_no_sideways_scroll(phone)

    # When they open the studio from the notice list and object
    notice.get_by_role("link", name=studios.dust.name).click()
    expect(phone.get_by_test_id("eligibility")).to_have_count(0)
    objection = phone.get_by_test_id("object-form")
    objection.locator("textarea[name=reason]").fill("效益数据与车间台账不一致。")
    assert_no_sideways_scroll(phone)
    screenshot(phone, "naming-3-objection-phone")
    objection.get_by_role("button", name="提交异议").click()

    # Then they are told it was lodged, and the office sees it, still open
    expect(phone.locator("main .alert-success")).to_contain_text("异议已提交")
    assert_no_sideways_scroll(phone)
    lodged = Objection.objects.get(application=application)
    assert (lodged.lodged_by, lodged.status) == (org.worker_b, Objection.Status.OPEN)
    office.reload()
    expect(office.get_by_test_id("objections")).to_contain_text("效益数据与车间台账不一致")
    expect(office.get_by_test_id("objection-decide-form")).to_be_visible()
    expect(office).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
