"""Chinese patent application numbers (专利申请号), as issued since 2003:

    YYYY T NNNNNNN . C      e.g. 2021 1 0123456 . 7

year, type digit (1 invention, 2 utility model, 3 design; 8 and 9 are PCT
applications entering China as invention / utility model), a seven-digit serial,
and a check digit: the twelve digits weighted 2,3,4,5,6,7,8,9,2,3,4,5, summed,
modulo 11, with 10 written X. Written with a "CN" or "ZL" prefix, spaces or no
dot; stored normalised as "202110123456.7".
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
TYPE_DIGITS = {"invention": {"1", "8"}, "utility_model": {"2", "9"}, "design": {"3"}}
_SHAPE = re.compile(r"^(?:CN|ZL)?(\d{12})\.?([\dX])$", re.ASCII)


def check_digit(twelve_digits: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(twelve_digits, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise(raw: str, patent_type: str) -> str:
    """Return the normalised number, or raise ValidationError saying what is wrong."""
    # Full-width digits and letters (typed with a Chinese input method) count as
    # their ASCII twins, so one number cannot be stored twice.
    compact = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "").upper())
    match = _SHAPE.match(compact)
    if not match:
        raise ValidationError(
            _("Write the application number like CN202110123456.7 or ZL 2021 1 0123456.7."),
            code="patent_number_format",
        )
    digits, check = match.groups()
    if digits[4] not in TYPE_DIGITS.get(patent_type, set()):
        raise ValidationError(
            _("The fifth digit (%(digit)s) does not match the patent type.") % {"digit": digits[4]},
            code="patent_number_type",
        )
    if check_digit(digits) != check:
        raise ValidationError(
            _("The check digit is wrong: this number cannot exist."), code="patent_number_check"
        )
    return f"{digits}.{check}"


def display(normalised: str) -> str:
    """ZL 2021 1 0123456.7, as printed on certificates."""
    return f"ZL {normalised[:4]} {normalised[4]} {normalised[5:]}"
