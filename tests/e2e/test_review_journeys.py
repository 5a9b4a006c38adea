"""Review, decision and award in a browser, on a 360 px phone in Chinese:
a reviewer from another company scores a proposal from their queue without
learning who wrote it; once the other reviews are in, the group's union official
decides it, records its implementation, verifies the benefit and awards it from
the proposal's page; the author then reads the award and their own share."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrgUnit
from competitions import services
from competitions.models import Award, Proposal, Review
from tests.competitions import conftest as competitions
from tests.competitions.review_steps import review
from tests.e2e.phone import assert_no_sideways_scroll, assert_within_screen_width
from tests.factories import PersonFactory, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The competitions' campaigns (open, closed, upcoming, company B's), as in their tests.
campaigns = competitions.campaigns

WIDTH, HEIGHT = 360, 740
DEPARTMENT = "综采一队"
EVIDENCE = "财务部确认单 CW-2024-031"


@pytest.fixture
def under_review(org, campaigns):
    """张师傅's proposal (李卫东 co-author at 30 %) in the open, blind campaign,
    screened by the group official and given to three reviewers of company C."""
    company_c = make_unit("C", org.group, OrgUnit.Kind.COMPANY)
    team_c101 = make_unit("C101", make_unit("C1", company_c, OrgUnit.Kind.PLANT))
    worker = PersonFactory(employee_no="worker", full_name="张师傅", org_unit=org.team_a101)
    co_author = PersonFactory(employee_no="co_author", full_name="李卫东", org_unit=org.team_a102)
    reviewers = [
        PersonFactory(employee_no=number, full_name=name, org_unit=team_c101)
        for number, name in (
            ("reviewer", "周评审"),
            ("reviewer2", "吴评审"),
            ("reviewer3", "郑评审"),
        )
    ]
    proposal = services.proposal_create(
        by=worker,
        campaign=campaigns.open,
        co_authors=[(co_author, Decimal(30))],
        **competitions.COMPLETE,
    )
    services.proposal_submit(proposal_id=proposal.pk, by=worker)
    services.proposal_screen(proposal_id=proposal.pk, by=org.group_official)
    services.reviewers_assign(proposal_id=proposal.pk, by=org.group_official, reviewers=reviewers)
    return Proposal.objects.get(pk=proposal.pk), reviewers


def test_reviewer_scores_official_decides_and_awards_author_reads_their_share(
    org, campaigns, under_review, live_server, open_page, screenshot, sign_in
):
    proposal, (_reviewer, reviewer2, reviewer3) = under_review
    assert org.group_official.employee_no == "official"
    identity = ["张师傅", "李卫东", "worker", "co_author", proposal.code, "Unit A101", "Unit A102"]

    # Given the reviewer on their phone, in Chinese, on the five-small page
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/competitions/")
    link = page.get_by_test_id("review-queue-link")
    expect(link).to_be_visible()
    expect(link).to_contain_text("1")
    assert_within_screen_width(link)
    screenshot(page, "review-360px-0-home")
    assert_no_sideways_scroll(page)

    # When they follow it, the queue lists the proposal with its deadline and progress
    link.click()
    expect(page).to_have_url(f"{live_server.url}/competitions/reviews/")
    item = page.get_by_test_id("queue-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(proposal.title)
    expect(item).to_contain_text(proposal.campaign.review_deadline.isoformat())
    expect(item).to_contain_text(re.compile(r"0\D+3"))  # none of the three reviewed yet
    screenshot(page, "review-360px-1-queue")
    assert_no_sideways_scroll(page)

    # And they open it: the rubric with each maximum, and nothing of who wrote it
    item.click()
    expect(page).to_have_url(f"{live_server.url}/competitions/reviews/{proposal.pk}/")
    form = page.get_by_test_id("review-form")
    inputs = form.locator("input[name^=criterion_]")
    expect(inputs).to_have_count(4)
    for index in range(4):  # full-width boxes, easy to tap
        assert inputs.nth(index).bounding_box()["width"] > WIDTH / 2
    assert [inputs.nth(i).get_attribute("max") for i in range(4)] == ["30", "30", "20", "20"]
    expect(form).to_contain_text("（0–30）")
    text = page.locator("body").inner_text()
    assert [secret for secret in identity if secret in text] == []
    assert [secret for secret in identity if secret in page.content()] == []
    screenshot(page, "review-360px-2-rubric")
    assert_no_sideways_scroll(page)

    # When they score it and send the review
    for index, points in enumerate(("26", "24.5", "16", "18")):
        inputs.nth(index).fill(points)
    form.locator("textarea[name=comment]").fill("节水效果明显，建议在各综采面推广。")
    save = page.get_by_test_id("save-review")
    assert_within_screen_width(save)
    screenshot(page, "review-360px-3-rubric-filled")
    save.click()

    # Then they are back in the queue, the proposal marked as scored
    expect(page).to_have_url(f"{live_server.url}/competitions/reviews/")
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.get_by_test_id("queue-item").locator(".text-bg-success")).to_be_visible()
    screenshot(page, "review-360px-4-scored")
    assert_no_sideways_scroll(page)
    saved = Review.objects.get(proposal=proposal)
    assert saved.total == Decimal("84.5")
    assert saved.comment == "节水效果明显，建议在各综采面推广。"

    # Given the two other reviews (70 and 90), and the group's official on their phone
    review(proposal, reviewer2, 20, 20, 15, 15)
    review(proposal, reviewer3, 27, 27, 18, 18)
    office = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(office, live_server, "official")

    # When they open the campaign's decisions board, the proposal leads with its score
    office.goto(f"{live_server.url}/competitions/campaigns/{proposal.campaign_id}/board/")
    row = office.get_by_test_id("board-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("81.50")
    expect(row).to_contain_text("3 / 3")
    screenshot(office, "review-360px-5-board")
    assert_no_sideways_scroll(office)

    # And the proposal's page: the reviews in, the score and the decision form
    row.get_by_role("link", name=proposal.title).click()
    expect(office).to_have_url(re.compile(rf"/competitions/proposals/{proposal.pk}/"))
    step = office.get_by_test_id("review-step")
    expect(step).to_contain_text("周评审")
    expect(office.get_by_test_id("current-score")).to_have_text("81.50")
    screenshot(office, "review-360px-6-review-step")
    assert_no_sideways_scroll(office)

    # When they approve it
    decide = office.get_by_test_id("decide-form")
    for outcome in ("approved", "rejected"):
        # each choice reads on one line, beside its radio button
        label = decide.locator(f"label:has(input[name=outcome][value={outcome}])")
        assert label.bounding_box()["height"] < 40
        assert_within_screen_width(label)
    decide.locator("input[name=outcome][value=approved]").check()
    assert_within_screen_width(office.get_by_test_id("decide"))
    # Each step that cannot be taken back asks first (the decision, the
    # implementation, the verified figure, the award), and they accept.
    questions = []
    office.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    office.get_by_test_id("decide").click()

    # Then the implementation step follows, and they record it
    expect(office.locator("main .alert-success")).to_be_visible()
    implement = office.get_by_test_id("implement-step")
    expect(implement).to_be_visible()
    screenshot(office, "review-360px-7-approved")
    assert_no_sideways_scroll(office)
    implement.locator("input[name=implemented_on]").fill(timezone.localdate().isoformat())
    implement.locator("input[name=department]").fill(DEPARTMENT)
    implement.get_by_test_id("implement").click()

    # And the verification of the benefit
    verify = office.get_by_test_id("verify-step")
    expect(verify).to_be_visible()
    verify.locator("input[name=verified_benefit]").fill("98000")
    verify.locator("textarea[name=evidence]").fill(EVIDENCE)
    screenshot(office, "review-360px-8-verify")
    assert_no_sideways_scroll(office)
    verify.get_by_test_id("verify").click()

    # And the award: the first prize, one place left of one
    award_step = office.get_by_test_id("award-step")
    expect(award_step).to_be_visible()
    grade = award_step.locator("select[name=grade]")
    expect(grade.locator("option[value=first]")).to_contain_text("1")
    grade.select_option("first")
    award_step.locator("summary").click()
    expect(award_step).to_contain_text("¥3,500.00")
    screenshot(office, "review-360px-9-award-step")
    assert_no_sideways_scroll(office)
    # the award fixes the money: the page asks first, and they accept
    award_step.get_by_test_id("award").click()

    # Then it is awarded, the split shown on the page and in the award table
    outcome = office.get_by_test_id("outcome")
    expect(outcome).to_contain_text("¥5,000.00")
    assert len(questions) == 4
    expect(outcome).to_contain_text("¥98,000.00")
    expect(outcome).to_contain_text(DEPARTMENT)
    screenshot(office, "review-360px-10-awarded")
    assert_no_sideways_scroll(office)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.AWARDED
    assert proposal.score == Decimal("81.50")
    award = Award.objects.get(proposal=proposal)
    assert sorted(share.amount_fen for share in award.shares.all()) == [150000, 350000]
    office.goto(f"{live_server.url}/competitions/campaigns/{proposal.campaign_id}/awards/")
    expect(office.get_by_test_id("quotas")).to_contain_text("0 / 1")
    expect(office.get_by_test_id("award-row")).to_contain_text("¥3,500.00")
    screenshot(office, "review-360px-11-award-table")
    assert_no_sideways_scroll(office)

    # And printed for the file, the award table is the table alone: no navigation,
    # no buttons, black on white, and it says who printed it
    office.emulate_media(media="print")
    expect(office.locator("nav.navbar")).to_be_hidden()
    controls = office.locator("main .btn, main form")
    assert controls.count() > 0
    for control in controls.all():
        expect(control).to_be_hidden()
    expect(office.get_by_test_id("award-row")).to_be_visible()
    expect(office.get_by_test_id("printed-by")).to_be_visible()
    assert office.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    screenshot(office, "review-360px-12-award-table-printed")
    office.emulate_media(media="screen")

    # When the author opens their proposal from the five-small page
    author = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(author, live_server, "worker")
    author.goto(f"{live_server.url}/competitions/")
    author.get_by_test_id("my-proposal").first.click()
    expect(author).to_have_url(f"{live_server.url}/competitions/proposals/{proposal.pk}/")

    # Then they read the award, and their own share of it, in bold
    award_line = author.get_by_test_id("award")
    expect(award_line).to_contain_text("¥5,000.00")
    mine = author.get_by_test_id("my-share")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("张师傅")
    expect(mine).to_contain_text("¥3,500.00")
    expect(author.get_by_test_id("timeline")).to_contain_text(EVIDENCE)
    screenshot(author, "review-360px-12-author-award")
    assert_no_sideways_scroll(author)
    assert_within_screen_width(mine)
