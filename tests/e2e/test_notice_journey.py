"""Notices on a phone (docs/notices.md): after the union office returns a
worker's proposal, the worker on a 360 px phone sees the bell's count, opens
the notice and lands on the proposal."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competitions import services
from notices.models import Notice
from tests.competitions import conftest as competitions
from tests.e2e.home import open_home
from tests.e2e.phone import assert_no_sideways_scroll, assert_within_screen_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

campaigns = competitions.campaigns
WIDTH, HEIGHT = 360, 740
REASON = "请补充每月节水量的实测数据。"


def test_a_worker_hears_of_the_return_on_the_phone_and_opens_the_proposal(
    org, campaigns, live_server, open_page, sign_in, screenshot
):
    # Given the worker's submitted proposal, its receipt already read
    proposal = competitions.proposal_maker(campaigns)(org.worker_a)
    Notice.objects.filter(recipient=org.worker_a).update(read_at=timezone.now())
    # When the office returns it
    services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment=REASON)

    # Then the worker, signing in on a phone, sees one unread notice on the bell
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, org.worker_a.employee_no)
    open_home(page, live_server)
    bell = page.get_by_test_id("notice-bell")
    expect(bell.get_by_test_id("notice-count")).to_have_text("1")
    assert_within_screen_width(bell)
    assert_no_sideways_scroll(page)
    screenshot(page, "notices-360px-0-bell")

    # And the notice says what happened, with the office's reason
    bell.click()
    page.wait_for_url(re.compile(r"/notices/$"))
    notice = page.get_by_test_id("notice-list").get_by_test_id("notice-open").first
    expect(notice).to_contain_text(proposal.title)
    expect(notice).to_contain_text(REASON)
    assert_no_sideways_scroll(page)
    screenshot(page, "notices-360px-1-list")

    # And opening it lands on the proposal, and the bell has nothing more to say
    notice.click()
    page.wait_for_url(re.compile(rf"/competitions/proposals/{proposal.pk}/$"))
    expect(page.locator("h1")).to_contain_text(proposal.title)
    page.locator("[data-testid=notice-bell]:not([hx-get])").wait_for()
    expect(page.get_by_test_id("notice-count")).to_have_count(0)
    assert_no_sideways_scroll(page)


def test_a_full_bell_keeps_the_top_row_on_one_line_in_either_language(
    org, live_server, open_page, sign_in, screenshot
):
    # Given a worker with more unread notices than the bell counts
    Notice.objects.bulk_create(
        Notice(recipient=org.worker_a, kind="competitions.proposal_submitted", params={})
        for _ in range(120)
    )
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, org.worker_a.employee_no)
    for language in ("zh-hans", "en"):
        # When they open their home page on a phone, in Chinese and in English
        open_home(page, live_server)
        if page.locator("html").get_attribute("lang") != language:
            page.get_by_test_id(f"language-{language}").click()
            open_home(page, live_server)
        bell = page.get_by_test_id("notice-bell")
        expect(bell.get_by_test_id("notice-count")).to_have_text("99+")

        # Then the name, the switch, the bell and the menu button share one row
        tops = [
            page.locator(selector).bounding_box()["y"]
            for selector in (".navbar-brand", "[data-language-switch]", ".navbar-toggler")
        ]
        tops.append(bell.bounding_box()["y"])
        assert max(tops) - min(tops) < 12, (language, tops)
        assert_within_screen_width(bell)
        assert_no_sideways_scroll(page)
        screenshot(page, f"notices-360px-full-bell-{language}")

    # And on a 1280 px screen in English the menu folds (its ten names do not
    # fit on one row there) rather than wrapping each name on two lines
    wide = open_page(locale="en-US", width=1280, height=800)
    sign_in(wide, live_server, org.worker_a.employee_no)
    open_home(wide, live_server)
    expect(wide.locator(".navbar-toggler")).to_be_visible()
