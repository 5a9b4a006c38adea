"""The craftsman showcase in a browser. On a 360 px phone in Chinese, a worker of
company B goes from the navigation to the honour roll, opens the profile of
company A's craftsman 张建国, sees whom he trained and whom they train in turn,
and reads the story about him. At desktop width, a studio lead's story goes
through review: the lead sends it, company A's official publishes and features
it, and a worker finds it on their home page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import SkillLevel, User
from apprenticeships import services as mentoring
from showcase import services
from showcase.models import Story
from studios import services as studio_services
from studios.models import Honour, RecognitionList
from tests.e2e.home import open_home
from tests.e2e.phone import assert_no_sideways_scroll, assert_within_screen_width
from tests.factories import PersonFactory
from tests.showcase.conftest import days_ago, make_story, showcase  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 780
DESKTOP_WIDTH, DESKTOP_HEIGHT = 1280, 800

CRAFTSMAN, MASTER, PUPIL = "张建国", "李师傅", "王小明"
STORY_TITLE = "追光的人"
STORY_TEXT = "他在井下干了二十年，把巷道里的呼吸性粉尘降了九成。"
BODY = f"""## 一线

{STORY_TEXT}

> 粉尘降下来，工友们的肺才保得住。

- 自制喷雾降尘装置
- 带出徒弟十二人

资料：https://intranet.example.cn/showcase/stories/zhang-jianguo-dust-control-twenty-years-underground
"""


@pytest.fixture
def heroes(showcase):  # noqa: F811 - the fixture imported above
    """The `showcase` world with names and honours: lead_a is 张建国, named a
    national craftsman in 2024, whose dust studio is on the 2023 provincial list;
    he trained 李师傅 (member_a), who trains 王小明. The featured story 追光的人 is
    about him, with a longer text."""
    org, studios = showcase.org, showcase.studios
    User.objects.filter(pk=studios.lead_a.pk).update(full_name=CRAFTSMAN)
    User.objects.filter(pk=studios.member_a.pk).update(full_name=MASTER)
    lead, master = User.objects.get(pk=studios.lead_a.pk), User.objects.get(pk=studios.member_a.pk)
    pupil = PersonFactory(employee_no="tudi", full_name=PUPIL, org_unit=org.team_a102)
    official = org.group_official

    provincial = studio_services.recognition_list_create(
        by=official,
        title="省级示范性劳模和工匠人才创新工作室",
        conferred_by="省总工会",
        level=RecognitionList.Level.PROVINCIAL,
        year=2023,
        total_named=28,
    )
    studio_services.honour_create(by=official, recognition_list=provincial, studio=studios.dust)
    national = studio_services.recognition_list_create(
        by=official,
        title="大国工匠年度人物",
        conferred_by="全国总工会",
        level=RecognitionList.Level.NATIONAL,
        year=2024,
        total_named=10,
    )
    studio_services.honour_create(
        by=official,
        recognition_list=national,
        person=lead,
        personal_title=Honour.PersonalTitle.CRAFTSMAN,
    )

    for mentor, apprentice in ((lead, master), (master, pupil)):
        pairing = mentoring.pairing_propose(
            by=org.official_a,
            mentor=mentor,
            apprentice=apprentice,
            starts_on=days_ago(400),
            planned_end_on=days_ago(400) + datetime.timedelta(days=730),
            target_skill_level=SkillLevel.SENIOR,
            goals="传帮带",
        )
        mentoring.pairing_activate(
            pairing_id=pairing.pk, by=org.official_a, agreement_signed_on=days_ago(400)
        )
    services.story_update(story_id=showcase.featured_a.pk, by=org.official_a, body=BODY)
    showcase.lead, showcase.master, showcase.pupil = lead, master, pupil
    return showcase


def test_a_worker_finds_a_craftsman_on_the_honour_roll_and_reads_his_story(
    heroes, live_server, open_page, screenshot, sign_in
):
    base = live_server.url

    # Given a worker of company B signed in on their phone, in Chinese
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, "worker_b")
    open_home(page, live_server)
    expect(page).to_have_url(f"{base}/")
    home = page.get_by_test_id("home-showcase")
    expect(home.get_by_test_id("story-card")).to_contain_text(STORY_TITLE)
    expect(page.get_by_test_id("home-honours")).to_contain_text(CRAFTSMAN)
    screenshot(page, "showcase-360px-0-home")
    assert_no_sideways_scroll(page, WIDTH)

    # When they open the showcase from the navigation (工匠风采) and then the honour roll
    page.locator(".navbar-toggler").click()
    entry = page.locator("#main-nav").get_by_role("link", name="工匠风采", exact=True)
    expect(entry).to_be_visible()
    entry.click()
    expect(page).to_have_url(f"{base}/showcase/")
    expect(page.get_by_test_id("featured-stories")).to_contain_text(STORY_TITLE)
    screenshot(page, "showcase-360px-1-stories")
    assert_no_sideways_scroll(page, WIDTH)
    roll_link = page.get_by_test_id("honour-roll-link")
    assert_within_screen_width(roll_link, WIDTH)
    roll_link.click()

    # Then the honour roll names the craftsman and the dust studio's list with our share
    expect(page).to_have_url(f"{base}/showcase/honours/")
    person = page.get_by_test_id("roll-person").filter(has_text=CRAFTSMAN)
    expect(person).to_have_count(1)
    studios = page.get_by_test_id("roll-studios")
    expect(studios).to_contain_text(heroes.studios.dust.name)
    expect(studios.get_by_test_id("roll-share")).to_contain_text("28")
    screenshot(page, "showcase-360px-2-honour-roll")
    assert_no_sideways_scroll(page, WIDTH)

    # When they open his profile from the roll
    assert_within_screen_width(person, WIDTH)
    person.click()

    # Then the profile shows his honour and the lineage two generations deep
    expect(page).to_have_url(f"{base}/showcase/people/{heroes.lead.pk}/")
    expect(page.get_by_test_id("profile-name")).to_have_text(CRAFTSMAN)
    expect(page.get_by_test_id("profile-honour")).to_contain_text("2024")
    lineage = page.get_by_test_id("lineage")
    first = lineage.locator('[data-testid="lineage-node"][data-generation="1"]')
    expect(first).to_have_count(1)
    expect(first).to_contain_text(MASTER)
    second = first.locator('[data-testid="lineage-node"][data-generation="2"]')
    expect(second).to_have_count(1)
    expect(second).to_contain_text(PUPIL)
    expect(second).to_be_visible()
    for node in (first, second):
        box = node.locator(".lineage-person").first
        assert_within_screen_width(box, WIDTH)
    screenshot(page, "showcase-360px-3-profile")
    assert_no_sideways_scroll(page, WIDTH)

    # When they open the story about him from the profile
    story_link = page.get_by_test_id("profile-stories").get_by_role("link", name=STORY_TITLE)
    expect(story_link).to_be_visible()
    story_link.click()

    # Then they read it: the title, the people it is about and the text itself
    expect(page).to_have_url(f"{base}/showcase/stories/{heroes.featured_a.pk}/")
    expect(page.get_by_test_id("story-title")).to_have_text(STORY_TITLE)
    expect(page.get_by_test_id("story-person")).to_contain_text(CRAFTSMAN)
    body = page.get_by_test_id("story-body")
    expect(body).to_contain_text(STORY_TEXT)
    expect(body.get_by_text(STORY_TEXT)).to_be_visible()
    expect(body.locator("h2")).to_have_text("一线")
    expect(body.locator("blockquote")).to_be_visible()
    assert_within_screen_width(body, WIDTH)
    screenshot(page, "showcase-360px-4-story")
    assert_no_sideways_scroll(page, WIDTH)


def test_the_home_page_link_leads_to_the_honour_roll_on_a_phone(
    heroes, live_server, open_page, sign_in
):
    page = open_page(locale="zh-CN", width=WIDTH, height=HEIGHT)
    sign_in(page, live_server, "worker_a")
    open_home(page, live_server)
    link = page.get_by_test_id("home-showcase").locator('a[href="/showcase/honours/"]')
    assert_within_screen_width(link, WIDTH)
    link.click()
    expect(page).to_have_url(f"{live_server.url}/showcase/honours/")
    expect(page.get_by_test_id("roll-person").filter(has_text=CRAFTSMAN)).to_have_count(1)
    assert_no_sideways_scroll(page, WIDTH)


# --- Review at desktop width ---------------------------------------------------------

NEW_TITLE = "快板：师徒三代降尘记"
NEW_TEXT = "竹板这么一打呀，别的咱不夸，夸一夸咱们粉尘治理的好当家。"


def action(page, pk: int, name: str):
    """The form on the story page that posts to `name` (submit, publish …)."""
    return page.locator(f'main form[action="/showcase/stories/{pk}/{name}/"]')


def test_a_lead_writes_a_story_on_the_page(heroes, live_server, open_page, screenshot, sign_in):
    base = live_server.url
    page = open_page(locale="zh-CN", width=DESKTOP_WIDTH, height=DESKTOP_HEIGHT)
    sign_in(page, live_server, "lead_a")
    page.goto(f"{base}/showcase/stories/new/")
    form = page.locator("main form")
    form.locator("input[name=title]").fill(NEW_TITLE)
    form.locator("select[name=form]").select_option(Story.Form.CLAPPER_TALK)
    form.locator("input[name=creator]").fill("宣传部")
    form.locator("textarea[name=body]").fill(NEW_TEXT)
    form.locator(f'input[name=people][value="{heroes.master.pk}"]').check()
    form.locator(f'input[name=studios][value="{heroes.studios.dust.pk}"]').check()
    screenshot(page, "showcase-1280px-0-write")
    form.locator("button[type=submit]").click()

    story = Story.objects.get(title=NEW_TITLE)
    expect(page).to_have_url(f"{base}/showcase/stories/{story.pk}/")
    expect(page.get_by_test_id("story-body")).to_contain_text(NEW_TEXT)
    assert (story.status, story.author) == (Story.Status.DRAFT, heroes.lead)


def test_a_leads_story_is_reviewed_published_featured_and_reaches_a_workers_home(
    heroes, live_server, open_page, screenshot, sign_in
):
    base = live_server.url
    today = timezone.localdate()
    story = make_story(
        heroes.lead,
        title=NEW_TITLE,
        form=Story.Form.CLAPPER_TALK,
        body=NEW_TEXT,
        people=[heroes.master],
        studios=[heroes.studios.dust],
    )
    story_url = f"{base}/showcase/stories/{story.pk}/"

    # Given the lead on their draft's page, at desktop width
    lead = open_page(locale="zh-CN", width=DESKTOP_WIDTH, height=DESKTOP_HEIGHT)
    sign_in(lead, live_server, "lead_a")
    lead.goto(story_url)
    expect(lead.get_by_test_id("story-body")).to_contain_text(NEW_TEXT)
    screenshot(lead, "showcase-1280px-1-draft")

    # When they send it for review
    action(lead, story.pk, "submit").locator("button[type=submit]").click()

    # Then it waits for review and they can no longer edit it
    expect(lead).to_have_url(story_url)
    expect(lead.locator("main .alert-success")).to_be_visible()
    expect(lead.get_by_test_id("story-status")).to_have_class("badge story-status story-in_review")
    expect(lead.locator(f'main a[href="/showcase/stories/{story.pk}/edit/"]')).to_have_count(0)
    screenshot(lead, "showcase-1280px-2-sent")
    assert Story.objects.get(pk=story.pk).status == Story.Status.IN_REVIEW

    # When company A's official opens the stories waiting for review
    official = open_page(locale="zh-CN", width=DESKTOP_WIDTH, height=DESKTOP_HEIGHT)
    sign_in(official, live_server, "official_a")
    official.goto(f"{base}/showcase/")
    waiting = official.locator('main a[href="?status=in_review"]')
    expect(waiting).to_contain_text("2")  # this one and lead_a's earlier clapper talk
    waiting.click()
    official.locator("#results").get_by_role("link", name=NEW_TITLE).click()
    expect(official).to_have_url(story_url)
    screenshot(official, "showcase-1280px-3-review")

    # And publishes it (no date: today) and features it on the home pages
    action(official, story.pk, "publish").locator("button[type=submit]").click()
    expect(official).to_have_url(story_url)
    expect(official.get_by_test_id("story-status")).to_have_class(
        "badge story-status story-published"
    )
    action(official, story.pk, "feature").locator("button[type=submit]").click()
    expect(official.get_by_test_id("featured")).to_be_visible()
    screenshot(official, "showcase-1280px-4-published")
    published = Story.objects.get(pk=story.pk)
    assert (published.status, published.published_on, published.featured) == (
        Story.Status.PUBLISHED,
        today,
        True,
    )

    # Then a worker of company B finds it among the featured stories on their home page
    worker = open_page(locale="zh-CN", width=DESKTOP_WIDTH, height=DESKTOP_HEIGHT)
    sign_in(worker, live_server, "worker_b")
    open_home(worker, live_server)
    cards = worker.get_by_test_id("home-showcase").get_by_test_id("story-card")
    expect(cards.filter(has_text=NEW_TITLE)).to_have_count(1)
    expect(cards.first).to_contain_text(NEW_TITLE)  # the newest first
    screenshot(worker, "showcase-1280px-5-worker-home")
    cards.filter(has_text=NEW_TITLE).get_by_role("link", name=NEW_TITLE).click()
    expect(worker.get_by_test_id("story-body")).to_contain_text(NEW_TEXT)
