"""Problems and achievements in a browser: a studio lead logs a solved problem and
an achievement with two contributors from the studio page (desktop and 360 px
phone), and shares that do not add up to 100 % are turned back."""

import re

import pytest
from playwright.sync_api import expect

from achievements.models import Achievement, TechnicalProblem
from tests.e2e.phone import assert_no_sideways_scroll
from tests.e2e.pickers import pick, picker_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = pytest.param(1280, 800, id="desktop")
PHONE = pytest.param(360, 740, id="phone")

PROBLEM_TITLE = "综采工作面回风巷粉尘浓度超标"
ACHIEVEMENT_TITLE = "综采支架自动喷雾降尘装置"


def fill_achievement_basics(form, title):
    form.locator("input[name=title]").fill(title)
    form.locator("select[name=kind]").select_option("equipment_modification")
    form.locator("input[name=completed_on]").fill("2024-06-30")
    form.locator("textarea[name=summary]").fill("在支架上加装感应喷雾，采煤机经过时自动喷雾。")


def add_second_contributor(form, person, share):
    form.get_by_test_id("add-contributor").click()
    expect(picker_of(form, "contributors-1-person")).to_be_visible()
    pick(form, "contributors-1-person", person.employee_no, person.full_name)
    form.locator("input[name=contributors-1-share]").fill(share)


@pytest.mark.parametrize(("width", "height"), [DESKTOP, PHONE])
def test_lead_logs_a_solved_problem_and_an_achievement_with_two_contributors(
    studios, live_server, open_page, screenshot, sign_in, width, height
):
    lead, member = studios.lead_a, studios.member_a
    studio_url = f"{live_server.url}/studios/{studios.dust.pk}/"

    # Given the lead of the dust studio, in Chinese, on its page with nothing logged yet
    page = open_page(locale="zh-CN", width=width, height=height)
    sign_in(page, live_server, lead.employee_no)
    page.goto(studio_url)
    expect(page.get_by_test_id("problem-count")).to_have_text("共 0 项，已攻克 0 项")
    expect(page.get_by_test_id("achievement-count")).to_have_text("0")
    screenshot(page, f"achievements-{width}px-0-studio")
    assert_no_sideways_scroll(page, width)

    # When they follow "登记课题", the form has the studio chosen already
    log_problem = page.get_by_test_id("log-problem")
    expect(log_problem).to_have_text("登记课题")
    log_problem.click()
    expect(page).to_have_url(
        f"{live_server.url}/achievements/problems/new/?studio={studios.dust.pk}"
    )
    form = page.locator("main form")
    expect(form.locator("select[name=studio]")).to_have_value(str(studios.dust.pk))
    screenshot(page, f"achievements-{width}px-1-problem-form")
    assert_no_sideways_scroll(page, width)

    # And they log work already done: a solved dust problem, with its team and benefits
    form.locator("input[name=title]").fill(PROBLEM_TITLE)
    form.locator("select[name=category]").select_option(label="粉尘治理")
    form.locator("select[name=status]").select_option("solved")
    form.locator("textarea[name=description]").fill("回风巷粉尘浓度长期超标，影响职业健康。")
    form.locator("input[name=started_on]").fill("2024-01-15")
    form.locator("input[name=solved_on]").fill("2024-06-20")
    pick(form, "team", lead.employee_no, lead.full_name)
    pick(form, "team", member.employee_no, member.full_name)
    form.locator("input[name=estimated_benefit]").fill("120000")
    form.locator("input[name=realised_benefit]").fill("150000")
    screenshot(page, f"achievements-{width}px-2-problem-filled")
    form.get_by_role("button", name="保存", exact=True).click()

    # Then its page shows it as solved
    expect(page).to_have_url(re.compile(r"/achievements/problems/\d+/$"))
    expect(page.get_by_test_id("problem-title")).to_have_text(PROBLEM_TITLE)
    expect(page.get_by_test_id("problem-status")).to_have_text("已攻克")
    expect(page.locator("main .alert-success")).to_be_visible()
    screenshot(page, f"achievements-{width}px-3-problem-saved")
    assert_no_sideways_scroll(page, width)

    # When they go back to the studio page and follow "登记成果"
    page.goto(studio_url)
    log_achievement = page.get_by_test_id("log-achievement")
    expect(log_achievement).to_have_text("登记成果")
    log_achievement.click()
    expect(page).to_have_url(f"{live_server.url}/achievements/new/?studio={studios.dust.pk}")

    # Then they are the first contributor, with the whole share
    form = page.locator("main form")
    contributors = form.get_by_test_id("contributors")
    expect(contributors.locator("input[name=contributors-0-person_key]")).to_have_value(
        lead.employee_no
    )
    expect(contributors.locator("input[name=contributors-0-share]")).to_have_value("100")
    expect(contributors.locator(".contributor-row")).to_have_count(1)
    screenshot(page, f"achievements-{width}px-4-achievement-form")
    assert_no_sideways_scroll(page, width)

    # When they describe the achievement, from the problem just solved, and split the
    # credit 60/40 with the studio's core member in a second row
    fill_achievement_basics(form, ACHIEVEMENT_TITLE)
    form.locator("select[name=origin_problem]").select_option(label=PROBLEM_TITLE)
    form.locator("input[name=claimed_benefit]").fill("150000")
    form.locator("select[name=promotion]").select_option("studio")
    form.locator("textarea[name=awards]").fill("2024 年度集团职工技术创新成果二等奖")
    contributors.locator("input[name=contributors-0-share]").fill("60")
    expect(form.get_by_test_id("add-contributor")).to_have_text("添加完成人")
    add_second_contributor(form, member, "40")
    expect(contributors.locator(".contributor-row")).to_have_count(2)
    screenshot(page, f"achievements-{width}px-5-achievement-filled")
    assert_no_sideways_scroll(page, width)
    form.get_by_role("button", name="保存", exact=True).click()

    # Then its page names both contributors, in order, with their shares
    expect(page).to_have_url(re.compile(r"/achievements/\d+/$"))
    expect(page.get_by_test_id("achievement-title")).to_have_text(ACHIEVEMENT_TITLE)
    expect(page.locator("main .alert-success")).to_be_visible()
    contributor_items = page.locator("main section", has_text="完成人").locator("ol > li")
    expect(contributor_items).to_have_text(
        [f"{lead.full_name} 60.00%", f"{member.full_name} 40.00%"]
    )
    expect(page.locator("main .lineage")).to_contain_text(PROBLEM_TITLE)
    screenshot(page, f"achievements-{width}px-6-achievement-saved")
    assert_no_sideways_scroll(page, width)

    # And back on the studio page the counts went up
    page.goto(studio_url)
    expect(page.get_by_test_id("problem-count")).to_have_text("共 1 项，已攻克 1 项")
    expect(page.get_by_test_id("achievement-count")).to_have_text("1")
    records = page.locator("#records")
    expect(records.get_by_role("link", name=PROBLEM_TITLE, exact=True)).to_be_visible()
    expect(records.get_by_role("link", name=ACHIEVEMENT_TITLE, exact=True)).to_be_visible()
    screenshot(page, f"achievements-{width}px-7-studio-after")
    assert_no_sideways_scroll(page, width)

    problem = TechnicalProblem.objects.get()
    assert problem.status == TechnicalProblem.Status.SOLVED
    assert set(problem.team.all()) == {lead, member}
    achievement = Achievement.objects.get()
    assert achievement.origin_problem == problem
    assert [(c.person, str(c.share)) for c in achievement.contributors.all()] == [
        (lead, "60.00"),
        (member, "40.00"),
    ]


def test_shares_that_do_not_add_up_to_100_are_turned_back(
    studios, live_server, open_page, screenshot, sign_in
):
    # Given the lead on the achievement form of their studio
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, studios.lead_a.employee_no)
    page.goto(f"{live_server.url}/studios/{studios.dust.pk}/")
    page.get_by_test_id("log-achievement").click()
    form = page.locator("main form")

    # When they split the credit 60/30 and save
    fill_achievement_basics(form, ACHIEVEMENT_TITLE)
    form.locator("input[name=contributors-0-share]").fill("60")
    add_second_contributor(form, studios.member_a, "30")
    form.get_by_role("button", name="保存", exact=True).click()

    # Then the form comes back, saying the shares must add up to 100, rows kept
    expect(page).to_have_url(f"{live_server.url}/achievements/new/?studio={studios.dust.pk}")
    error = page.locator("main form .alert-danger")
    expect(error).to_contain_text("100")
    expect(error).to_contain_text("90")
    expect(form.locator("input[name=contributors-1-share]")).to_have_value("30")
    expect(form.locator("input[name=title]")).to_have_value(ACHIEVEMENT_TITLE)
    screenshot(page, "achievement-shares-not-100")

    # And nothing was saved
    assert Achievement.objects.count() == 0
