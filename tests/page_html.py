"""Reading a rendered page the way a person sees it: one form among several,
and the message shown beside a field."""

import re
from html.parser import HTMLParser


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


def posted_as_shown(form_html: str) -> dict[str, list[str]]:
    """What a browser without JavaScript posts for a form left as shown: each
    box's value (a picker's `<name>_key` with its keys), each ticked box, each
    text area's text and each list's selected option; a formset's row
    template (`__prefix__`) aside."""
    reader = _ShownValues()
    reader.feed(form_html)
    reader.close()
    return {name: values for name, values in reader.values.items() if "__prefix__" not in name}


class _ShownValues(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self.text_of = None  # the text area being read
        self.select = None  # the list being read: its name and options
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                default = "on" if kind in ("checkbox", "radio") else ""
                self.values.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "textarea" and name:
            self.text_of = name
            self.values.setdefault(name, []).append("")
        elif tag == "select" and name:
            self.select = (name, [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value", ""), "selected" in attrs]
            self.select[1].append(self.option)

    def handle_data(self, data):
        if self.text_of is not None:
            self.values[self.text_of][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.text_of is not None:
            # A browser drops the one line break that opens a text area.
            text = self.values[self.text_of][-1]
            self.values[self.text_of][-1] = text.removeprefix("\r\n").removeprefix("\n")
            self.text_of = None
        elif tag == "select" and self.select is not None:
            name, options = self.select
            chosen = [value for value, selected in options if selected] or [
                value for value, _selected in options[:1]
            ]
            self.values.setdefault(name, []).extend(chosen)
            self.select = None
