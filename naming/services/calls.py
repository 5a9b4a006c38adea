"""Naming calls: an official's call for a level, with its conditions and rubric."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import is_official
from accounts.services import unit_checked
from core.services import ensure
from naming.models import (
    NamingCall,
)


def _rubric_checked(rubric: Iterable) -> list[dict]:
    """[{"name", "max_points"}, …]: at least one line, names distinct, each
    maximum a whole number from 1 to 100."""
    lines = []
    for line in rubric or ():
        name, max_points = (line["name"], line["max_points"]) if isinstance(line, dict) else line
        name = str(name or "").strip()
        ensure(bool(name), ValidationError({"rubric": _("Name every line of the rubric.")}))
        ensure(
            isinstance(max_points, int) and 1 <= max_points <= 100,
            ValidationError({"rubric": _("A line's maximum is a whole number from 1 to 100.")}),
        )
        lines.append({"name": name, "max_points": max_points})
    ensure(
        bool(lines), ValidationError({"rubric": _("Give the experts at least one line to score.")})
    )
    ensure(
        len({line["name"] for line in lines}) == len(lines),
        ValidationError({"rubric": _("Each line of the rubric has its own name.")}),
    )
    return lines


@transaction.atomic
def naming_call_create(
    *,
    by: User,
    title: str,
    level: str,
    year: int,
    org_unit: OrgUnit,
    deadline: datetime.date,
    quota: int,
    rubric: Iterable,
    notice_days: int = 7,
    min_years_founded: int | None = None,
    leader_honour_level: str = "",
    prior_level: str = "",
    min_members: int | None = None,
    min_output: int | None = None,
    output_years: int = 2,
) -> NamingCall:
    """An official opens a call for studios of their units to apply for a level."""
    ensure(is_official(by), PermissionDenied(_("Only union officials open naming calls.")))
    unit_checked(org_unit, by)
    call = NamingCall(
        title=(title or "").strip(),
        level=level,
        year=year,
        org_unit=org_unit,
        deadline=deadline,
        quota=quota,
        notice_days=notice_days,
        min_years_founded=min_years_founded,
        leader_honour_level=leader_honour_level or "",
        prior_level=prior_level or "",
        min_members=min_members,
        min_output=min_output,
        output_years=output_years,
        rubric=_rubric_checked(rubric),
        created_by=by,
    )
    call.full_clean()
    call.save()
    return call
