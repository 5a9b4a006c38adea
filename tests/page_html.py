"""Reading a rendered page the way a person sees it: one form among several,
and the message shown beside a field."""


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
    end = form_html.find('<div class="mb-3">', start)
    block = form_html[start : end if end != -1 else None]
    assert f'<div class="invalid-feedback d-block">{message}</div>' in block, block


def picker_of(html: str, name: str) -> str:
    """The address the picker of the field `name` searches (core.pickers: the
    `data-picker` of the box named `<name>_key`)."""
    box = html.index(f'name="{name}_key"')
    start = html.rindex('data-picker="', 0, box) + len('data-picker="')
    return html[start : html.index('"', start)]
