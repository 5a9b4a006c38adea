from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, page: str, obj):
    """Render the panels other apps registered for `page` (see core.panels)."""
    request = context["request"]
    # Each part is a rendered (auto-escaped) template, so the whole is safe.
    return mark_safe(
        "".join(
            render_to_string(template_name, panel_context, request=request)
            for template_name, panel_context in render_panels(page, request, obj)
        )
    )
