from django import template

from showcase.rendering import markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text: str):
    """A story body as sanitised HTML (see showcase.rendering)."""
    return markdown_to_safe_html(text)
