from django import template

from core.numbers import percent

register = template.Library()


@register.filter
def percent_of(part, whole):
    """`{{ ours|percent_of:total }}` → "21.4" (empty when there is no total)."""
    value = percent(part or 0, whole or 0)
    return "" if value is None else value
