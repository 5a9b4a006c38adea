"""Title grams for "similar proposals": pairs of adjacent Chinese characters and
whole Latin words or numbers.

Chinese has no spaces, and PostgreSQL's trigram search works on words, so it
finds little in Chinese titles. Character bigrams are the usual answer: two
titles about the same thing share most of their bigrams (井下 下喷 喷雾 雾降 …).
The grams are stored per proposal (`TitleGram`) and matched with plain indexed
equality, so the same query runs on PostgreSQL and SQLite.
"""

import re
import unicodedata

# Runs of CJK ideographs, or of Latin letters and digits.
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
MAX_GRAM_LENGTH = 40


def title_grams(title: str) -> set[str]:
    """The distinct grams of a title (full-width forms and case folded first)."""
    text = unicodedata.normalize("NFKC", title or "").lower()
    grams: set[str] = set()
    for run in _RUNS.findall(text):
        if run.isascii():
            grams.add(run[:MAX_GRAM_LENGTH])
        elif len(run) == 1:
            grams.add(run)
        else:
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def dice(common: int, first: int, second: int) -> float:
    """Dice's coefficient of two gram sets: 1 for the same set, 0 for disjoint."""
    total = first + second
    return 2 * common / total if total else 0.0
