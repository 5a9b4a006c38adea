from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def cny(value):
    """¥1,234,567.00 — amounts of money as union reports print them."""
    if value is None or value == "":
        return "—"
    try:
        return f"¥{Decimal(value):,.2f}"
    except (InvalidOperation, ValueError, TypeError):
        return value
