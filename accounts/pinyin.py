"""Pinyin keys of a person's name, so a picker finds 张三 by `zhangsan` or `zs`
(and by 张 or the employee number): stored on the person and indexed for
prefix search, since one- and two-letter queries need a prefix index."""

from functools import lru_cache


@lru_cache(maxsize=20_000)
def _syllable(char: str) -> str:
    """A character's usual reading without tone ("张" → "zhang"); letters and
    digits stay as they are. Cached per character: a group's names use a few
    thousand characters, so 300,000 names take a second, not twenty."""
    # Imported here: pypinyin reads its dictionaries when imported (0.2 s), which
    # every process would pay at start (each web and Celery worker, each
    # command) though most never key a name.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(char, errors="default")).lower().strip()


def pinyin_keys(full_name: str) -> dict[str, str]:
    """{"name_pinyin": "zhangsan", "name_initials": "zs"} for "张三"."""
    syllables = [_syllable(char) for char in (full_name or "") if not char.isspace()]
    return {
        "name_pinyin": "".join(syllables)[:255],
        "name_initials": "".join(s[:1] for s in syllables if s)[:64],
    }
