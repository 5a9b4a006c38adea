"""Technical problems (攻关课题) and their status machine."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import people_checked
from achievements.models import (
    TechnicalProblem,
)
from achievements.selectors import (
    problems_visible_to,
)
from achievements.services.guards import (
    ensure_may_change,
    ensure_writes_to,
)
from core.services import ensure, locked
from studios.models import Studio

Status = TechnicalProblem.Status


@transaction.atomic
def problem_create(
    *,
    by: User,
    studio: Studio,
    title: str,
    category: str,
    description: str = "",
    started_on: datetime.date | None = None,
    team: Iterable[User] = (),
    estimated_benefit: Decimal | None = None,
    status: str = Status.OPEN,
    solved_on: datetime.date | None = None,
    realised_benefit: Decimal | None = None,
) -> TechnicalProblem:
    """Announce a problem the studio tackles. Work already done may be logged
    straight as in progress or solved (with its date)."""
    ensure_writes_to(studio, by)
    ensure(
        status in (Status.OPEN, Status.IN_PROGRESS, Status.SOLVED),
        ValidationError({"status": _("A new problem is open, in progress or solved.")}),
    )
    ensure(
        status == Status.SOLVED or solved_on is None,
        ValidationError({"solved_on": _("Only a solved problem has a solving date.")}),
    )
    ensure(
        status != Status.SOLVED or solved_on is not None,
        ValidationError({"solved_on": _("Give the date it was solved.")}),
    )
    team = people_checked(team, by, "team")
    problem = TechnicalProblem(
        studio=studio,
        title=title,
        category=category,
        description=description,
        started_on=started_on or timezone.localdate(),
        estimated_benefit=estimated_benefit,
        realised_benefit=realised_benefit,
        status=status,
        solved_on=solved_on,
        created_by=by,
    )
    problem.full_clean()
    problem.save()
    problem.team.set(team)
    problem.events.create(actor=by, from_state="", to_state=status)
    return problem


PROBLEM_FIELDS = {
    "title",
    "category",
    "description",
    "started_on",
    "team",
    "estimated_benefit",
    "realised_benefit",
    "solved_on",
}


@transaction.atomic
def problem_update(*, problem_id: int, by: User, **changes) -> TechnicalProblem:
    """Edit a problem's details (status has its own service). People already
    in its team stay even if `by` cannot see them; a new one must be someone
    they may see."""
    problem = locked(problems_visible_to(by), problem_id)
    ensure_may_change(problem, by)
    unknown = set(changes) - PROBLEM_FIELDS
    ensure(
        not unknown,
        ValidationError(
            _("Not editable here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    if "solved_on" in changes:
        ensure(
            problem.status == Status.SOLVED and changes["solved_on"] is not None,
            ValidationError({"solved_on": _("Only a solved problem has a solving date.")}),
        )
    team = changes.pop("team", None)
    for field, value in changes.items():
        setattr(problem, field, value)
    problem.full_clean()
    problem.save()
    if team is not None:
        # Whoever is in the team already stays, seen by `by` or not (people_checked).
        credited = problem.team.values_list("pk", flat=True)
        problem.team.set(people_checked(team, by, "team", credited=credited))
    return problem


@transaction.atomic
def problem_change_status(
    *,
    problem_id: int,
    by: User,
    status: str,
    note: str = "",
    solved_on: datetime.date | None = None,
    realised_benefit: Decimal | None = None,
) -> TechnicalProblem:
    """open → in progress → solved | shelved; a shelved problem may be resumed."""
    problem = locked(problems_visible_to(by), problem_id)
    ensure_may_change(problem, by)
    ensure(status in Status.values, ValidationError({"status": _("Unknown status.")}))
    also_save = ()
    if status == Status.SOLVED and problem.can_move_to(status):
        problem.solved_on = solved_on or timezone.localdate()
        if realised_benefit is not None:
            problem.realised_benefit = realised_benefit
        problem.full_clean()
        also_save = ("solved_on", "realised_benefit")
    problem.transition_to(status, by=by, note=note, also_save=also_save)
    return problem
