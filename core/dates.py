"""The range a date people type may fall in.

A year mistyped as 251 or 2099 is accepted by every date field and then shown,
counted and sorted as if it were true (a campaign opening in year 251 was served
as an invalid timestamp). Two kinds of date, one rule each:

- `HAPPENED`: something that took place (a patent granted, an achievement
  completed, a member who left): from `EARLIEST` to today;
- `PLANNED`: a plan or a deadline (a campaign's window, a step due, a review
  deadline): from `EARLIEST` to the end of the year `PLAN_YEARS` from now.

"Today" is Shanghai's (settings.TIME_ZONE). Models list their dates in
`BoundedDates`, so every `full_clean()` (services, model forms, the admin) checks
them; a service that sets a typed date without a full clean calls
`record.check_dates(field)`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Nothing the union records predates 1949.
EARLIEST = datetime.date(1949, 1, 1)
# How far ahead a plan or deadline may be set.
PLAN_YEARS = 10

HAPPENED = "happened"
PLANNED = "planned"


def date_bounds(kind: str) -> tuple[datetime.date, datetime.date]:
    """The first and last acceptable day for a date of `kind`, as of today."""
    today = timezone.localdate()
    if kind == HAPPENED:
        return EARLIEST, today
    return EARLIEST, datetime.date(today.year + PLAN_YEARS, 12, 31)


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            try:
                value = timezone.localtime(value)
            except (OverflowError, ValueError):  # the year 1 or 9999 shifted past the calendar
                return datetime.date.min if value.year < EARLIEST.year else datetime.date.max
        return value.date()
    return value


def date_error(value, kind: str) -> str | None:
    """The message for `value` outside the range of its kind, else None."""
    day = _as_date(value)
    if day is None:
        return None
    first, last = date_bounds(kind)
    if first <= day <= last:
        return None
    if kind == HAPPENED:
        return _("Enter a date from %(first)s to today.") % {"first": formats.date_format(first)}
    return _("Enter a date from %(first)s to %(last)s.") % {
        "first": formats.date_format(first),
        "last": formats.date_format(last),
    }


def check_date(value, field: str, kind: str = HAPPENED) -> None:
    """A 400 on `field` when `value` lies outside the range of its kind."""
    message = date_error(value, kind)
    if message:
        raise ValidationError({field: message})


class BoundedDates:
    """A model mixin: the fields in `HAPPENED_DATES` and `PLANNED_DATES` are
    checked by `clean_fields()`, so by every `full_clean()`."""

    HAPPENED_DATES: tuple[str, ...] = ()
    PLANNED_DATES: tuple[str, ...] = ()

    def date_kinds(self) -> dict[str, str]:
        return {
            **dict.fromkeys(self.HAPPENED_DATES, HAPPENED),
            **dict.fromkeys(self.PLANNED_DATES, PLANNED),
        }

    def date_errors(self, fields=None) -> dict[str, list[str]]:
        kinds = self.date_kinds()
        errors = {}
        for field in kinds if fields is None else fields:
            message = date_error(getattr(self, field), kinds[field])
            if message:
                errors[field] = [message]
        return errors

    def check_dates(self, *fields: str) -> None:
        """A 400 naming each of `fields` (all the bounded ones if none) out of range."""
        errors = self.date_errors(fields or None)
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        exclude = set(exclude or ())
        fields = [name for name in self.date_kinds() if name not in exclude and name not in errors]
        errors.update(self.date_errors(fields))
        if errors:
            raise ValidationError(errors)
