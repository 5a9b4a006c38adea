"""The union office's account care on a 360 px phone: an official makes a
colleague union official over a team by typing pinyin initials and the team's
code, then takes the role back; the group office adds a reviewer to a
campaign's pool the same way. Nothing is wider than the screen."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import RoleGrant
from accounts.services import person_password_reset
from competitions.models import CampaignReviewer
from tests.e2e.phone import PHONE_HEIGHT, PHONE_WIDTH, assert_no_sideways_scroll
from tests.e2e.pickers import pick
from tests.factories import PersonFactory, make_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_grants_and_removes_a_role_and_fills_a_reviewer_pool_on_a_phone(
    org, live_server, open_page, screenshot, sign_in
):
    zhao = PersonFactory(employee_no="A101777", full_name="赵德明", org_unit=org.team_a101)
    now = timezone.now()
    campaign = make_campaign(
        org.group_official,
        org.group,
        name="五小竞赛（本年）",
        opens=now - datetime.timedelta(days=5),
        closes=now + datetime.timedelta(days=20),
    )

    # Given company A's official on the role grants, on a phone
    page = open_page(locale="zh-CN", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, org.official_a.employee_no)
    page.goto(f"{live_server.url}/accounts/role-grants/")
    page.get_by_test_id("rolegrant-create").click()

    # When they pick 赵德明 by his initials and team A101 by its code, and save
    form = page.locator("main form")
    pick(form, "user", "zdm", "赵德明")
    pick(form, "org_unit", "A101", "Unit A101")
    assert_no_sideways_scroll(page, PHONE_WIDTH)
    screenshot(page, "role-grant-phone-0-form")
    form.get_by_role("button", name="保存", exact=True).click()

    # Then he is union official over the team, listed as such
    expect(page).to_have_url(re.compile(r"/accounts/role-grants/\?org_unit=\d+$"))
    grants = page.get_by_test_id("role-grants")
    expect(grants.locator("tbody tr", has_text="赵德明")).to_have_count(1)
    assert RoleGrant.objects.filter(user=zhao, org_unit=org.team_a101).exists()
    assert_no_sideways_scroll(page, PHONE_WIDTH)
    screenshot(page, "role-grant-phone-1-listed")

    # And taken back (after the question), he is gone from the list
    grants.locator("tbody tr", has_text="赵德明").get_by_role("button", name="移除").click()
    expect(page.locator(".alert", has_text="不再是")).to_be_visible()
    expect(grants.locator("tbody tr", has_text="赵德明")).to_have_count(0)
    assert not RoleGrant.objects.filter(user=zhao).exists()

    # Given the group's official on the campaign's page
    office = open_page(locale="zh-CN", width=PHONE_WIDTH, height=PHONE_HEIGHT)
    sign_in(office, live_server, org.group_official.employee_no)
    office.goto(f"{live_server.url}/competitions/campaigns/{campaign.pk}/")
    pool = office.get_by_test_id("reviewer-pool")

    # When they add 赵德明 to its reviewer pool by typing his name
    pick(pool, "people", "赵德", "赵德明")
    pool.get_by_role("button", name="加入专家库").click()

    # Then the pool lists him, with nothing to review yet
    expect(office).to_have_url(re.compile(rf"/competitions/campaigns/{campaign.pk}/#pool$"))
    member = office.get_by_test_id("pool-member").filter(has_text="赵德明")
    expect(member).to_contain_text("待评：0")
    assert CampaignReviewer.objects.filter(campaign=campaign, person=zhao).exists()
    assert_no_sideways_scroll(office, PHONE_WIDTH)
    screenshot(office, "reviewer-pool-phone-0-added")


def test_a_person_given_a_one_time_password_chooses_their_own_by_filling_the_form_once(
    org, live_server, open_page, fill_sign_in_form
):
    # Given a worker whose password the office reset, signing in with the one-time one
    one_time = person_password_reset(person_id=org.worker_a.pk, by=org.official_a)
    page = open_page(locale="zh-CN", width=1280, height=800)
    fill_sign_in_form(page, live_server, org.worker_a.employee_no, one_time)
    page.click("main button[type=submit]")

    # Then the password page shows its form once, and stays that way
    expect(page.get_by_test_id("must-change-password")).to_be_visible()
    page.wait_for_timeout(500)  # the bell's loop copied the form within this time
    expect(page.locator("input[name=new_password1]")).to_have_count(1)

    # When they fill it in once
    page.fill("input[name=old_password]", one_time)
    page.fill("input[name=new_password1]", "Kaicai-2026!")
    page.fill("input[name=new_password2]", "Kaicai-2026!")
    page.click("main button[type=submit]")

    # Then it is changed, and home opens with the bell back in the bar
    expect(page.get_by_text("您的密码已修改。")).to_be_visible()
    page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_test_id("welcome")).to_contain_text(org.worker_a.full_name)
    expect(page.get_by_test_id("notice-count")).to_have_text("1")
