"""The report kinds as tables: each builder yields (sheet title, header, rows),
one section at a time, so the task can report progress between them. The
numbers come from the same selectors as the dashboard. Headers are written in
the language active when the run is built (Chinese by default).

A header is a string or a `core.exports.Column` (a number format for the
column, whether it adds up into a totals row); a count is an int, money a
Decimal, a percentage a `Percent`, so the workbook writes each in its format.
Rows that come from a query are `Counted`, so progress moves within the section.
A new kind is a builder here (or in a module of its own) plus its entries in
BUILDERS and SECTIONS; the title block, the formats and the file name follow."""

import datetime
import io
import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from achievements.models import Achievement, Patent, TechnicalProblem
from apprenticeships.models import Evaluation, Pairing
from apprenticeships.selectors import with_risk
from competitions.models import AwardShare, Proposal
from core.api.views import replayed_list
from core.db import read_in_chunks
from core.exports import (
    YEAR_FORMAT,
    Column,
    Percent,
    csv_lines,
    title_block,
    workbook_to,
    write_sheet,
)
from reports.models import ReportRun
from reports.selectors.dashboard import DashboardScope, live_dashboard_figures
from studios.models import Assessment, Membership, Studio

Table = tuple[str, Sequence[str | Column], Iterable[list]]
FEN = Decimal("0.01")


class Counted:
    """A section's rows with a cheap count of them (`count()` runs once, when
    the section starts), so progress moves as the rows are read."""

    def __init__(self, rows: Iterable[list], count: Callable[[], int]):
        self._rows, self._count, self._length = rows, count, None

    def __iter__(self) -> Iterator[list]:
        return iter(self._rows)

    def __len__(self) -> int:
        if self._length is None:
            self._length = self._count()
        return self._length


def _percent(value: Decimal | None) -> Percent | None:
    """A dashboard percentage (None when there is nothing to divide by)."""
    return None if value is None else Percent(value)


def _summing(header: str, number_format: str | None = None) -> Column:
    return Column(header, number_format=number_format, sums=True)


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
        (
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
        ),
    )
    # Our studios on each level's lists against the lists' totals: three numbers
    # in columns of their own, not a "3 / 10 (30%)" text.
    yield (
        _("Our share of each recognition list"),
        [
            Column(_("Year"), number_format=YEAR_FORMAT),
            _("Level"),
            _("Ours on the list"),
            capfirst(_("studios named in total")),
            _("Share"),
        ],
        [
            [
                row["year"],
                str(row["level_display"]),
                row["share"].ours,
                row["share"].total,
                _percent(row["share"].percent),
            ]
            for row in studios["shares"]
        ],
    )
    yield (
        _("Problems and outputs"),
        header,
        (
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
        (
            [
                [_("Proposals"), five["total"]],
                [_("Workers"), five["headcount"]],
                [_("Entrants"), five["entrants"]],
                [_("Participation (%)"), _percent(five["participation"])],
                [_("Proposals per 100 workers"), five["per_hundred"]],
                [_("Approval rate (%)"), _percent(five["approval_rate"])],
                [_("Implementation rate (%)"), _percent(five["implementation_rate"])],
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
        (
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
        [
            _("Month"),
            _summing(_("Proposals")),
            _summing(_("Achievements")),
            _summing(_("Problems solved")),
        ],
        [
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
        ],
    )
    rankings = figures["rankings"]
    yield (
        _("Rankings"),
        [_("Ranking"), _("Name"), _("Count")],
        (
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
    in_unit = Studio.objects.filter(_inside(run, "org_unit"))
    studios = (
        in_unit.select_related("org_unit", "leader")
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
        _summing(_("Members")),
        _summing(_("Problems opened")),
        _summing(_("Achievements")),
        _summing(_("Patents filed")),
        _summing(_("Verified benefit")),
        _("Assessment"),
    ]
    yield (
        _("Studios %(year)s") % {"year": year},
        header,
        Counted(
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
                    s.n_benefit or Decimal(0),
                    str(grades.get(s.n_grade, "")),
                ]
                for s in read_in_chunks(studios)
            ),
            count=in_unit.count,
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
        [
            _("Unit"),
            *[_summing(str(label)) for _c, label in categories],
            _summing(_("All categories")),
        ],
        # A row per unit: few enough to hold, and counting them would run the
        # aggregate twice.
        [
            [row["org_unit__name"], *[row[code] for code, _label in categories], row["total"]]
            for row in per_unit
        ],
    )
    awarded = AwardShare.objects.filter(award__proposal__in=proposals)
    shares = awarded.select_related("award__grade", "award__proposal__org_unit", "person").order_by(
        "award__proposal__code", "person__employee_no"
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
            _summing(_("Amount to the person (CNY)")),
        ],
        Counted(
            (
                [
                    s.award.proposal.code,
                    s.award.proposal.title,
                    s.award.proposal.org_unit.name,
                    s.award.grade.get_grade_display(),
                    s.award.amount,
                    s.person.full_name,
                    s.person.employee_no,
                    Percent(s.share),
                    (Decimal(s.amount_fen) * FEN),
                ]
                for s in read_in_chunks(shares)
            ),
            count=awarded.count,
        ),
    )


def mentoring_summary(run: ReportRun) -> Iterator[Table]:
    """One row per pairing of the unit, with its at-risk state and evaluations."""
    in_year = (
        Pairing.objects.filter(_inside(run, "org_unit"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=run.year))
        .filter(starts_on__year__lte=run.year)
    )
    pairings = with_risk(
        in_year.select_related("mentor", "apprentice", "studio", "org_unit")
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
        _summing(_("Sessions")),
        _summing(_("Evaluations")),
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
            for p in read_in_chunks(pairings)
        ),
    )


def list_export(run: ReportRun) -> Iterator[Table]:
    """A list too long for the answer, as its requester sees it now: the same
    viewset, scope, filters and columns as the export they asked for."""
    view, rows = replayed_list(run.list_url, run.requested_by)
    title, header, table = view.export_table(rows)
    yield title, header, Counted(table, count=rows.count)


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


# A unit's name in a file name is cut here: the stored path has 100 characters.
UNIT_IN_NAME = 30


def file_name(run: ReportRun, at: datetime.datetime | None = None) -> str:
    """`“五小”竞赛汇总_A 公司_2026_20261206-1405.xlsx`: the report, the unit, the
    year and when it was built (`at`, by default now), in the default language
    like the workbook it names."""
    stamp = timezone.localtime(at).strftime("%Y%m%d-%H%M")
    with translation.override(settings.LANGUAGE_CODE):
        parts = [run.get_kind_display(), run.org_unit.name[:UNIT_IN_NAME], run.year, stamp]
    if run.title:  # a list's export: named after the list (`五小提案_…`), of no one year
        parts = [run.title, run.org_unit.name[:UNIT_IN_NAME], stamp]
    return f"{'_'.join(str(part) for part in parts)}.{run.format}"


def report_heading(run: ReportRun, section: str, generated_at: datetime.datetime) -> list[str]:
    """The title block of each sheet: the report and the section, the unit and
    the year (and the campaign), when it was generated and for whom."""
    return title_block(
        f"{run.get_kind_display()} · {section}",
        unit=run.org_unit.name,
        year=run.year,
        campaign=run.campaign.name if run.campaign_id else None,
        generated_at=generated_at,
        requested_by=run.requested_by.full_name if run.requested_by_id else _("Scheduled"),
    )


class RunLost(Exception):
    """This attempt no longer holds the run (recovery gave it to another)."""


class _Progress:
    """Progress and heartbeat of one build: a beat after each section and, while
    a section's rows are read, every settings.REPORT_HEARTBEAT_INTERVAL; progress moves within a
    section as its rows are read against their count (a sized section)."""

    def __init__(self, on_section: Callable[[int], bool], sections: int, clock):
        self.on_section, self.sections, self.clock = on_section, sections, clock
        self.percent = 0
        self.interval = settings.REPORT_HEARTBEAT_INTERVAL
        self.last_beat = clock()

    def beat(self, percent: int) -> None:
        self.percent = max(self.percent, min(percent, 100))  # never backwards
        self.last_beat = self.clock()
        if self.on_section(self.percent) is False:
            raise RunLost

    def rows(self, index: int, rows: Iterable[list]) -> Iterator[list]:
        """Section `index`'s rows, beating on the way. A sized section is
        counted at its first beat: one read sooner (a short list export) costs
        no count, which is a second read of the rows' scope."""
        sized = isinstance(rows, Sized)
        for number, row in enumerate(rows, start=1):
            if self.clock() - self.last_beat >= self.interval:
                expected = len(rows) if sized else 0
                done = min(number / expected, 1) if expected else 0
                self.beat(int((index + done) * 100 / self.sections))
            yield row

    def section_done(self, index: int) -> None:
        self.beat(int((index + 1) * 100 / self.sections))


def write_report(
    run: ReportRun,
    on_section: Callable[[int], bool],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """Build the run's file with core.exports' writers: XLSX (XlsxWriter in
    constant memory), a sheet per section, each with its title block; CSV
    (UTF-8 with BOM, so Excel reads Chinese) for a one-table kind.
    `on_section(percent)` records progress and the heartbeat (_Progress); when
    it answers False the attempt lost the run and the build stops (RunLost)."""
    progress = _Progress(on_section, SECTIONS[run.kind], clock)
    sections = BUILDERS[run.kind](run)
    if run.format == ReportRun.Format.CSV:
        # A one-table kind (reports.services.CSV_KINDS): its only section.
        _title, header, rows = next(sections)
        content = "".join(csv_lines(header, progress.rows(0, rows)))
        progress.section_done(SECTIONS[run.kind] - 1)
        return content.encode("utf-8")
    generated_at = timezone.now()
    out = io.BytesIO()
    with workbook_to(out) as book:
        for index, (title, header, rows) in enumerate(sections):
            heading = report_heading(run, str(title), generated_at)
            write_sheet(book, title, header, progress.rows(index, rows), heading=heading)
            progress.section_done(index)
    return out.getvalue()
