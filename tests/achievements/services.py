"""What the achievements service tests share."""

import datetime

from achievements import services
from achievements.models import TechnicalProblem

P = TechnicalProblem.Status

STARTED = datetime.date(2024, 1, 10)

SOLVED = datetime.date(2024, 6, 30)


# --- Helpers ------------------------------------------------------------------------


def new_problem(studios, *, by=None, studio=None, **fields):
    fields.setdefault("started_on", STARTED)
    return services.problem_create(
        by=by or studios.lead_a,
        studio=studio or studios.dust,
        title="综采面粉尘浓度超标",
        category=TechnicalProblem.Category.DUST_CONTROL,
        **fields,
    )


def problem_in(studios, status):
    """A dust-studio problem brought to `status` (shelved through a legal move)."""
    if status == P.SOLVED:
        return new_problem(studios, status=P.SOLVED, solved_on=SOLVED)
    if status == P.SHELVED:
        problem = new_problem(studios)
        return services.problem_change_status(
            problem_id=problem.pk, by=studios.lead_a, status=P.SHELVED
        )
    return new_problem(studios, status=status)
