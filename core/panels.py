"""Panels that apps add to another app's page without the page's app importing
them (dependencies run one way: achievements → studios, never back).

    register("studio_detail", order=10)(panel_function)

A panel function takes (request, obj) and returns (template_name, context) or
None to show nothing. The page renders every registered panel in order.
"""

from collections.abc import Callable

_panels: dict[str, list[tuple[int, Callable]]] = {}


def register(page: str, *, order: int = 100):
    def add(func: Callable):
        _panels.setdefault(page, []).append((order, func))
        _panels[page].sort(key=lambda entry: entry[0])
        return func

    return add


def render_panels(page: str, request, obj) -> list[tuple[str, dict]]:
    """(template, context) of each panel that has something to show."""
    rendered = []
    for _order, func in _panels.get(page, []):
        panel = func(request, obj)
        if panel is not None:
            rendered.append(panel)
    return rendered
