"""The union dashboard's figures for one part of the group and one year.

Every figure is an aggregate query over the unit's subtree (no Python loop over
rows), so a computation costs the same number of queries however many units and
studios lie below. `live_dashboard_figures` is the one computation of them: the
Excel reports call it for figures exact at their time (on the replica when
there is a current one, core.db.on_replica: they may be a few seconds old), and
the dashboard's snapshots, which the page and the API read, are its result
stored (reports/snapshots.py), so the three never disagree.
"""

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.db.models.functions import ExtractMonth, Substr
from django.http import Http404

from accounts.models import OrgUnit, RoleGrant, SkillLevelChange, User
from accounts.selectors import org_units_managed_by
from achievements.models import Achievement, Adoption, Patent, TechnicalProblem
from apprenticeships.models import Pairing
from apprenticeships.selectors import with_risk
from competitions.models import Award, AwardGrade, CoAuthor, Proposal
from core.db import on_replica
from core.numbers import percent
from core.scoping import within_paths
from studios.models import Assessment, Honour, RecognitionList, Studio
from studios.selectors import honour_counts_q, shares_by_level_and_year

Status = Proposal.Status
DECIDED = (
    Status.APPROVED,
    Status.REJECTED,
    Status.IMPLEMENTED,
    Status.BENEFIT_VERIFIED,
    Status.AWARDED,
)
APPROVED = (Status.APPROVED, Status.IMPLEMENTED, Status.BENEFIT_VERIFIED, Status.AWARDED)
IMPLEMENTED = (Status.IMPLEMENTED, Status.BENEFIT_VERIFIED, Status.AWARDED)
RANKED = 10


@dataclass(frozen=True)
class DashboardScope:
    """The part of the group (a unit and its subtree) and the year the figures
    are for."""

    unit: OrgUnit
    year: int

    def inside(self, unit_field: str):
        return within_paths([self.unit.path], unit_field=unit_field)


def dashboard_scope_for(user, *, unit_id=None, year: int) -> DashboardScope:
    """The scope an official asked for: a unit they manage (by default the top
    of their widest grant; the `reported-org-units` picker offers them);
    anything else is a 404."""
    managed = org_units_managed_by(user).order_by("depth", "path")
    unit = managed.filter(pk=unit_id).first() if unit_id else managed.first()
    if unit is None:
        raise Http404
    return DashboardScope(unit=unit, year=year)


class Median(Aggregate):
    """PostgreSQL's exact median; other databases use `_median_in_python`."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _median_days(proposals) -> Decimal | None:
    """Median days from first submission to decision, one decimal."""
    decided = proposals.filter(decided_at__isnull=False, submitted_at__isnull=False)
    took = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        median = decided.aggregate(median=Median(took, output_field=DurationField()))["median"]
    else:
        # SQLite has no percentile function: the durations are read (one column,
        # one query) and the median taken here, which is fine at a unit's volume.
        durations = list(decided.annotate(took=took).values_list("took", flat=True))
        median = statistics.median(durations) if durations else None
    if median is None:
        return None
    # Rounded half up, like every percentage (core.numbers.percent).
    return Decimal(median.total_seconds() / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _counts(queryset, field: str, choices) -> list[dict]:
    """Rows of (code, label, count) for every choice, zeros included, in order."""
    found = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    return [{"code": code, "label": label, "count": found.get(code, 0)} for code, label in choices]


def _by_month(queryset, field: str) -> list[int]:
    found = dict(
        queryset.order_by()
        .annotate(month=ExtractMonth(field))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return [found.get(month, 0) for month in range(1, 13)]


def _workers(scope: DashboardScope):
    """Active people in the subtree who are not union officials (officials run
    the competition; they are not counted among those who might enter)."""
    return User.objects.filter(scope.inside("org_unit"), is_active=True).exclude(
        role_grants__role=RoleGrant.Role.UNION_OFFICIAL
    )


def _distinct_studios_by_level(honours) -> list[dict]:
    """Studios (not honours: a studio on two lists of a level counts once) per level."""
    found = dict(
        honours.order_by()
        .values_list("recognition_list__level")
        .annotate(n=Count("studio", distinct=True))
    )
    return [
        {"code": code, "label": label, "count": found.get(code, 0)}
        for code, label in RecognitionList.Level.choices
    ]


def studio_figures(scope: DashboardScope) -> dict:
    studios = Studio.objects.filter(scope.inside("org_unit"))
    honours = Honour.objects.filter(
        scope.inside("studio__org_unit"), honour_counts_q(), recognition_list__year=scope.year
    )
    return {
        "total": studios.count(),
        "by_status": _counts(studios, "status", Studio.Status.choices),
        "by_kind": _counts(studios, "kind", Studio.Kind.choices),
        "named_by_level": _distinct_studios_by_level(honours),
        "shares": shares_by_level_and_year(scope.unit, year=scope.year),
        "assessments_by_grade": _counts(
            Assessment.objects.filter(scope.inside("studio__org_unit"), year=scope.year),
            "grade",
            Assessment.Grade.choices,
        ),
        # Both in one query: under rectification, and flagged by the nightly
        # dormancy rule (docs/naming.md#dormancy).
        **studios.aggregate(
            in_rectification=Count("pk", filter=Q(status=Studio.Status.RECTIFICATION)),
            dormant=Count("pk", filter=Q(dormant_since__isnull=False)),
        ),
    }


def output_figures(scope: DashboardScope) -> dict:
    problems = TechnicalProblem.objects.filter(scope.inside("studio__org_unit"))
    opened = problems.filter(started_on__year=scope.year)
    solved = problems.filter(solved_on__year=scope.year)
    achievements = Achievement.objects.filter(
        scope.inside("studio__org_unit"), completed_on__year=scope.year
    )
    patents = Patent.objects.filter(scope.inside("studio__org_unit"), filed_on__year=scope.year)
    # Adopted by a unit outside the originating studio's own unit (成果走出车间).
    outside = Adoption.objects.filter(
        scope.inside("achievement__studio__org_unit"), adopted_on__year=scope.year
    ).exclude(org_unit__path__startswith=F("achievement__studio__org_unit__path"))
    benefit = achievements.aggregate(
        claimed=Sum("claimed_benefit"), verified=Sum("verified_benefit")
    )
    return {
        "problems_opened": opened.count(),
        "problems_solved": solved.count(),
        "opened_by_category": _counts(opened, "category", TechnicalProblem.Category.choices),
        "solved_by_category": _counts(solved, "category", TechnicalProblem.Category.choices),
        "achievements": achievements.count(),
        "achievements_by_kind": _counts(achievements, "kind", Achievement.Kind.choices),
        "patents_by_type": _counts(patents, "patent_type", Patent.Type.choices),
        "patents_by_status": _counts(patents, "status", Patent.Status.choices),
        "claimed_benefit": benefit["claimed"] or Decimal(0),
        "verified_benefit": benefit["verified"] or Decimal(0),
        "adoptions_outside": outside.count(),
    }


def five_small_figures(scope: DashboardScope) -> dict:
    # The competition's year is the campaign's (the proposal list filters so too).
    entered = Proposal.objects.filter(
        scope.inside("org_unit"), submitted_at__isnull=False, campaign__year=scope.year
    )
    statuses = dict(entered.order_by().values_list("status").annotate(n=Count("pk")))
    total = sum(statuses.values())
    decided = sum(statuses.get(s, 0) for s in DECIDED)
    approved = sum(statuses.get(s, 0) for s in APPROVED)
    implemented = sum(statuses.get(s, 0) for s in IMPLEMENTED)
    workers = _workers(scope)
    headcount = workers.count()
    # Distinct authors and co-authors among the workers, counted in the database.
    # One IN over a UNION: an OR of two INs makes PostgreSQL test each worker
    # against both lists, which at a million proposals no longer fits in memory.
    # A worker counts by their own unit, wherever the proposal was filed.
    year_entries = Proposal.objects.filter(submitted_at__isnull=False, campaign__year=scope.year)
    people_entered = (
        year_entries.order_by()
        .values("author_id")
        .union(CoAuthor.objects.filter(proposal__in=year_entries).order_by().values("person_id"))
    )
    entrants = workers.filter(pk__in=people_entered).count()
    awards = (
        Award.objects.filter(proposal__in=entered)
        .order_by()
        .values("grade__grade")
        .annotate(count=Count("pk"), amount=Sum("amount"))
    )
    award_rows = {row["grade__grade"]: row for row in awards}
    return {
        "total": total,
        "by_category": _counts(entered, "category", Proposal.Category.choices),
        "by_status": [
            {"code": code, "label": label, "count": statuses.get(code, 0)}
            for code, label in Status.choices
            if code != Status.DRAFT
        ],
        "by_unit": _by_child_unit(scope, entered, "org_unit"),
        "headcount": headcount,
        "entrants": entrants,
        "participation": percent(entrants, headcount),
        "per_hundred": (Decimal(total * 100) / headcount).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if headcount
        else None,
        "approval_rate": percent(approved, decided),
        "implementation_rate": percent(implemented, approved),
        "verified_benefit": entered.aggregate(v=Sum("verified_benefit"))["v"] or Decimal(0),
        "awards_by_grade": [
            {
                "code": code,
                "label": label,
                "count": award_rows.get(code, {}).get("count", 0),
                "amount": award_rows.get(code, {}).get("amount") or Decimal(0),
            }
            for code, label in AwardGrade.Grade.choices
        ],
        "median_days_to_decision": _median_days(entered),
    }


def mentoring_figures_in(scope: DashboardScope) -> dict:
    pairings = with_risk(Pairing.objects.filter(scope.inside("org_unit")))
    figures = pairings.order_by().aggregate(
        active=Count("pk", filter=Q(status=Pairing.Status.ACTIVE)),
        risky=Count("pk", filter=Q(at_risk=True)),  # not `at_risk`: see mentoring_figures
        completed=Count("pk", filter=Q(status=Pairing.Status.COMPLETED, ended_on__year=scope.year)),
    )
    figures["at_risk"] = figures.pop("risky")
    figures["skill_rises"] = SkillLevelChange.objects.filter(
        scope.inside("evaluation__pairing__org_unit"), changed_on__year=scope.year
    ).count()
    return figures


def trend_figures(scope: DashboardScope) -> dict:
    """Per month of the year: proposals submitted, achievements completed,
    problems solved."""
    return {
        "proposals": _by_month(
            Proposal.objects.filter(
                scope.inside("org_unit"), campaign__year=scope.year, submitted_at__isnull=False
            ),
            "submitted_at",
        ),
        "achievements": _by_month(
            Achievement.objects.filter(
                scope.inside("studio__org_unit"), completed_on__year=scope.year
            ),
            "completed_on",
        ),
        "problems_solved": _by_month(
            TechnicalProblem.objects.filter(
                scope.inside("studio__org_unit"), solved_on__year=scope.year
            ),
            "solved_on",
        ),
    }


def _by_child_unit(scope: DashboardScope, queryset, unit_field: str) -> list[dict]:
    """Counts per unit one level below the scope's unit, largest first."""
    length = len(scope.unit.path) + OrgUnit.steplen
    found = dict(
        queryset.order_by()
        .annotate(branch=Substr(f"{unit_field}__path", 1, length))
        .values_list("branch")
        .annotate(n=Count("pk"))
    )
    units = OrgUnit.objects.filter(path__in=list(found)).only("pk", "name", "code", "path")
    rows = [{"unit": unit, "count": found[unit.path]} for unit in units]
    return sorted(rows, key=lambda row: (-row["count"], row["unit"].path))


def ranking_figures(scope: DashboardScope) -> dict:
    """Units one level down by proposals entered and achievements completed in
    the year; the ten studios with the most achievements and patents that year."""
    proposals = Proposal.objects.filter(
        scope.inside("org_unit"), campaign__year=scope.year, submitted_at__isnull=False
    )
    achievements = Achievement.objects.filter(
        scope.inside("studio__org_unit"), completed_on__year=scope.year
    )
    studios = (
        Studio.objects.filter(scope.inside("org_unit"))
        .annotate(
            achievements_count=Count(
                "achievements",
                filter=Q(achievements__completed_on__year=scope.year),
                distinct=True,
            ),
            patents_count=Count(
                "patents", filter=Q(patents__filed_on__year=scope.year), distinct=True
            ),
        )
        .annotate(output=F("achievements_count") + F("patents_count"))
        .filter(output__gt=0)
        .order_by("-output", "code")[:RANKED]
    )
    return {
        "units_by_proposals": _by_child_unit(scope, proposals, "org_unit")[:RANKED],
        "units_by_achievements": _by_child_unit(scope, achievements, "studio__org_unit")[:RANKED],
        "studios": list(
            studios.values("pk", "name", "code", "achievements_count", "patents_count", "output")
        ),
    }


def live_dashboard_figures(scope: DashboardScope, *, on_primary: bool = False) -> dict:
    """Every figure of the dashboard, computed now: for the reports and the
    tests on the replica when there is a current one; `on_primary` for a
    snapshot, which must see every change committed before it started
    (reports/snapshots.py)."""

    def compute() -> dict:
        return {
            "unit": {"id": scope.unit.pk, "name": scope.unit.name, "code": scope.unit.code},
            "year": scope.year,
            "studios": studio_figures(scope),
            "outputs": output_figures(scope),
            "five_small": five_small_figures(scope),
            "mentoring": mentoring_figures_in(scope),
            "trends": trend_figures(scope),
            "rankings": ranking_figures(scope),
        }

    return compute() if on_primary else on_replica(compute)


def studio_year_figures(studio: Studio, year: int) -> dict:
    """A studio lead's home: the dashboard's figures for their own studio."""
    return on_replica(lambda: _studio_year_figures(studio, year))


def _studio_year_figures(studio: Studio, year: int) -> dict:
    problems = TechnicalProblem.objects.filter(studio=studio)
    achievements = Achievement.objects.filter(studio=studio, completed_on__year=year)
    pairings = with_risk(Pairing.objects.filter(studio=studio))
    outputs = achievements.aggregate(
        count=Count("pk"), claimed=Sum("claimed_benefit"), verified=Sum("verified_benefit")
    )
    mentoring = pairings.order_by().aggregate(
        active=Count("pk", filter=Q(status=Pairing.Status.ACTIVE)),
        risky=Count("pk", filter=Q(at_risk=True)),  # not `at_risk`: see mentoring_figures
    )
    return {
        "studio": studio,
        "year": year,
        "problems_opened": problems.filter(started_on__year=year).count(),
        "problems_solved": problems.filter(solved_on__year=year).count(),
        "achievements": outputs["count"],
        "claimed_benefit": outputs["claimed"] or Decimal(0),
        "verified_benefit": outputs["verified"] or Decimal(0),
        "patents_filed": Patent.objects.filter(studio=studio, filed_on__year=year).count(),
        "proposals": Proposal.objects.filter(
            studio=studio, campaign__year=year, submitted_at__isnull=False
        ).count(),
        "pairings_active": mentoring["active"],
        "pairings_at_risk": mentoring["risky"],
    }
