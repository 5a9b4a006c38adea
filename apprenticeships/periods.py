"""The periods evaluations are given for (a month, a quarter, a year) and when
each falls due (docs/notices.md): shared by the evaluation service, the home
page's "needs your action" and the reminder sweep."""

import datetime
import re
from dataclasses import dataclass

from apprenticeships.models import Evaluation

Level = Evaluation.Level
DAY = datetime.timedelta(days=1)
# A period's evaluation falls due in the period's last week and stays due
# until it is recorded (the home page shows the latest two periods).
EVALUATION_DUE_BEFORE_END_DAYS = 7
# The reminder sweep tells about a period until this long after it ends, so a
# sweep that did not run for up to two weeks still tells everyone once.
EVALUATION_REMIND_AFTER_END_DAYS = 14
# The final appraisal falls due this long before the planned end of the term.
FINAL_DUE_BEFORE_END_DAYS = 30
# Who is told that a level is due (docs/notices.md).
PERIODIC_LEVELS = (Level.MENTOR_MONTHLY, Level.DEPARTMENT_QUARTERLY, Level.UNIT_YEARLY)

# The period each level is given for, and the first day of that period.
PERIOD_FORMATS = {
    # ASCII digits only: "２０２６-11" must not pass as a second "2026-11".
    Level.MENTOR_MONTHLY: re.compile(r"^(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])$"),
    Level.DEPARTMENT_QUARTERLY: re.compile(r"^(?P<year>[0-9]{4})-Q(?P<quarter>[1-4])$"),
    Level.UNIT_YEARLY: re.compile(r"^(?P<year>[0-9]{4})$"),
}
PERIOD_EXAMPLES = {
    Level.MENTOR_MONTHLY: "2026-10",
    Level.DEPARTMENT_QUARTERLY: "2026-Q3",
    Level.UNIT_YEARLY: "2026",
}


def period_start(level: str, period: str) -> datetime.date | None:
    """The first day of `period` for `level`, or None when it is malformed."""
    match = PERIOD_FORMATS[level].match(period)
    if match is None:
        return None
    year = int(match["year"])
    if not 1950 <= year <= 2100:
        return None
    if level == Level.MENTOR_MONTHLY:
        return datetime.date(year, int(match["month"]), 1)
    if level == Level.DEPARTMENT_QUARTERLY:
        return datetime.date(year, 3 * int(match["quarter"]) - 2, 1)
    return datetime.date(year, 1, 1)


def period_of(level: str, day: datetime.date) -> str:
    """The period of `level` that contains `day` (2026-10, 2026-Q4, 2026)."""
    if level == Level.MENTOR_MONTHLY:
        return day.strftime("%Y-%m")
    if level == Level.DEPARTMENT_QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def period_end(level: str, period: str) -> datetime.date:
    """The last day of a well-formed `period` of `level`."""
    start = period_start(level, period)
    if level == Level.MENTOR_MONTHLY:
        following = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    elif level == Level.DEPARTMENT_QUARTERLY:
        month = start.month + 3
        following = datetime.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    else:
        following = datetime.date(start.year + 1, 1, 1)
    return following - DAY


@dataclass(frozen=True)
class DuePeriod:
    """An evaluation of `level` for `period`, due from `due_from`."""

    level: str
    period: str
    due_from: datetime.date
    ends_on: datetime.date


def periods_due(today: datetime.date, *, for_reminders: bool = False) -> list[DuePeriod]:
    """The periods whose evaluation is due on `today`: the current period of
    each level once its last week has begun, and the previous one. For the
    reminder sweep, the previous one only until two weeks after it ended."""
    due = []
    for level in PERIODIC_LEVELS:
        current = period_of(level, today)
        previous = period_of(level, period_start(level, current) - DAY)
        for period in (previous, current):
            ends_on = period_end(level, period)
            due_from = ends_on - datetime.timedelta(days=EVALUATION_DUE_BEFORE_END_DAYS - 1)
            if due_from > today:
                continue
            if for_reminders and today > ends_on + datetime.timedelta(
                days=EVALUATION_REMIND_AFTER_END_DAYS
            ):
                continue
            due.append(DuePeriod(level, period, due_from, ends_on))
    return due
