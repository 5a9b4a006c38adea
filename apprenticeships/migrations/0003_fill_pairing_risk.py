# The at-risk columns of the pairings already there; from here on the services
# keep them and `manage.py check_pairings` checks them (docs/domain.md).

import datetime

from django.db import migrations
from django.db.models import OuterRef, Subquery

# The rule as it stood when the columns were added (apprenticeships/services/risk.py).
QUIET_FOR = datetime.timedelta(days=21)
DAY = datetime.timedelta(days=1)


def fill_risk(apps, schema_editor):
    Pairing = apps.get_model("apprenticeships", "Pairing")
    Attendance = apps.get_model("apprenticeships", "Attendance")
    Milestone = apps.get_model("apprenticeships", "Milestone")
    # One indexed subquery each per pairing, not a join of sessions and steps.
    last = (
        Attendance.objects.filter(pairing=OuterRef("pk"))
        .order_by("-session__held_on")
        .values("session__held_on")[:1]
    )
    next_due = (
        Milestone.objects.filter(pairing=OuterRef("pk"), done_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    pairings = (
        Pairing.objects.only("pk", "status", "starts_on")
        .annotate(last=Subquery(last), next_due=Subquery(next_due))
        .order_by("pk")
    )
    batch = []
    for pairing in pairings.iterator(chunk_size=2000):
        pairing.last_session_on = pairing.last
        pairing.next_step_due_on = pairing.next_due
        pairing.at_risk_from = None
        if pairing.status == "active":
            pairing.at_risk_from = (pairing.last or pairing.starts_on) + QUIET_FOR
            if pairing.next_due is not None:
                pairing.at_risk_from = min(pairing.at_risk_from, pairing.next_due + DAY)
        batch.append(pairing)
        if len(batch) >= 2000:
            Pairing.objects.bulk_update(batch, ["last_session_on", "next_step_due_on", "at_risk_from"])
            batch = []
    Pairing.objects.bulk_update(batch, ["last_session_on", "next_step_due_on", "at_risk_from"])


class Migration(migrations.Migration):

    dependencies = [
        ('apprenticeships', '0002_pairing_risk_columns'),
    ]

    operations = [
        migrations.RunPython(fill_risk, migrations.RunPython.noop),
    ]
