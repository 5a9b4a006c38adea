"""The nightly sweeps of dynamic management (docs/naming.md#dormancy): the
dormancy rule flags studios that produced nothing for a year and tells their
office; a rectification whose deadline came is checked for output and its
office told. Both are safe to run twice and after downtime: a flag keeps its
day, a check its finding, and each notice has a once key."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import officials_nearest
from naming.models import Rectification
from naming.selectors import (
    dormant_studios,
    output_since,
    rectifications_visible_to,
    studios_back_to_work,
)
from notices.services import notify
from studios import services as studio_services
from studios.models import Studio
from studios.selectors import studios_visible_to

DORMANT = "studios.studio_dormant"
CHECKED = "naming.rectification_checked"


@dataclass(frozen=True)
class DormancySweep:
    flagged: int  # studios newly flagged dormant
    cleared: int  # flags cleared: output appeared, or the studio left the rule
    told: int  # studios whose office was told


def _tell_office_dormant(studio: Studio) -> int:
    return len(
        notify(
            kind=DORMANT,
            recipients=officials_nearest(studio.org_unit).values_list("pk", flat=True),
            record=studio,
            text_params={"studio": studio.name, "since": studio.dormant_since.isoformat()},
            url=reverse("studios:studio-detail", args=[studio.pk]),
            # One notice per flag: a studio flagged again after output is told again.
            once_key=f"{DORMANT}:{studio.pk}:{studio.dormant_since.isoformat()}",
            office_unit=studio.org_unit,
            may_open=studios_visible_to,
        )
    )


@transaction.atomic
def dormancy_sweep(*, today: datetime.date | None = None) -> DormancySweep:
    """Flag every named or established studio with no achievement (papers
    included), no patent filed and no benefit verified in the last
    `NAMING_DORMANCY_MONTHS` months, clear the flags that no longer hold, and
    tell the office of each studio flagged now."""
    today = today or timezone.localdate()
    back = list(studios_back_to_work(today).values_list("pk", flat=True))
    found = dict(
        dormant_studios(today)
        .filter(dormant_since__isnull=True)
        .values_list("pk", "last_output_on")
    )
    flagged = studio_services.studios_dormancy_set(dormant_since=found, back_to_work=back)
    told = sum(
        bool(_tell_office_dormant(studio))
        for studio in Studio.objects.filter(pk__in=flagged).select_related("org_unit")
    )
    return DormancySweep(flagged=len(flagged), cleared=len(back), told=told)


@transaction.atomic
def _check(rectification_id: int, today: datetime.date) -> bool:
    rectification = (
        Rectification.objects.select_for_update()
        .select_related("studio", "studio__org_unit")
        .get(pk=rectification_id)
    )
    if not rectification_check(rectification, today=today):
        return False
    studio, output = rectification.studio, rectification.output
    notify(
        kind=CHECKED,
        recipients=officials_nearest(studio.org_unit).values_list("pk", flat=True),
        record=rectification,
        text_params={
            "studio": studio.name,
            "deadline": rectification.deadline.isoformat(),
            "achievements": output["achievements"],
            "patents": output["patents"],
            "benefits": output["benefits_verified"],
        },
        url=reverse("naming:rectification-detail", args=[rectification.pk]),
        once_key=f"{CHECKED}:{rectification.pk}",
        office_unit=studio.org_unit,
        may_open=rectifications_visible_to,
    )
    return True


def rectification_check(rectification: Rectification, *, today: datetime.date) -> bool:
    """Record, once, what the studio produced since the rectification opened,
    if its deadline has come (the caller holds the row lock). Whether it was
    checked now."""
    if (
        rectification.status != Rectification.Status.OPEN
        or rectification.checked_on is not None
        or today < rectification.deadline
    ):
        return False
    output = output_since(rectification.studio, rectification.opened_on)
    rectification.output = output
    rectification.output_found = any(output.values())
    rectification.checked_on = today
    rectification.save(update_fields=["output", "output_found", "checked_on"])
    return True


def rectification_checks_run(*, today: datetime.date | None = None) -> int:
    """The daily check of the open rectifications whose deadline has come
    (each in a transaction of its own); how many were checked now."""
    today = today or timezone.localdate()
    due = Rectification.objects.filter(
        status=Rectification.Status.OPEN, checked_on__isnull=True, deadline__lte=today
    ).values_list("pk", flat=True)
    return sum(_check(pk, today) for pk in list(due))
