"""Studios revoked by hand before revoking a studio took its honours
(docs/naming.md#de-listing) still hold honours that stand. They are revoked as
the studio was, so that one rule counts every studio that lost its plaque: in
the years before its revocation, not from that year on. The day is the
studio's move to `revoked` (its status event, else its `status_changed_at`,
else the day this runs); the reason and who are the event's (a revocation
always had a reason), else a note that they were not recorded."""

from django.conf import settings
from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext


def revoke_standing_honours(apps, schema_editor):
    Studio = apps.get_model("studios", "Studio")
    StudioEvent = apps.get_model("studios", "StudioEvent")
    Honour = apps.get_model("studios", "Honour")
    with translation.override(settings.LANGUAGE_CODE):
        unrecorded = gettext("Revoked with its studio; the reason was not recorded.")
    standing = Honour.objects.filter(studio=OuterRef("pk"), revoked_on__isnull=True)
    # Few rows: the studios revoked by hand that were once named.
    for studio in Studio.objects.filter(Exists(standing), status="revoked").order_by("pk"):
        event = (
            StudioEvent.objects.filter(studio=studio, to_state="revoked")
            .order_by("-at", "-pk")
            .first()
        )
        moment = event.at if event is not None else studio.status_changed_at
        Honour.objects.filter(studio=studio, revoked_on__isnull=True).update(
            revoked_on=timezone.localdate(moment) if moment else timezone.localdate(),
            revoked_reason=(event.note.strip() if event is not None else "") or unrecorded,
            revoked_by_id=event.actor_id if event is not None else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0004_dormancy_and_revoked_honours"),
    ]

    operations = [migrations.RunPython(revoke_standing_honours, migrations.RunPython.noop)]
