"""Mentoring in a browser, on a 360 px phone in Chinese: a mentor of the dust
studio logs one session with both of their apprentices from "my apprentices";
one apprentice confirms it from "my apprenticeship" and marks the next step of
their plan done with a few words and a photo taken on the spot."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from apprenticeships import services
from apprenticeships.models import Attendance, Milestone, Session
from core.attachments import attachments_of
from tests.apprenticeships.conftest import days_ago
from tests.e2e.phone import assert_no_sideways_scroll, assert_within_screen_width
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740

STEP = "独立完成呼吸性粉尘采样"
TOPIC = "呼吸性粉尘采样器的使用与校准"
EVIDENCE = "在3号回风巷独立采样三次，数据经师傅复核合格。"


@pytest.fixture
def pupils(studios):
    """member_a (李师傅, a core member of the dust studio) mentors 王小明 and
    赵小刚, both active for ten days; 王小明's plan has one step, due in two weeks."""
    User.objects.filter(pk=studios.member_a.pk).update(full_name="李师傅")
    mentor = User.objects.get(pk=studios.member_a.pk)
    first = PersonFactory(employee_no="tudi_1", full_name="王小明", org_unit=studios.org.team_a101)
    second = PersonFactory(employee_no="tudi_2", full_name="赵小刚", org_unit=studios.org.team_a101)
    pairings = []
    for apprentice in (first, second):
        pairing = services.pairing_propose(
            by=studios.lead_a,
            mentor=mentor,
            apprentice=apprentice,
            studio=studios.dust,
            starts_on=days_ago(10),
            planned_end_on=days_ago(10) + datetime.timedelta(days=365),
            target_skill_level="intermediate",
            goals="掌握粉尘检测",
        )
        pairings.append(
            services.pairing_activate(
                pairing_id=pairing.pk, by=studios.lead_a, agreement_signed_on=days_ago(10)
            )
        )
    step = services.milestone_create(
        pairing_id=pairings[0].pk,
        by=mentor,
        title=STEP,
        due_on=days_ago(-14),
        skill="粉尘检测",
        method="现场示范",
    )
    studios.mentor, studios.first, studios.second = mentor, first, second
    studios.pairing, studios.other, studios.step = pairings[0], pairings[1], step
    return studios


def test_mentor_logs_a_group_session_and_the_apprentice_confirms_it_and_finishes_a_step(
    pupils, live_server, open_page, screenshot, sign_in, photo, media
):
    today = timezone.localdate()  # the server's (Shanghai) date
    base = live_server.url

    # Given the mentor on their phone, in Chinese, on "my apprentices"
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, "member_a")
    page.goto(f"{base}/apprenticeships/mentoring/")
    cards = page.get_by_test_id("apprentice-card")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="王小明")).to_have_count(1)
    expect(cards.filter(has_text="赵小刚")).to_have_count(1)
    log = page.locator('main a[href="/apprenticeships/sessions/new/"]')
    expect(log).to_be_visible()
    assert_within_screen_width(log)
    screenshot(page, "apprenticeship-360px-0-my-apprentices")
    assert_no_sideways_scroll(page)

    # When they tap the log-session button, tick both apprentices and fill it in
    log.click()
    expect(page).to_have_url(f"{base}/apprenticeships/sessions/new/")
    form = page.locator("main form")
    boxes = form.locator("input[name=pairings]")
    expect(boxes).to_have_count(2)
    boxes.nth(0).check()
    boxes.nth(1).check()
    form.locator("input[name=held_on]").fill(today.isoformat())
    form.locator("input[name=hours]").fill("2")
    form.locator("select[name=format]").select_option("on_site")
    form.locator("input[name=topic]").fill(TOPIC)
    form.locator("textarea[name=notes]").fill("先讲原理，再到现场操作。")
    screenshot(page, "apprenticeship-360px-1-log-session")
    assert_no_sideways_scroll(page)
    save = form.locator("button[type=submit]")
    assert_within_screen_width(save)
    save.click()

    # Then they are back on "my apprentices" with a confirmation, and one
    # session stands for both apprentices, neither confirmed yet
    expect(page).to_have_url(f"{base}/apprenticeships/mentoring/")
    expect(page.locator("main .alert-success")).to_be_visible()
    screenshot(page, "apprenticeship-360px-2-session-logged")
    assert_no_sideways_scroll(page)
    session = Session.objects.get()
    assert (session.topic, session.held_on, session.format) == (TOPIC, today, "on_site")
    assert session.mentor == pupils.mentor
    assert set(session.attendances.values_list("pairing", "confirmed_at")) == {
        (pupils.pairing.pk, None),
        (pupils.other.pk, None),
    }

    # When 王小明 opens "my apprenticeship" on their own phone
    phone = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(phone, live_server, "tudi_1")
    phone.goto(f"{base}/apprenticeships/mine/")
    waiting = phone.get_by_test_id("session-to-confirm")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(TOPIC)
    expect(waiting).to_contain_text("李师傅")
    expect(phone.get_by_test_id("next-step")).to_contain_text(STEP)
    screenshot(phone, "apprenticeship-360px-3-my-apprenticeship")
    assert_no_sideways_scroll(phone)
    confirm = waiting.locator("button[type=submit]")
    assert_within_screen_width(confirm)

    # And confirms the session
    confirm.click()

    # Then the confirmation is gone from the page and the session is marked attended
    expect(phone).to_have_url(f"{base}/apprenticeships/mine/")
    expect(phone.locator("main .alert-success")).to_be_visible()
    expect(phone.get_by_test_id("session-to-confirm")).to_have_count(0)
    expect(phone.locator("main li", has_text=TOPIC)).to_contain_text("✓")
    screenshot(phone, "apprenticeship-360px-4-confirmed")
    assert_no_sideways_scroll(phone)
    mine = Attendance.objects.get(session=session, pairing=pupils.pairing)
    assert mine.confirmed_at is not None
    other = Attendance.objects.get(session=session, pairing=pupils.other)
    assert other.confirmed_at is None

    # When they tap "mark done" on the next step, write a line and add a photo
    done = phone.get_by_test_id("next-step").get_by_role("link")
    assert_within_screen_width(done)
    done.click()
    expect(phone).to_have_url(f"{base}/apprenticeships/milestones/{pupils.step.pk}/done/")
    form = phone.locator("main form")
    form.locator("textarea[name=evidence]").fill(EVIDENCE)
    form.locator("input[name=photo]").set_input_files(photo)
    screenshot(phone, "apprenticeship-360px-5-mark-done")
    assert_no_sideways_scroll(phone)
    form.locator("button[type=submit]").click()

    # Then the pairing's plan shows the step done, with the words and the photo
    expect(phone).to_have_url(f"{base}/apprenticeships/{pupils.pairing.pk}/#plan")
    expect(phone.locator("main .alert-success")).to_be_visible()
    step = phone.get_by_test_id("milestone").filter(has_text=STEP)
    expect(step.get_by_test_id("milestone-done")).to_contain_text(today.strftime("%Y-%m-%d"))
    expect(step).to_contain_text(EVIDENCE)
    expect(step.get_by_role("link", name="现场照片.jpg")).to_be_visible()
    # and the session on the same page shows as confirmed by the apprentice
    expect(phone.get_by_test_id("session").filter(has_text=TOPIC)).to_contain_text("✓")
    screenshot(phone, "apprenticeship-360px-6-step-done")
    assert_no_sideways_scroll(phone)
    milestone = Milestone.objects.get(pk=pupils.step.pk)
    assert (milestone.done_on, milestone.evidence) == (today, EVIDENCE)
    attachment = attachments_of(milestone).get()
    assert (attachment.is_image, attachment.uploaded_by) == (True, pupils.first)

    # And the mentor, reloading "my apprentices", sees the next step gone
    page.goto(f"{base}/apprenticeships/mentoring/")
    expect(cards.filter(has_text="王小明")).not_to_contain_text(STEP)
    screenshot(page, "apprenticeship-360px-7-mentor-after")
    assert_no_sideways_scroll(page)


def test_the_due_date_of_a_step_stays_on_one_line_on_a_phone(
    pupils, live_server, open_page, sign_in
):
    phone = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(phone, live_server, "tudi_1")
    phone.goto(f"{live_server.url}/apprenticeships/mine/")
    step = phone.locator("main .plan-timeline > li", has_text=STEP)
    due = step.locator("span.text-muted")
    expect(due).to_contain_text(pupils.step.due_on.isoformat())
    assert_no_sideways_scroll(phone)
    # one box: “截止 yyyy-mm-dd” is not split over two lines
    assert due.evaluate("span => span.getClientRects().length") == 1
