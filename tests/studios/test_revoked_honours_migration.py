"""The data migration that gives studios revoked by hand, before revoking took
a studio's honours, the revoked honours de-listing gives
(studios/migrations/0005_revoke_honours_of_revoked_studios.py)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from studios import services
from studios.models import Honour, Studio

pytestmark = pytest.mark.django_db

migration = importlib.import_module("studios.migrations.0005_revoke_honours_of_revoked_studios")
REVOKED_AT = timezone.make_aware(datetime.datetime(2024, 3, 9, 23, 30))  # Shanghai time


def revoked_as_before(studio, by) -> None:
    """Revoke the studio by hand, then leave its honours standing, as the
    status change left them before it revoked them."""
    services.studio_change_status(
        studio_id=studio.pk, by=by, status=Studio.Status.REVOKED, reason="连续两年未开展活动"
    )
    studio.events.filter(to_state=Studio.Status.REVOKED).update(at=REVOKED_AT)
    Honour.objects.filter(studio=studio).update(revoked_on=None, revoked_reason="", revoked_by=None)


def revocations(studio) -> set[tuple]:
    return set(
        Honour.objects.filter(studio=studio).values_list(
            "revoked_on", "revoked_reason", "revoked_by"
        )
    )


def test_the_honours_are_revoked_on_the_day_with_the_reason_of_the_studios_revocation(
    studios, provincial_list
):
    # given the dust studio named, revoked by hand in 2024 with its honour left standing,
    # and the turbine studio named and still holding its title
    official = studios.org.group_official
    for studio in (studios.dust, studios.turbine):
        services.honour_create(by=official, recognition_list=provincial_list, studio=studio)
    revoked_as_before(studios.dust, official)
    # when the migration runs (twice: the second run finds nothing to do)
    migration.revoke_standing_honours(apps, None)
    migration.revoke_standing_honours(apps, None)
    # then the dust studio's honour is revoked that day (Shanghai's), the turbine's stands
    assert revocations(studios.dust) == {
        (datetime.date(2024, 3, 9), "连续两年未开展活动", official.pk)
    }
    assert revocations(studios.turbine) == {(None, "", None)}


def test_without_a_recorded_event_it_takes_the_status_change_day_else_today(
    studios, provincial_list
):
    official = studios.org.group_official
    for studio in (studios.dust, studios.turbine):
        services.honour_create(by=official, recognition_list=provincial_list, studio=studio)
        revoked_as_before(studio, official)
    Studio.objects.filter(pk__in=[studios.dust.pk, studios.turbine.pk]).update(
        status_changed_at=REVOKED_AT
    )
    Studio.objects.filter(pk=studios.turbine.pk).update(status_changed_at=None)
    Studio.objects.get(pk=studios.dust.pk).events.all().delete()
    Studio.objects.get(pk=studios.turbine.pk).events.all().delete()
    migration.revoke_standing_honours(apps, None)
    unrecorded = "随工作室撤销，原因未记录。"
    assert revocations(studios.dust) == {(datetime.date(2024, 3, 9), unrecorded, None)}
    assert revocations(studios.turbine) == {(timezone.localdate(), unrecorded, None)}
