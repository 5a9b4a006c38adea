"""Browser fixtures: one Debian Chromium for the session, a fresh context per
test with an explicit locale and viewport, and a place for screenshots."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's bundled browsers cannot be downloaded here, so it drives Debian's.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium's own widgets (date pickers, file inputs) follow this, not the page.
    "--lang=zh-CN",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop in this thread, so Django
        # would refuse ORM calls (the test database flush) as "async unsafe".
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def open_page(browser, request):
    """Open a page in a new context: `open_page(locale="zh-CN", width=1280, height=800)`.
    When the test fails, each page it opened is saved as it was left
    (test-artifacts/screenshots/failed-<test>-<n>.png)."""
    contexts = []

    def open_(*, locale, width, height):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_
    if request.node.stash.get(FAILED, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        test = re.sub(r"[^\w.-]+", "-", request.node.name)
        pages = [page for context in contexts for page in context.pages]
        for n, page in enumerate(pages):
            page.screenshot(path=SCREENSHOTS / f"failed-{test}-{n}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    """With `--screenshots`, save a full-page screenshot under
    test-artifacts/screenshots/<name>.png: the steps of each journey, to look
    through. Without it nothing is saved (a run takes about 150, each 50–100 ms
    of the browser's time); a failing journey's pages are saved anyway (`open_page`)."""
    if not request.config.getoption("screenshots"):
        return lambda page, name: None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return save


@pytest.fixture
def sign_in():
    """Sign a page's browser in as someone: `sign_in(page, live_server, employee_no)`.

    The session is opened as the sign-in page opens it (`django.contrib.auth.login`,
    so the sign-in is recorded and `last_login` written) and its cookie handed to
    the page's context; nothing is opened, so the test goes where the person goes
    first (`open_home` for the page the sign-in lands on). Driving the sign-in page
    cost each journey most of a second per person; the journeys about signing in
    (tests/e2e/test_sign_in_journey.py) still drive it (`fill_sign_in_form`).
    """

    def sign_in_(page, live_server, employee_no):
        client = Client()
        client.force_login(get_user_model().objects.get(employee_no=employee_no))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return sign_in_


@pytest.fixture
def fill_sign_in_form():
    """Open the sign-in page and fill in its form, for the journeys about signing
    in: `fill_sign_in_form(page, live_server, employee_no, password)`; the test
    submits it."""

    def fill(page, live_server, employee_no, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", employee_no)
        page.fill("input[name=password]", password)

    return fill


@pytest.fixture
def photo(tmp_path):
    """A small, real phone photo on disk (its name as a phone would give it)."""
    from PIL import Image

    path = tmp_path / "现场照片.jpg"
    Image.new("RGB", (800, 600), (90, 140, 60)).save(path, "JPEG")
    return path


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
