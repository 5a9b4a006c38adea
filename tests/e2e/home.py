"""The page a person lands on after signing in."""


def wait_until_still(page) -> None:
    """The bell's count arrives just after the page (htmx): wait for it, so a
    first click in the navigation lands on a bar that no longer moves."""
    page.locator("[data-testid=notice-bell]:not([hx-get])").wait_for()


def open_home(page, live_server):
    """Open the home page, where signing in lands, and wait until it stands still."""
    page.goto(f"{live_server.url}/")
    wait_until_still(page)
    return page
