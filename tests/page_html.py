"""Reading a rendered page the way a person sees it: one form among several,
and the message shown beside a field."""

import re


def page_form(html: str) -> str:
    """The HTML of a plain form page's form (not the navbar's language buttons)."""
    start = html.index('<form method="post" novalidate class="card card-body"')
    return html[start : html.index("</form>", start)]


def form_of(html: str, action: str) -> str:
    """The HTML of the form posting to `action` (a record's page holds several)."""
    start = html.index(f'action="{action}"')
    return html[start : html.index("</form>", start)]


def error_beside(form_html: str, name: str, message: str) -> None:
    """`message` is shown in the block of the field `name`: after its input (a
    picker's box is `<name>_key`) and before the next field."""
    found = [form_html.find(f'name="{n}"') for n in (name, f"{name}_key")]
    start = max(found)
    assert start != -1, f"no field {name}"
    end = form_html.find('<div class="mb-3', start)  # a checkbox's: "mb-3 form-check"
    block = form_html[start : end if end != -1 else None]
    assert f'<div class="invalid-feedback d-block">{message}</div>' in block, block


def picker_of(html: str, name: str) -> str:
    """The address the picker of the field `name` searches (core.pickers: the
    `data-picker` of the box named `<name>_key`)."""
    box = html.index(f'name="{name}_key"')
    start = html.rindex('data-picker="', 0, box) + len('data-picker="')
    return html[start : html.index('"', start)]


def picker_searches(html: str, name: str) -> str:
    """The address the picker of the field `name` searches as the page stands,
    read as static/js/picker.js reads it: a picker following another field of
    its form (`data-picker-follows`) searches the address for the record
    chosen there, and its own `data-picker` while none is."""
    box = html.index(f'name="{name}_key"')
    tag = html[html.rindex('<div class="picker"', 0, box) : box]
    follows = re.search(r'data-picker-follows="([^"]*)" data-picker-follow-url="([^"]*)"', tag)
    chosen = _chosen_id(html, follows[1]) if follows else ""
    return follows[2].replace("{id}", chosen) if chosen else picker_of(html, name)


def _chosen_id(html: str, name: str) -> str:
    """The id of the one record chosen in the field `name`: a picker's chip,
    or a list's selected option (else its first, as a browser shows it)."""
    if f'name="{name}_key"' in html:
        box = html.index(f'name="{name}_key"')
        chips = html[box : html.index("</ol>", box)]
        ids = re.findall(r'class="picker-chip" data-key="[^"]*" data-id="([^"]*)"', chips)
        return ids[0] if len(ids) == 1 else ""
    listed = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    options = re.findall(r'<option value="([^"]*)"( selected)?', listed[1]) if listed else []
    chosen = [value for value, selected in options if selected] or [v for v, _ in options[:1]]
    return chosen[0] if chosen and chosen[0].isdigit() else ""
