"""Every string in the Chinese catalogue is translated, and the compiled catalogue
shipped in the repository matches it (a fresh machine needs no gettext)."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def _pairs(entries) -> set:
    return {
        (entry.msgctxt, entry.msgid, entry.msgstr or tuple(sorted(entry.msgstr_plural.items())))
        for entry in entries
        if entry.msgid  # the header
    }


def test_compiled_catalogue_matches_the_source():
    source = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))
    assert _pairs(source.translated_entries()) == _pairs(compiled)
