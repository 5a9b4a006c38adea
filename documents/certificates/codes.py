"""Verification codes: random, unguessable, and easy to read off paper."""

import re
import secrets

# Digits and capitals without the look-alikes 0/O, 1/I/L: 31 symbols, so a
# 12-symbol code is one of 31**12 (about 8·10**17, 59 bits).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """`ABCDEFGHJKMN` as printed: `ABCD-EFGH-JKMN`."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalised(typed: str) -> str:
    """A code as someone may type it (lower case, with dashes or spaces) in its
    stored form."""
    return re.sub(r"[^0-9A-Za-z]", "", typed).upper()[:32]
