"""Choosing in a picker (static/js/picker.js) the way a person does: typing
into its box and tapping the match."""

from playwright.sync_api import expect


def picker_of(container, field_name: str):
    return container.locator(f".picker:has(input[name='{field_name}_key'])")


def pick(container, field_name: str, typed: str, match: str) -> None:
    """Type `typed` into the picker of `field_name` and choose the match showing `match`."""
    picker = picker_of(container, field_name)
    picker.locator("input[type=text]").fill(typed)
    option = picker.locator(".picker-results li", has_text=match)
    expect(option).to_be_visible()
    option.click()
    expect(picker.locator(".picker-chosen li", has_text=match)).to_be_visible()
