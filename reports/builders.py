"""The report kinds as tables: each builder yields (sheet title, header, rows),
one section at a time, so the task can report progress between them. The
numbers come from the same selectors as the dashboard. Headers are written in
the language active when the run is built (Chinese by default)."""

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from achievements.models import Achievement, Patent, TechnicalProblem
from apprenticeships.models import Evaluation, Pairing
from apprenticeships.selectors import with_risk
from competitions.models import AwardShare, Proposal
from core.api.views import replayed_export
from core.exports import neutralised
from reports.models import ReportRun
from reports.selectors.dashboard import DashboardScope, live_dashboard_figures
from studios.models import Assessment, Membership, Studio

Table = tuple[str, list[str], Iterator[list]]
FEN = Decimal("0.01")


def _inside(run: ReportRun, unit_field: str):
    """Rows in the run's unit and below (the dashboard's own scope filter)."""
    return DashboardScope(unit=run.org_unit, year=run.year).inside(unit_field)


def group_overview(run: ReportRun) -> Iterator[Table]:
    """Every dashboard figure, a sheet per section: computed now, not read from
    the dashboard's snapshot, so the report is exact at its time."""
    figures = live_dashboard_figures(DashboardScope(unit=run.org_unit, year=run.year))
    studios, outputs, five = figures["studios"], figures["outputs"], figures["five_small"]
    header = [_("Figure"), _("Value")]
    yield (
        _("Studios"),
        header,
        iter(
            [
                [_("Studios"), studios["total"]],
                [_("Under rectification"), studios["in_rectification"]],
            ]
            + [[f"{_('Status')}: {row['label']}", row["count"]] for row in studios["by_status"]]
            + [[f"{_('Kind')}: {row['label']}", row["count"]] for row in studios["by_kind"]]
            + [[f"{_('Named')}: {row['label']}", row["count"]] for row in studios["named_by_level"]]
            + [
                [f"{_('Assessment')}: {row['label']}", row["count"]]
                for row in studios["assessments_by_grade"]
            ]
            + [
                [
                    # A whole message, so the catalogue has it (xgettext does not
                    # read _() inside an f-string: the label stayed English).
                    _("Our share: %(year)s %(level)s")
                    % {"year": row["year"], "level": row["level_display"]},
                    f"{row['share'].ours} / {row['share'].total}"
                    + (f" ({row['share'].percent}%)" if row["share"].percent is not None else ""),
                ]
                for row in studios["shares"]
            ]
        ),
    )
    yield (
        _("Problems and outputs"),
        header,
        iter(
            [
                [_("Problems opened"), outputs["problems_opened"]],
                [_("Problems solved"), outputs["problems_solved"]],
                [_("Achievements"), outputs["achievements"]],
                [_("Claimed benefit"), outputs["claimed_benefit"]],
                [_("Verified benefit"), outputs["verified_benefit"]],
                [_("Adopted outside the originating unit"), outputs["adoptions_outside"]],
            ]
            + [
                [f"{_('Kind')}: {row['label']}", row["count"]]
                for row in outputs["achievements_by_kind"]
            ]
            + [
                [f"{_('Patent')}: {row['label']}", row["count"]]
                for row in outputs["patents_by_type"]
            ]
            + [
                [f"{_('Patent')}: {row['label']}", row["count"]]
                for row in outputs["patents_by_status"]
            ]
            + [
                [f"{_('Problems opened')}: {row['label']}", row["count"]]
                for row in outputs["opened_by_category"]
            ]
            + [
                [f"{_('Problems solved')}: {row['label']}", row["count"]]
                for row in outputs["solved_by_category"]
            ]
        ),
    )
    yield (
        _("Five-small"),
        header,
        iter(
            [
                [_("Proposals"), five["total"]],
                [_("Workers"), five["headcount"]],
                [_("Entrants"), five["entrants"]],
                [_("Participation (%)"), five["participation"]],
                [_("Proposals per 100 workers"), five["per_hundred"]],
                [_("Approval rate (%)"), five["approval_rate"]],
                [_("Implementation rate (%)"), five["implementation_rate"]],
                [_("Verified benefit"), five["verified_benefit"]],
                [_("Median days from submission to decision"), five["median_days_to_decision"]],
            ]
            + [[f"{_('Category')}: {row['label']}", row["count"]] for row in five["by_category"]]
            + [[f"{_('Status')}: {row['label']}", row["count"]] for row in five["by_status"]]
            + [[f"{_('Award')}: {row['label']}", row["count"]] for row in five["awards_by_grade"]]
            + [
                [f"{_('Prize (CNY)')}: {row['label']}", row["amount"]]
                for row in five["awards_by_grade"]
            ]
            + [[f"{_('Unit')}: {row['unit'].name}", row["count"]] for row in five["by_unit"]]
        ),
    )
    mentoring = figures["mentoring"]
    yield (
        _("Mentoring"),
        header,
        iter(
            [
                [_("Active pairings"), mentoring["active"]],
                [_("At risk"), mentoring["at_risk"]],
                [_("Completed"), mentoring["completed"]],
                [_("Skill-level rises"), mentoring["skill_rises"]],
            ]
        ),
    )
    trends = figures["trends"]
    yield (
        _("By month"),
        [_("Month"), _("Proposals"), _("Achievements"), _("Problems solved")],
        (
            [month, *values]
            for month, values in enumerate(
                zip(
                    trends["proposals"],
                    trends["achievements"],
                    trends["problems_solved"],
                    strict=True,
                ),
                start=1,
            )
        ),
    )
    rankings = figures["rankings"]
    yield (
        _("Rankings"),
        [_("Ranking"), _("Name"), _("Count")],
        iter(
            [
                [_("Units by proposals"), row["unit"].name, row["count"]]
                for row in rankings["units_by_proposals"]
            ]
            + [
                [_("Units by achievements"), row["unit"].name, row["count"]]
                for row in rankings["units_by_achievements"]
            ]
            + [
                [_("Studios by achievements and patents"), row["name"], row["output"]]
                for row in rankings["studios"]
            ]
        ),
    )


def studio_annual(run: ReportRun) -> Iterator[Table]:
    """One row per studio in the unit: members, problems, achievements, patents,
    verified benefit and the year's assessment, in one aggregate query."""
    year = run.year
    grade = Assessment.objects.filter(studio=OuterRef("pk"), year=year).values("grade")[:1]
    members = Membership.objects.filter(studio=OuterRef("pk"), left_on__isnull=True)
    studios = (
        Studio.objects.filter(_inside(run, "org_unit"))
        .select_related("org_unit", "leader")
        .annotate(
            n_members=Subquery(
                members.order_by().values("studio").annotate(n=Count("pk")).values("n")[:1]
            ),
            n_problems=Subquery(
                TechnicalProblem.objects.filter(studio=OuterRef("pk"), started_on__year=year)
                .order_by()
                .values("studio")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            n_achievements=Subquery(
                Achievement.objects.filter(studio=OuterRef("pk"), completed_on__year=year)
                .order_by()
                .values("studio")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            n_benefit=Subquery(
                Achievement.objects.filter(studio=OuterRef("pk"), completed_on__year=year)
                .order_by()
                .values("studio")
                .annotate(s=Sum("verified_benefit"))
                .values("s")[:1]
            ),
            n_patents=Subquery(
                Patent.objects.filter(studio=OuterRef("pk"), filed_on__year=year)
                .order_by()
                .values("studio")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            n_grade=Subquery(grade),
        )
        .order_by("code")
    )
    grades = dict(Assessment.Grade.choices)
    header = [
        _("Code"),
        _("Studio"),
        _("Unit"),
        _("Leader"),
        _("Status"),
        _("Members"),
        _("Problems opened"),
        _("Achievements"),
        _("Patents filed"),
        _("Verified benefit"),
        _("Assessment"),
    ]
    yield (
        _("Studios %(year)s") % {"year": year},
        header,
        (
            [
                s.code,
                s.name,
                s.org_unit.name,
                s.leader.full_name,
                s.get_status_display(),
                s.n_members or 0,
                s.n_problems or 0,
                s.n_achievements or 0,
                s.n_patents or 0,
                s.n_benefit or 0,
                str(grades.get(s.n_grade, "")),
            ]
            for s in studios.iterator(chunk_size=2000)
        ),
    )


def campaign_summary(run: ReportRun) -> Iterator[Table]:
    """Per unit and category, then every awarded proposal with each person's amount."""
    proposals = Proposal.objects.filter(_inside(run, "org_unit"), submitted_at__isnull=False)
    proposals = (
        proposals.filter(campaign=run.campaign)
        if run.campaign_id
        else proposals.filter(campaign__year=run.year)
    )
    categories = Proposal.Category.choices
    per_unit = (
        proposals.order_by()
        .values("org_unit__name", "org_unit__path")
        .annotate(
            **{code: Count("pk", filter=Q(category=code)) for code, _label in categories},
            total=Count("pk"),
        )
        .order_by("org_unit__path")
    )
    yield (
        _("By unit and category"),
        [_("Unit"), *[str(label) for _c, label in categories], _("All categories")],
        (
            [row["org_unit__name"], *[row[code] for code, _label in categories], row["total"]]
            for row in per_unit
        ),
    )
    shares = (
        AwardShare.objects.filter(award__proposal__in=proposals)
        .select_related("award__grade", "award__proposal__org_unit", "person")
        .order_by("award__proposal__code", "person__employee_no")
    )
    yield (
        _("Awarded proposals"),
        [
            _("Code"),
            _("Title"),
            _("Unit"),
            _("Grade"),
            _("Prize (CNY)"),
            _("Person"),
            _("Employee number"),
            _("Share (%)"),
            _("Amount to the person (CNY)"),
        ],
        (
            [
                s.award.proposal.code,
                s.award.proposal.title,
                s.award.proposal.org_unit.name,
                s.award.grade.get_grade_display(),
                s.award.amount,
                s.person.full_name,
                s.person.employee_no,
                s.share,
                (Decimal(s.amount_fen) * FEN),
            ]
            for s in shares.iterator(chunk_size=2000)
        ),
    )


def mentoring_summary(run: ReportRun) -> Iterator[Table]:
    """One row per pairing of the unit, with its at-risk state and evaluations."""
    pairings = with_risk(
        Pairing.objects.filter(_inside(run, "org_unit"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=run.year))
        .filter(starts_on__year__lte=run.year)
        .select_related("mentor", "apprentice", "studio", "org_unit")
        .annotate(
            sessions_count=Count("attendances", distinct=True),
            evaluations_count=Count("evaluations", distinct=True),
            final_passed=Count(
                "evaluations",
                filter=Q(
                    evaluations__level=Evaluation.Level.FINAL,
                    evaluations__outcome=Evaluation.Outcome.PASSED,
                ),
                distinct=True,
            ),
        )
        .order_by("org_unit__path", "mentor__employee_no", "pk")
    )
    yes, no = _("Yes"), _("No")
    header = [
        _("Mentor"),
        _("Apprentice"),
        _("Studio"),
        _("Unit"),
        _("Status"),
        _("Starts on"),
        _("Planned end"),
        _("At risk"),
        _("Last session"),
        _("Sessions"),
        _("Evaluations"),
        _("Graduated"),
    ]
    yield (
        _("Pairings"),
        header,
        (
            [
                p.mentor.full_name,
                p.apprentice.full_name,
                p.studio.name if p.studio else "",
                p.org_unit.name,
                p.get_status_display(),
                p.starts_on,
                p.planned_end_on,
                yes if p.at_risk else no,
                p.last_session_on or "",
                p.sessions_count,
                p.evaluations_count,
                yes if p.final_passed else no,
            ]
            for p in pairings.iterator(chunk_size=2000)
        ),
    )


def list_export(run: ReportRun) -> Iterator[Table]:
    """A list too long for the answer, as its requester sees it now: the same
    viewset, scope, filters and columns as the export they asked for."""
    yield replayed_export(run.list_url, run.requested_by)


BUILDERS: dict[str, Callable[[ReportRun], Iterator[Table]]] = {
    ReportRun.Kind.GROUP_OVERVIEW: group_overview,
    ReportRun.Kind.STUDIO_ANNUAL: studio_annual,
    ReportRun.Kind.CAMPAIGN_SUMMARY: campaign_summary,
    ReportRun.Kind.MENTORING_SUMMARY: mentoring_summary,
    ReportRun.Kind.LIST_EXPORT: list_export,
}
SECTIONS = {
    ReportRun.Kind.GROUP_OVERVIEW: 6,
    ReportRun.Kind.STUDIO_ANNUAL: 1,
    ReportRun.Kind.CAMPAIGN_SUMMARY: 2,
    ReportRun.Kind.MENTORING_SUMMARY: 1,
    ReportRun.Kind.LIST_EXPORT: 1,
}


def file_name(run: ReportRun) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{run.kind}-{run.org_unit.code}-{run.year}-{stamp}.{run.format}"


class RunLost(Exception):
    """This attempt no longer holds the run (recovery gave it to another)."""


# Rows between heartbeats inside a long section.
HEARTBEAT_ROWS = 2000


def write_report(run: ReportRun, on_section: Callable[[int], bool]) -> bytes:
    """Build the run's file: XLSX in openpyxl's write-only (streaming) mode, a
    sheet per section; CSV (UTF-8 with BOM, so Excel reads Chinese) for a
    one-table kind. `on_section(percent)` records progress and the heartbeat
    (after each section and every few thousand rows); when it answers False
    the attempt lost the run and the build stops (RunLost)."""
    total = SECTIONS[run.kind]
    percent = 0

    def beat(new_percent: int) -> None:
        nonlocal percent
        percent = new_percent
        if on_section(percent) is False:
            raise RunLost

    def rows_of(rows):
        for number, row in enumerate(rows, start=1):
            if number % HEARTBEAT_ROWS == 0:
                beat(percent)
            yield [neutralised(value) for value in row]

    sections = BUILDERS[run.kind](run)
    if run.format == ReportRun.Format.CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        for _title, header, rows in sections:
            writer.writerow([str(h) for h in header])
            writer.writerows(rows_of(rows))
            beat(100)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    book = Workbook(write_only=True)
    for done, (title, header, rows) in enumerate(sections, start=1):
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([str(h) for h in header])
        for row in rows_of(rows):
            sheet.append(row)
        beat(int(done * 100 / total))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
