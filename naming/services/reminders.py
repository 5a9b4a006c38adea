"""Expert reminders, sent by the daily beat sweep (docs/notices.md): an expert
asked to score an application by a day hears three days before it while their
scores are not in, and again once it has passed, as does the office running
the call (one notice per application and day, naming every late expert).

Each reminder has a once key (the assignment's, or the application's and its
day for the office), so the sweep is safe to run twice, and after downtime it
sends what it missed: a reminder is due while its window lasts."""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import officials_nearest
from naming.models import ExpertAssignment, NamingApplication
from naming.selectors import (
    naming_applications_run_by,
    naming_applications_visible_to,
    unscored_assignments,
)
from notices.selectors import already_told, once_key
from notices.services import notify

# The expert hears this many days before the day (and on each day of it the
# sweep missed, once), as a reviewer of proposals does.
SCORE_DUE_SOON_DAYS = 3
DUE, OVERDUE = "naming.score_due", "naming.score_overdue"
OFFICE_OVERDUE = "naming.score_overdue_office"


@dataclass(frozen=True)
class ExpertReminders:
    due_soon: int  # experts told their scores are due within three days
    overdue: int  # experts told their scores are late
    office: int  # applications whose office was told of a late expert


def _application_url(application: NamingApplication) -> str:
    return reverse("naming:application-detail", args=[application.pk])


def _untold(assignments: QuerySet, kind: str) -> QuerySet[ExpertAssignment]:
    return (
        assignments.exclude(
            already_told(recipient=OuterRef("expert_id"), once_key=once_key(kind, F("pk")))
        )
        .select_related("application__studio", "application__call")
        .order_by("due_on", "pk")
    )


@transaction.atomic
def _remind(assignment: ExpertAssignment, kind: str) -> int:
    application = assignment.application
    return len(
        notify(
            kind=kind,
            recipients=[assignment.expert_id],
            record=application,
            text_params={
                "studio": application.studio.name,
                "call": application.call.title,
                "due": assignment.due_on.isoformat(),
            },
            url=_application_url(application),
            once_key=f"{kind}:{assignment.pk}",
            may_open=naming_applications_visible_to,
        )
    )


@transaction.atomic
def _tell_office(application: NamingApplication, due_on: datetime.date, experts: list[str]) -> int:
    return len(
        notify(
            kind=OFFICE_OVERDUE,
            recipients=officials_nearest(application.call.org_unit).values_list("pk", flat=True),
            record=application,
            text_params={
                "studio": application.studio.name,
                "experts": "、".join(experts),
                "due": due_on.isoformat(),
            },
            url=_application_url(application),
            once_key=f"{OFFICE_OVERDUE}:{application.pk}:{due_on.isoformat()}",
            office_unit=application.call.org_unit,
            # The experts' names are the office's: not an official of the studio applying.
            may_open=naming_applications_run_by,
        )
    )


def expert_reminders_send(*, today: datetime.date | None = None) -> ExpertReminders:
    """The daily sweep over the scores still owed by a day (Shanghai dates):
    due within three days, the expert; past it, the expert and the office
    running the call. Nobody is told twice, and a missed day is made up."""
    today = today or timezone.localdate()
    waiting = unscored_assignments().filter(due_on__isnull=False)
    soon_until = today + datetime.timedelta(days=SCORE_DUE_SOON_DAYS)
    soon = waiting.filter(due_on__gte=today, due_on__lte=soon_until)
    due_soon = sum(_remind(row, DUE) for row in _untold(soon, DUE).iterator(chunk_size=500))
    late = waiting.filter(due_on__lt=today)
    overdue = sum(_remind(row, OVERDUE) for row in _untold(late, OVERDUE).iterator(chunk_size=500))
    office = 0
    rows = late.order_by("application_id", "due_on", "expert__full_name").values_list(
        "application_id", "due_on", "expert__full_name"
    )
    for (application_id, due_on), names in groupby(list(rows), key=lambda row: row[:2]):
        application = NamingApplication.objects.select_related("studio", "call__org_unit").get(
            pk=application_id
        )
        office += bool(_tell_office(application, due_on, [name for _a, _d, name in names]))
    return ExpertReminders(due_soon=due_soon, overdue=overdue, office=office)
