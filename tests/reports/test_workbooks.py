"""Report workbooks fit to file (issue 18): each kind's sheets have a title
block, a frozen header, numbers in their formats, a totals row that adds up,
no English, and a Chinese file name kept through the download; the group
overview's figures are the dashboard's. And (issue 22) a long section beats by
time and moves its progress as its rows are read.

Built on the hand-counted world of the dashboard's tests
(tests/reports/dashboard_world.py), over the group for this year."""

import csv
import datetime
import io
import itertools
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit, User
from competitions.models import Campaign, Proposal
from core.exports import COUNT_FORMAT, PERCENT_FORMAT, YEAR_FORMAT, YUAN_FORMAT
from reports import builders
from reports.builders import Counted, write_report
from reports.models import ReportRun
from reports.services import CSV_KINDS
from studios.models import Studio
from tests.exports import sheet_tables
from tests.reports import dashboard_world
from tests.reports.report_runs import build, file_bytes, queued_run

pytestmark = pytest.mark.django_db

world = dashboard_world.world
Kind, Format = ReportRun.Kind, ReportRun.Format
KINDS = [Kind.GROUP_OVERVIEW, Kind.STUDIO_ANNUAL, Kind.CAMPAIGN_SUMMARY, Kind.MENTORING_SUMMARY]
KIND_NAMES = {
    Kind.GROUP_OVERVIEW: "综合统计",
    Kind.STUDIO_ANNUAL: "工作室年度汇总",
    Kind.CAMPAIGN_SUMMARY: "“五小”竞赛汇总",
    Kind.MENTORING_SUMMARY: "师带徒汇总",
}
NUMBER_FORMATS = {COUNT_FORMAT, YUAN_FORMAT, PERCENT_FORMAT, YEAR_FORMAT}
# The overview's figures in yuan whose label does not say 元.
MONEY_FIGURES = {"申报效益", "效益核实"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def built(world, kind, django_capture_on_commit_callbacks, **fields) -> ReportRun:
    """The group official's run of `kind` over the group for this year."""
    return build(
        world.org.group_official,
        django_capture_on_commit_callbacks,
        kind=kind,
        org_unit=world.org.group,
        year=world.year,
        **fields,
    )


def numeric(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- every kind -------------------------------------------------------------------------
#
# One run of each kind, built once and checked for each property below (a build
# is most of such a check's cost).


@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_workbook_is_fit_to_file(
    world, kind, client, api, django_capture_on_commit_callbacks
):
    before = timezone.localtime().replace(second=0, microsecond=0)
    run = built(world, kind, django_capture_on_commit_callbacks)
    tables = sheet_tables(file_bytes(run))
    each_sheet_starts_with_the_title_block_above_a_frozen_header(world, kind, tables, before)
    numbers_are_written_in_their_formats(kind, tables)
    totals_are_the_sums_of_their_columns(tables)
    the_chinese_workbook_has_no_english(tables)
    columns_are_wide_enough_for_their_chinese_headers(tables)
    the_download_keeps_the_chinese_file_name(world, kind, run, client, api)


def each_sheet_starts_with_the_title_block_above_a_frozen_header(world, kind, tables, before):
    official = world.org.group_official
    for title, table in tables.items():
        report, where, when = table.heading
        assert report == f"{KIND_NAMES[kind]} · {title}"
        assert where == f"单位：{world.org.group.name}\u3000\u3000年度：{world.year}"
        generated, by = when.split("\u3000\u3000")
        stamp = datetime.datetime.strptime(generated, "生成时间：%Y-%m-%d %H:%M")
        assert before.replace(tzinfo=None) <= stamp <= timezone.localtime().replace(tzinfo=None)
        assert by == f"申请人：{official.full_name}"
        # The header is the row right above the frozen panes: title block, header, data.
        assert table.freeze_panes == "A5"
        assert table.header and all(isinstance(text, str) and text for text in table.header)


def numbers_are_written_in_their_formats(kind, tables):
    """Counts with thousands separators, money with two decimals, percentages
    as percentages, dates as dates: no number left in Excel's General format."""
    numbers = dates = 0
    for table in tables.values():
        for row in table.cells:
            for header, cell in zip(table.header, row, strict=True):
                if isinstance(cell.value, datetime.datetime):
                    dates += 1
                    assert cell.number_format in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm"), header
                elif numeric(cell.value):
                    numbers += 1
                    assert cell.number_format in NUMBER_FORMATS, (header, cell.number_format)
                    label = str(row[0].value)  # a figure sheet's label
                    if "元" in header + label or label in MONEY_FIGURES:
                        assert cell.number_format == YUAN_FORMAT, (header, label)
                    if "%" in header + label or header == "占比":
                        assert cell.number_format == PERCENT_FORMAT, (header, label)
    assert numbers > 0
    if kind == Kind.MENTORING_SUMMARY:
        assert dates > 0  # the pairings' start and planned end


def totals_are_the_sums_of_their_columns(tables):
    totalled = [table for table in tables.values() if table.totals]
    assert totalled, "every kind has a table whose columns add up"
    for table in totalled:
        assert table.totals[0] == "合计"
        for index, total in enumerate(table.totals[1:], start=1):
            column = [row[index] for row in table.rows]
            if total is None:
                continue  # a column that does not add up (a name, a prize repeated per person)
            assert number(total) == sum(number(v) for v in column if numeric(v)), (
                table.title,
                table.header[index],
            )
    # Something is really summed: the world has proposals in both companies.
    assert any(number(v) for table in totalled for v in table.totals[1:] if numeric(v))


def the_chinese_workbook_has_no_english(tables):
    """Every text the workbook writes, after taking out the data it reports
    (the world's units, people, studios, campaigns and proposals have Latin
    names and codes), is free of Latin letters: titles, headers, labels,
    choices, the totals row."""
    data = {
        *OrgUnit.objects.values_list("name", flat=True),
        *OrgUnit.objects.values_list("code", flat=True),
        *User.objects.values_list("full_name", flat=True),
        *User.objects.values_list("employee_no", flat=True),
        *Studio.objects.values_list("name", flat=True),
        *Studio.objects.values_list("code", flat=True),
        *Campaign.objects.values_list("name", flat=True),
        *Proposal.objects.values_list("code", flat=True),
        *Proposal.objects.values_list("title", flat=True),
    }
    longest_first = sorted((value for value in data if value), key=len, reverse=True)
    english = []
    for title, table in tables.items():
        texts = [title, *table.heading, *table.header, *(table.totals or [])]
        texts += [value for row in table.rows for value in row]
        for text in texts:
            if not isinstance(text, str):
                continue
            for value in longest_first:
                text = text.replace(value, "")
            if re.search("[A-Za-z]", text):
                english.append((title, text))
    assert english == []


def columns_are_wide_enough_for_their_chinese_headers(tables):
    for table in tables.values():
        for header, width in zip(table.header, table.widths, strict=True):
            # A Chinese character is two of Excel's width units.
            assert width >= 2 * len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", header)), header


def the_download_keeps_the_chinese_file_name(world, kind, run, client, api):
    expected = re.compile(rf"{KIND_NAMES[kind]}_Unit G_{world.year}_\d{{8}}-\d{{4}}\.xlsx")
    client.force_login(world.org.group_official)
    api.force_authenticate(world.org.group_official)
    for answer in (
        client.get(reverse("reports:run-download", args=[run.pk])),
        api.get(reverse("api:report-run-download", args=[run.pk])),
    ):
        assert answer.status_code == 200
        disposition = answer["Content-Disposition"]
        # RFC 6266 / 5987: the UTF-8 name every browser keeps.
        assert disposition.startswith("attachment; filename*=utf-8''")
        assert expected.fullmatch(unquote(disposition.split("''", 1)[1])), disposition
    # Stored under the same name (the storage drops the quotes, the space becomes "_").
    assert f"{re.sub('[“”]', '', KIND_NAMES[kind])}_Unit_G_{world.year}_" in run.file.name


def test_a_scheduled_runs_title_block_says_so(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = queued_run(None, kind=Kind.STUDIO_ANNUAL, org_unit=world.org.company_a)
    run.refresh_from_db()
    (table,) = sheet_tables(file_bytes(run)).values()
    assert table.heading[2].endswith("申请人：定时生成")


def test_a_campaigns_summary_names_the_campaign(world, django_capture_on_commit_callbacks):
    run = built(
        world,
        Kind.CAMPAIGN_SUMMARY,
        django_capture_on_commit_callbacks,
        campaign=world.this_campaign,
    )
    for table in sheet_tables(file_bytes(run)).values():
        assert table.heading[1].endswith(f"竞赛活动：{world.this_campaign.name}")


@pytest.mark.parametrize("kind", CSV_KINDS)
def test_a_csv_is_the_workbooks_table_without_title_block_or_totals(
    world, kind, django_capture_on_commit_callbacks
):
    workbook = built(world, kind, django_capture_on_commit_callbacks)
    text = built(world, kind, django_capture_on_commit_callbacks, format=Format.CSV)
    content = file_bytes(text)
    assert content.startswith("\ufeff".encode())  # Excel on Chinese Windows reads UTF-8
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    (table,) = sheet_tables(file_bytes(workbook)).values()
    assert header == table.header
    assert len(rows) == len(table.rows) > 0


# --- the group overview -------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["group", "company_a"])
def test_the_overviews_figures_are_the_dashboards(
    world, api, unit, django_capture_on_commit_callbacks
):
    """Every figure of the overview against the dashboard's answer to the same
    official for the same unit and year (GET /api/v1/stats/overview/)."""
    official, scope = world.org.group_official, getattr(world.org, unit)
    run = build(
        official,
        django_capture_on_commit_callbacks,
        kind=Kind.GROUP_OVERVIEW,
        org_unit=scope,
        year=world.year,
    )
    api.force_authenticate(official)
    body = api.get("/api/v1/stats/overview/", {"org_unit": scope.pk, "year": world.year}).json()
    tables = sheet_tables(file_bytes(run))
    studios, outputs = body["studios"], body["outputs"]
    five, mentoring = body["five_small"], body["mentoring"]

    def labelled(prefix, rows, field="count"):
        return {f"{prefix}: {row['label']}": row[field] for row in rows}

    def percent(value):  # Excel keeps 46.2 % as 0.462
        return None if value is None else Decimal(value) / 100

    expected = {
        "工作室": {
            "工作室": studios["total"],
            "整改中": studios["in_rectification"],
            **labelled("状态", studios["by_status"]),
            **labelled("类型", studios["by_kind"]),
            **labelled("已命名", studios["named_by_level"]),
            **labelled("年度考核", studios["assessments_by_grade"]),
        },
        "攻关与成果": {
            "新立课题": outputs["problems_opened"],
            "攻克课题": outputs["problems_solved"],
            "创新成果": outputs["achievements"],
            "申报效益": outputs["claimed_benefit"],
            "效益核实": outputs["verified_benefit"],
            **labelled("类型", outputs["achievements_by_kind"]),
            **{
                f"专利: {row['label']}": row["count"]
                for row in outputs["patents_by_type"] + outputs["patents_by_status"]
            },
            **labelled("新立课题", outputs["opened_by_category"]),
            **labelled("攻克课题", outputs["solved_by_category"]),
        },
        "五小竞赛": {
            "提案": five["total"],
            "参与率（%）": percent(five["participation"]),
            "每百名职工提案数": five["per_hundred"],
            "通过率（%）": percent(five["approval_rate"]),
            "实施率（%）": percent(five["implementation_rate"]),
            "效益核实": five["verified_benefit"],
            "从提交到决定的天数（中位数）": five["median_days_to_decision"],
            **labelled("类别", five["by_category"]),
            **labelled("状态", five["by_status"]),
            **labelled("授奖", five["awards_by_grade"]),
            **labelled("奖金（元）", five["awards_by_grade"], "amount"),
            **{f"单位: {row['unit']['name']}": row["count"] for row in five["by_unit"]},
        },
        "师带徒": {
            "进行中的结对": mentoring["active"],
            "需关注": mentoring["at_risk"],
            "已出师": mentoring["completed"],
            "技能等级提升": mentoring["skill_rises"],
        },
    }
    for title, figures in expected.items():
        got = {row[0]: number(row[1]) for row in tables[title].rows}
        assert {label: got.get(label) for label in figures} == {
            label: number(value) for label, value in figures.items()
        }, title
    assert [
        [row[0], row[1], row[2], row[3], None if row[4] is None else number(row[4])]
        for row in tables["各命名名单中本单位占比"].rows
    ] == [
        [row["year"], row["level_display"], row["ours"], row["total"], percent(row["percent"])]
        for row in studios["shares"]
    ]
    months = tables["按月"]
    trends = body["trends"]
    assert [row[1:] for row in months.rows] == [
        list(values)
        for values in zip(
            trends["proposals"], trends["achievements"], trends["problems_solved"], strict=True
        )
    ]
    assert months.totals[1:] == [
        sum(trends["proposals"]),
        sum(trends["achievements"]),
        sum(trends["problems_solved"]),
    ]
    rankings = body["rankings"]
    assert [row[1:] for row in tables["排名"].rows] == [
        *[[r["unit"]["name"], r["count"]] for r in rankings["units_by_proposals"]],
        *[[r["unit"]["name"], r["count"]] for r in rankings["units_by_achievements"]],
        *[[r["name"], r["achievements_count"] + r["patents_count"]] for r in rankings["studios"]],
    ]
    # Not a comparison of zeros: the hand-counted world's own figures.
    if unit == "group":
        assert (five["total"], five["participation"]) == (13, "46.2")
        assert tables["五小竞赛"].rows[0] == ["提案", 13]


# --- progress and heartbeat (issue 22, defect 7) --------------------------------------------


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_long_section_beats_by_time_and_its_progress_moves(world, monkeypatch):
    """One section of 60 rows, each taking a (fake) second to read: a beat at
    least every settings.REPORT_HEARTBEAT_INTERVAL, and progress rising row by row through the
    section instead of waiting at 0 % for its end."""
    clock, beats = FakeClock(), []

    def slow_rows():
        for number_ in range(60):
            clock.now += 1
            yield [f"第 {number_} 行", number_]

    def one_long_section(run):
        yield ("长表", ["名称", "数量"], Counted(slow_rows(), count=lambda: 60))

    monkeypatch.setitem(builders.BUILDERS, Kind.STUDIO_ANNUAL, one_long_section)
    run = queued_run(world.org.group_official, kind=Kind.STUDIO_ANNUAL, org_unit=world.org.group)

    def on_section(percent):
        beats.append((clock.now, percent))
        return True

    write_report(run, on_section=on_section, clock=clock)

    times = [0.0] + [at for at, _percent in beats]
    assert (
        max(later - earlier for earlier, later in itertools.pairwise(times))
        <= settings.REPORT_HEARTBEAT_INTERVAL
    )
    assert len(beats) >= 60 / settings.REPORT_HEARTBEAT_INTERVAL
    percents = [percent for _at, percent in beats]
    assert percents == sorted(percents)
    assert len({p for p in percents if 0 < p < 100}) >= 10
    assert percents[-1] == 100


def test_a_real_sections_progress_moves_with_its_rows(world, django_capture_on_commit_callbacks):
    """The five-small summary's second section (its award shares, counted) moves
    past 50 % as its rows are read, with a beat at each when rows are slow."""
    run = built(world, Kind.CAMPAIGN_SUMMARY, django_capture_on_commit_callbacks)
    clock, percents = FakeClock(), []

    def slow_clock():
        clock.now += settings.REPORT_HEARTBEAT_INTERVAL  # every reading of the clock a beat later
        return clock.now

    write_report(run, on_section=lambda percent: percents.append(percent), clock=slow_clock)
    assert percents == sorted(percents)
    assert len({p for p in percents if 50 < p < 100}) >= 2, percents


def test_an_attempt_that_loses_its_run_stops_within_the_section(world, monkeypatch):
    clock, read = FakeClock(), []

    def endless_rows():
        while True:
            clock.now += 1
            read.append(1)
            yield ["行", 1]

    monkeypatch.setitem(
        builders.BUILDERS,
        Kind.STUDIO_ANNUAL,
        lambda run: iter([("长表", ["名称", "数量"], endless_rows())]),
    )
    run = queued_run(world.org.group_official, kind=Kind.STUDIO_ANNUAL, org_unit=world.org.group)
    with pytest.raises(builders.RunLost):
        write_report(run, on_section=lambda percent: False, clock=clock)
    assert len(read) <= settings.REPORT_HEARTBEAT_INTERVAL + 1
