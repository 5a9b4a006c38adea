"""The eligibility checks: a studio's records read against a call's conditions,
each check passed or failed with its reason in words (docs/naming.md)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.models import Achievement, Patent
from naming.models import (
    LEVEL_ORDER,
    Level,
    NamingApplication,
    NamingCall,
)
from studios.models import Honour, Membership, Studio

# --- Eligibility -------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _full_years(since: datetime.date, today: datetime.date) -> int:
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def _honours(honours) -> list[dict]:
    return [
        {
            "level": h.recognition_list.level,
            "year": h.recognition_list.year,
            "title": str(h.recognition_list),
        }
        for h in honours.select_related("recognition_list").order_by("recognition_list__year", "id")
    ]


def studio_record(studio: Studio, *, output_years: int, today=None) -> dict:
    """The studio's facts a call's conditions read (and the frozen copy an
    application keeps): plain JSON values."""
    today = today or timezone.localdate()
    since = _years_before(today, output_years)
    achievements = Achievement.objects.filter(studio=studio, completed_on__gte=since)
    benefit = achievements.aggregate(total=Sum("verified_benefit"))["total"] or Decimal(0)
    return {
        "taken_on": today.isoformat(),
        "name": studio.name,
        "code": studio.code,
        "kind": studio.kind,
        "org_unit": studio.org_unit.name,
        "leader": studio.leader.full_name,
        "founded_on": studio.founded_on.isoformat(),
        "years_founded": _full_years(studio.founded_on, today),
        "members": Membership.objects.filter(studio=studio, left_on__isnull=True).count(),
        # Titles held today: a revoked one (摘牌) no longer counts.
        "studio_honours": _honours(Honour.objects.filter(studio=studio, revoked_on__isnull=True)),
        "leader_honours": _honours(
            Honour.objects.filter(person_id=studio.leader_id, revoked_on__isnull=True)
        ),
        "output_since": since.isoformat(),
        "achievements": achievements.count(),
        "patents": Patent.objects.filter(studio=studio, filed_on__gte=since).count(),
        "verified_benefit": str(benefit),
    }


@dataclass(frozen=True)
class Check:
    """One condition of a call against a studio's facts."""

    code: str
    label: str
    passed: bool
    explanation: str


def _highest(honours: list[dict], level: str) -> dict | None:
    """The first honour at `level` or above."""
    rank = LEVEL_ORDER.index(level)
    return next((h for h in honours if LEVEL_ORDER.index(h["level"]) >= rank), None)


def _honour_check(code: str, label: str, honour: dict | None, *, held: str, missing: str) -> Check:
    """A condition met by holding an honour: which one, or what is missing."""
    if honour is None:
        return Check(code, label, False, missing)
    return Check(code, label, True, held % {"title": honour["title"]})


def eligibility_checks(call: NamingCall, facts: dict) -> list[Check]:
    """Each condition the call sets, passed or failed, with the reason in words."""
    labels = dict(Level.choices)
    checks = []
    if call.min_years_founded is not None:
        checks.append(
            Check(
                "years_founded",
                _("Years since founded"),
                facts["years_founded"] >= call.min_years_founded,
                _(
                    "Founded on %(date)s, %(years)s full years ago; "
                    "the call asks for at least %(min)s."
                )
                % {
                    "date": facts["founded_on"],
                    "years": facts["years_founded"],
                    "min": call.min_years_founded,
                },
            )
        )
    if call.leader_honour_level:
        checks.append(
            _honour_check(
                "leader_honour",
                _("Leader's honour"),
                _highest(facts["leader_honours"], call.leader_honour_level),
                held=_("The leader holds “%(title)s”."),
                missing=_("The leader holds no personal honour at %(level)s level or above.")
                % {"level": labels[call.leader_honour_level]},
            )
        )
    if call.prior_level:
        checks.append(
            _honour_check(
                "prior_title",
                _("Title already held"),
                _highest(facts["studio_honours"], call.prior_level),
                held=_("The studio holds “%(title)s”."),
                missing=_("The studio holds no title at %(level)s level or above yet.")
                % {"level": labels[call.prior_level]},
            )
        )
    if call.min_members is not None:
        checks.append(
            Check(
                "members",
                _("Members"),
                facts["members"] >= call.min_members,
                _("%(count)s current members; the call asks for at least %(min)s.")
                % {"count": facts["members"], "min": call.min_members},
            )
        )
    if call.min_output is not None:
        output = facts["achievements"] + facts["patents"]
        checks.append(
            Check(
                "output",
                _("Recent output"),
                output >= call.min_output,
                _(
                    "%(achievements)s achievements and %(patents)s patents since %(since)s; "
                    "the call asks for at least %(min)s in all."
                )
                % {
                    "achievements": facts["achievements"],
                    "patents": facts["patents"],
                    "since": facts["output_since"],
                    "min": call.min_output,
                },
            )
        )
    return checks


def eligibility_now(call: NamingCall, studio: Studio) -> list[Check]:
    """The checks against the studio's records today (before submitting)."""
    return eligibility_checks(call, studio_record(studio, output_years=call.output_years))


def application_checks(application: NamingApplication) -> list[Check]:
    """The checks as judged: on the frozen facts once submitted, else today's."""
    if application.facts:
        return eligibility_checks(application.call, application.facts)
    return eligibility_now(application.call, application.studio)
