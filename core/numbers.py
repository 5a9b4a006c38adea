"""Figures shown to officials, computed the same way on pages, API and reports."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """`part` of `whole` in per cent with one decimal, half up (6 of 28 → 21.4);
    None when there is no whole to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
