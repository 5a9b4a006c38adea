"""A studio revoked by hand now counts in the share figures of the years before
its revocation, as a de-listed one does (docs/naming.md#de-listing): every kept
snapshot is marked stale again, so beat recomputes it within minutes."""

import importlib

from django.db import migrations

# The same marking as when the figures last changed their rule.
mark_stale = importlib.import_module("reports.migrations.0004_recompute_for_dormancy").mark_stale


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_recompute_for_dormancy"),
        ("studios", "0005_revoke_honours_of_revoked_studios"),
    ]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]
