from django.db import migrations, models
from django.db.models.functions import ExtractYear


def years_from_dates(apps, schema_editor):
    Certificate = apps.get_model("documents", "Certificate")
    Certificate.objects.update(year=ExtractYear("awarded_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="awarded_on",
            field=models.DateField(blank=True, null=True, verbose_name="date"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="year",
            field=models.PositiveSmallIntegerField(default=2000, verbose_name="year"),
            preserve_default=False,
        ),
        migrations.RunPython(years_from_dates, migrations.RunPython.noop),
    ]
