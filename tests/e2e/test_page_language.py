"""Each page in one language, in a browser: no English left on the Chinese
studio list (its sort choices) or dashboard, the English dashboard's months as
English abbreviations, and every category named under the proposals chart, on a
desktop and on a 360 px phone."""

import pytest

from accounts.models import OrgUnit
from tests.e2e.home import open_home
from tests.e2e.phone import PHONE_HEIGHT, PHONE_WIDTH, assert_no_sideways_scroll
from tests.e2e.test_dashboard_journeys import UNIT_NAMES, latin_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# At 1024 px the proposals card holds the category chart in a quarter of the
# screen, the narrowest it gets.
SCREENS = [
    pytest.param((1024, 768), id="1024px"),
    pytest.param((PHONE_WIDTH, PHONE_HEIGHT), id="360px"),
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# The labels Chart.js drew along a chart's category axis, after it skipped any
# that did not fit (a label drawn on two lines is joined again).
DRAWN_LABELS = """source => {
    const chart = Chart.getChart(document.querySelector(`canvas[data-source="${source}"]`));
    const axis = chart.scales[chart.options.indexAxis === "y" ? "y" : "x"];
    return axis.ticks.map(tick => [].concat(axis.getLabelForValue(tick.value)).join(" "));
}"""


@pytest.fixture
def official(org):
    """The group official, in a group whose units have real (Chinese) names."""
    for code, name in UNIT_NAMES.items():
        OrgUnit.objects.filter(code=code).update(name=name)
    return org.group_official


def open_dashboard(open_page, sign_in, live_server, person, *, locale, screen):
    width, height = screen
    page = open_page(locale=locale, width=width, height=height)
    sign_in(page, live_server, person.employee_no)
    open_home(page, live_server)  # an official's home is the dashboard
    page.wait_for_function("document.querySelectorAll('canvas.dashboard-chart').length === 2")
    return page


@pytest.mark.parametrize("screen", SCREENS)
def test_the_chinese_dashboard_names_every_category_under_its_chart(
    screen, official, live_server, open_page, sign_in, screenshot
):
    page = open_dashboard(open_page, sign_in, live_server, official, locale="zh-CN", screen=screen)
    screenshot(page, f"dashboard-categories-zh-{screen[0]}px")
    drawn = page.evaluate(DRAWN_LABELS, "chart-categories")
    assert drawn == ["小发明", "小创造", "小革新", "小设计", "小建议"]
    assert latin_words(page) == set()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_english_dashboard_shows_english_months_and_every_category(
    screen, official, live_server, open_page, sign_in, screenshot
):
    page = open_dashboard(open_page, sign_in, live_server, official, locale="en-US", screen=screen)
    screenshot(page, f"dashboard-categories-en-{screen[0]}px")
    # The longer English menu folds behind its button rather than widening the page.
    assert_no_sideways_scroll(page, screen[0])
    month_heads = page.locator("#trends thead th").all_inner_texts()[1:]
    assert month_heads == MONTHS
    assert page.evaluate(DRAWN_LABELS, "chart-trends") == MONTHS
    assert page.evaluate(DRAWN_LABELS, "chart-categories") == [
        "Small invention",
        "Small creation",
        "Small innovation",
        "Small design",
        "Small suggestion",
    ]


def test_the_studio_lists_sort_choices_are_chinese(official, org, live_server, open_page, sign_in):
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, org.worker_a.employee_no)
    page.goto(f"{live_server.url}/studios/")
    sort = page.locator("select[name=ordering]")
    assert sort.locator("option[value='-code']").inner_text() == "代码（倒序）"
    assert latin_words(page) == set()
