"""A list's search in a browser, typed as a person types Chinese: through an
input method, whose pinyin is no search. The union official on the screening
queue types 托辊: the queue filters once, when the word is chosen, with nothing
sent while the pinyin is spelt; Enter after typing sends one request, not three;
a choice filters at once."""

import re

import pytest
from playwright.sync_api import expect

from tests.competitions import conftest as competitions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The competitions' campaigns and proposals, as in their tests.
campaigns = competitions.campaigns
make_proposal = competitions.make_proposal
submitted = competitions.submitted

QUEUE = "/competitions/screening/"
PAUSE_MS = 400  # static/js/filter_form.js waits this long after the last key
SETTLED_MS = 3 * PAUSE_MS  # long enough for any request the page would still send


@pytest.fixture
def queue(org, submitted, live_server, open_page, sign_in):
    """Company A's official on the screening queue (three proposals waiting),
    with the requests the page sends from then on."""
    page = open_page(locale="zh-CN", width=1280, height=800)
    sign_in(page, live_server, org.official_a.employee_no)
    page.goto(f"{live_server.url}{QUEUE}")
    expect(page.get_by_test_id("queue-entry")).to_have_count(3)
    page.sent = []
    page.on("request", lambda request: QUEUE in request.url and page.sent.append(request.url))
    page.search = page.locator("#filters input[type=search]")
    page.search.click()
    return page


def compose(page, pinyin: str, word: str) -> None:
    """Type `word` as a pinyin input method does: the pinyin shows in the box
    while it is spelt (`composing`), then the chosen word replaces it."""
    page.search.dispatch_event("compositionstart", {"data": ""})
    for letter in pinyin:
        page.keyboard.insert_text(letter)
        page.wait_for_timeout(100)  # a person spelling, each key within the pause
    page.wait_for_timeout(SETTLED_MS)  # reading the candidates longer than the pause
    page.search.evaluate(f"box => box.setSelectionRange(0, {len(pinyin)})")
    page.keyboard.insert_text(word)
    page.search.dispatch_event("compositionend", {"data": word})


def searched(urls: list[str]) -> list[str]:
    return [re.search(r"search=([^&]*)", url).group(1) for url in urls]


def test_a_word_typed_through_an_input_method_filters_once_when_chosen(queue, submitted):
    compose(queue, "tuogun", "托辊")
    queue.wait_for_timeout(SETTLED_MS)

    assert searched(queue.sent) == ["%E6%89%98%E8%BE%8A"]  # 托辊, and no pinyin
    expect(queue.get_by_test_id("queue-entry")).to_have_count(1)
    expect(queue.get_by_test_id("queue-entry")).to_contain_text(submitted.roller.title)
    expect(queue).to_have_url(re.compile(r"search=%E6%89%98%E8%BE%8A"))


def test_enter_straight_after_the_word_sends_one_request(queue, submitted):
    compose(queue, "tuogun", "托辊")
    queue.keyboard.press("Enter")
    queue.wait_for_timeout(SETTLED_MS)

    assert len(queue.sent) == 1
    expect(queue.get_by_test_id("queue-entry")).to_have_count(1)

    # And Enter again, the search unchanged, sends nothing more
    queue.keyboard.press("Enter")
    queue.wait_for_timeout(SETTLED_MS)
    assert len(queue.sent) == 1


def test_typing_without_an_input_method_filters_once_after_the_pause(queue, submitted):
    queue.search.press_sequentially("节水改", delay=50)
    queue.wait_for_timeout(SETTLED_MS)

    assert len(queue.sent) == 1
    expect(queue.get_by_test_id("queue-entry")).to_have_count(2)  # spray and spray_again


def test_a_choice_filters_at_once_and_once(queue):
    queue.locator("#filters select[name=category]").select_option("suggestion")
    queue.wait_for_timeout(SETTLED_MS)

    assert len(queue.sent) == 1
    assert "category=suggestion" in queue.sent[0]
