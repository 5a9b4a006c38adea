"""Byte ranges as browsers ask for them to play or seek in audio and video
(RFC 9110 §14): one range is served, anything else gets the whole file."""

import re

# "bytes=0-", "bytes=1000-1999" or the last bytes "bytes=-500". Several ranges
# are not served. ASCII digits only: "１２" is not a number here.
RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")


class RangeNotSatisfiable(Exception):
    """A well-formed range that selects no byte of the file: answered 416."""


def _order(digits: str) -> tuple[int, str]:
    """Sorts decimal strings as their numbers, without int(), which refuses
    more than 4,300 digits."""
    digits = digits.lstrip("0")
    return len(digits), digits


def _at_most(digits: str, ceiling: int) -> int:
    """`digits` as a number, capped at `ceiling` (thousands of digits included)."""
    if _order(digits) > _order(str(ceiling)):
        return ceiling
    return int(digits)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of the single range `header` asks for. None to send
    the whole file: no range, one not understood, several, or an end before its
    start. RangeNotSatisfiable for one that starts past the end of the file or
    asks for its last 0 bytes."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        suffix = _at_most(last, size)
        if suffix == 0:
            raise RangeNotSatisfiable
        return size - suffix, size - 1
    if last and _order(last) < _order(first):
        return None
    if _order(first) >= _order(str(size)):
        raise RangeNotSatisfiable
    return int(first), _at_most(last, size - 1) if last else size - 1
