"""The five-small front door in a browser, on a 360 px phone in Chinese: a worker
writes a proposal with a photo, leaves, comes back to the saved draft, submits and
follows it; the union office returns it with a comment; the worker reads it."""

import re

import pytest
from playwright.sync_api import expect

from competitions.models import Proposal
from core.attachments import attachments_of
from tests.competitions import conftest as competitions
from tests.e2e.phone import assert_no_sideways_scroll, assert_within_screen_width
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The competitions' campaigns (open, closed, upcoming, company B's), as in their tests.
campaigns = competitions.campaigns

WIDTH, HEIGHT = 360, 740

TITLE = "井下喷雾降尘装置节水改造"
POST = "综采工作面喷雾泵站"
SITUATION = "喷雾装置常开，用水量大，巷道积水。"
IMPROVEMENT = "加装感应阀，采煤机经过时才喷雾。"
EFFECT = "节水四成，粉尘浓度不升高。"
COMMENT = "请补充每月节水量的实测数据，再提交。"
# The thumbnail is a real image the server made, not a broken link.
THUMBNAIL_LOADED = """() => {
  const img = document.querySelector("[data-testid=photo-thumb]");
  return img !== null && img.complete && img.naturalWidth > 0;
}"""


def test_worker_writes_leaves_comes_back_submits_and_reads_the_offices_comment(
    org,
    campaigns,
    live_server,
    open_page,
    screenshot,
    sign_in,
    photo,
    media,
):
    PersonFactory(employee_no="worker", full_name="张师傅", org_unit=org.team_a101)
    assert org.group_official.employee_no == "official"

    # Given the worker on their phone, in Chinese, on the five-small page
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, "worker")
    page.goto(f"{live_server.url}/competitions/")
    start = page.get_by_test_id("start-proposal")
    expect(start).to_contain_text("提交小改小革")
    expect(start).to_contain_text(campaigns.open.name)
    assert_within_screen_width(start)
    screenshot(page, "competitions-360px-0-home")
    assert_no_sideways_scroll(page)

    # When they tap the button, the short form opens for the open campaign
    start.click()
    expect(page).to_have_url(
        f"{live_server.url}/competitions/proposals/new/?campaign={campaigns.open.pk}"
    )
    form = page.locator("#proposal-form")
    expect(form.locator(".category-card")).to_have_count(5)
    screenshot(page, "competitions-360px-1-empty-form")
    assert_no_sideways_scroll(page)

    # And they pick a category and type the proposal
    form.locator(".category-card", has_text="小革新").click()
    expect(form.locator("input[name=category][value=innovation]")).to_be_checked()
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=post]").fill(POST)
    form.locator("textarea[name=current_situation]").fill(SITUATION)
    form.locator("textarea[name=improvement]").fill(IMPROVEMENT)
    form.locator("textarea[name=expected_effect]").fill(EFFECT)
    form.locator("input[name=expected_benefit]").fill("120000")
    form.locator("input[name=goals][value=energy]").check()

    # Then it is saved as they go, and the address becomes the draft's own
    status = page.get_by_test_id("save-status")
    expect(status).to_contain_text("保存", timeout=10_000)
    expect(page).to_have_url(re.compile(r"/competitions/proposals/\d+/edit/$"))
    draft = Proposal.objects.get()
    expect(form.locator("#draft-id")).to_have_value(str(draft.pk))

    # When they add a photo from the camera
    form.locator("input[name=photo]").set_input_files(photo)

    # Then it is uploaded at once and shown as a thumbnail
    thumbnail = form.get_by_test_id("photo-thumb")
    expect(thumbnail).to_have_count(1, timeout=10_000)
    expect(thumbnail).to_be_visible()
    expect(status).to_contain_text("保存")
    page.wait_for_function(THUMBNAIL_LOADED)
    screenshot(page, "competitions-360px-2-filled-and-saved")
    assert_no_sideways_scroll(page)
    submit = page.get_by_test_id("submit-proposal")
    assert_within_screen_width(submit)
    assert_within_screen_width(page.get_by_test_id("save-draft"))

    # And everything typed is in the draft, still a draft
    draft.refresh_from_db()
    assert (draft.status, draft.title, draft.category) == ("draft", TITLE, "innovation")
    assert (draft.post, draft.expected_effect, draft.goals) == (POST, EFFECT, ["energy"])
    assert attachments_of(draft).count() == 1
    assert Proposal.objects.count() == 1

    # When they leave, and come back through "my proposals"
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/competitions/")
    page.get_by_role("link", name=re.compile("全部|我的")).first.click()
    expect(page).to_have_url(f"{live_server.url}/competitions/mine/")
    row = page.get_by_test_id("proposal-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("草稿")
    screenshot(page, "competitions-360px-3-my-proposals")
    assert_no_sideways_scroll(page)
    row.click()

    # Then the draft is there as they left it, with the photo
    expect(page).to_have_url(f"{live_server.url}/competitions/proposals/{draft.pk}/edit/")
    form = page.locator("#proposal-form")
    expect(form.locator("input[name=title]")).to_have_value(TITLE)
    expect(form.locator("input[name=post]")).to_have_value(POST)
    expect(form.locator("textarea[name=current_situation]")).to_have_value(SITUATION)
    expect(form.locator("textarea[name=improvement]")).to_have_value(IMPROVEMENT)
    expect(form.locator("textarea[name=expected_effect]")).to_have_value(EFFECT)
    expect(form.locator("input[name=category][value=innovation]")).to_be_checked()
    expect(form.locator("input[name=goals][value=energy]")).to_be_checked()
    expect(form.get_by_test_id("photo-thumb")).to_have_count(1)
    page.wait_for_function(THUMBNAIL_LOADED)
    screenshot(page, "competitions-360px-4-draft-again")
    assert_no_sideways_scroll(page)

    # When they submit it in one tap
    page.get_by_test_id("submit-proposal").click()

    # Then the status page shows its code and the timeline in plain words
    expect(page).to_have_url(f"{live_server.url}/competitions/proposals/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.status == "submitted"
    expect(page.get_by_test_id("proposal-code")).to_have_text(draft.code)
    assert re.fullmatch(rf"{campaigns.open.year}-A101-\d{{4}}", draft.code)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("已提交给工会")
    expect(page.locator("main .alert-success")).to_be_visible()
    screenshot(page, "competitions-360px-5-submitted")
    assert_no_sideways_scroll(page)

    # When the group's union official opens the screening queue on their phone
    office = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(office, live_server, "official")
    office.goto(f"{live_server.url}/competitions/")
    office.get_by_test_id("screening-link").click()
    entry = office.get_by_test_id("queue-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(TITLE)
    expect(entry).to_contain_text(draft.code)
    screenshot(office, "competitions-360px-6-screening-queue")
    assert_no_sideways_scroll(office)

    # And returns it from the proposal's page with a comment
    entry.get_by_role("link", name=TITLE).click()
    expect(office).to_have_url(f"{live_server.url}/competitions/proposals/{draft.pk}/")
    actions = office.get_by_test_id("screening-actions")
    actions.locator("summary", has_text="退回").click()
    actions.locator("textarea[name=comment]").fill(COMMENT)
    screenshot(office, "competitions-360px-7-return-form")
    assert_no_sideways_scroll(office)
    # Returning cannot be taken back by the author: the page asks first, quoting the comment
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    office.once("dialog", answer)
    actions.get_by_test_id("return").click()
    expect(office.locator("main .alert-success")).to_be_visible()
    assert len(questions) == 1 and COMMENT in questions[0]
    expect(office.get_by_test_id("timeline")).to_contain_text(COMMENT)
    screenshot(office, "competitions-360px-8-returned")
    draft.refresh_from_db()
    assert draft.status == "returned"

    # Then the worker sees the comment on the status page
    page.reload()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("退回给你修改")
    expect(timeline).to_contain_text(COMMENT)
    expect(page.get_by_test_id("edit-proposal")).to_be_visible()
    screenshot(page, "competitions-360px-9-returned-for-worker")
    assert_no_sideways_scroll(page)

    # And on the form they revise it in
    page.get_by_test_id("edit-proposal").click()
    expect(page.get_by_test_id("return-comment")).to_contain_text(COMMENT)
    screenshot(page, "competitions-360px-10-revise")
    assert_no_sideways_scroll(page)


def test_switching_the_language_mid_form_keeps_the_draft_and_what_was_typed(
    org, campaigns, live_server, open_page, sign_in
):
    PersonFactory(employee_no="worker", full_name="张师傅", org_unit=org.team_a101)
    # Given the worker on the phone form, the title saved as a draft
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, "worker")
    page.goto(f"{live_server.url}/competitions/proposals/new/?campaign={campaigns.open.pk}")
    form = page.locator("#proposal-form")
    form.locator("input[name=title]").fill(TITLE)
    expect(page.get_by_test_id("save-status")).to_contain_text("保存", timeout=10_000)
    draft = Proposal.objects.get()

    # When they type more and at once switch to English
    form.locator("input[name=post]").fill(POST)
    page.get_by_test_id("language-en").click()

    # Then they are back on their draft, in English, with all they typed, and
    # no second draft was started
    expect(page).to_have_url(f"{live_server.url}/competitions/proposals/{draft.pk}/edit/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    form = page.locator("#proposal-form")
    expect(form.locator("input[name=title]")).to_have_value(TITLE)
    expect(form.locator("input[name=post]")).to_have_value(POST)
    assert Proposal.objects.count() == 1
