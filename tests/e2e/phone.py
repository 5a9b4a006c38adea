"""What every browser journey checks on a phone: nothing wider than the screen."""

PHONE_WIDTH, PHONE_HEIGHT = 360, 740


def assert_no_sideways_scroll(page, width: int = PHONE_WIDTH) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_within_screen_width(locator, width: int = PHONE_WIDTH) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
