"""Platform settings a user relies on without noticing: static files collect for
production, SQLite is tuned for the web server and the worker writing at once."""

import pytest
from django.core.management import call_command
from django.db import connection


def test_collectstatic_with_hashed_names_finds_every_referenced_file(tmp_path, settings):
    # Production's WhiteNoise storage builds on this one: it rewrites references
    # (source maps included) and fails on any that points at a missing file.
    # (WhiteNoise's compression step is left out: it adds ~45 s and checks nothing more.)
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("only the embedded SQLite database is tuned this way")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
