"""The dashboard's figures gained the count of dormant studios and count a
de-listed studio's honours by the year (docs/naming.md): every kept snapshot
is marked stale, so beat recomputes it within minutes."""

from django.db import migrations
from django.db.models import F


def mark_stale(apps, schema_editor):
    snapshots = apps.get_model("reports", "DashboardSnapshot")
    snapshots.objects.update(stale=True, version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_list_export"),
        ("studios", "0004_dormancy_and_revoked_honours"),
    ]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]
