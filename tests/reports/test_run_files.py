"""Report runs: the four kinds' files, their headers' language and the worker's
file against a fresh build."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation

from competitions.models import AwardShare
from reports.builders import write_report
from reports.selectors import DashboardScope, live_dashboard_figures
from tests.apprenticeships import conftest as apprenticeships
from tests.competitions import conftest as competitions
from tests.reports import report_runs
from tests.reports.report_runs import (
    OVERVIEW_SHEETS,
    THIS_YEAR,
    Format,
    Kind,
    build,
    file_bytes,
    xlsx_sheets,
)

pytestmark = pytest.mark.django_db

report_data = report_runs.report_data

# Fixtures of the other apps' tests, as tests/reports/test_home.py borrows them.
campaigns = competitions.campaigns

make_proposal = competitions.make_proposal

mentoring = apprenticeships.mentoring

days_ago = apprenticeships.days_ago

final_passed = apprenticeships.final_passed


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "Excel needs the BOM to read Chinese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def number(value):
    """A figure as Decimal, whether it came back from Excel as int or float."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


# --- the files ------------------------------------------------------------------------


class TestGroupOverview:
    def test_every_figure_equals_the_dashboard_for_the_same_scope_and_year(
        self, report_data, django_capture_on_commit_callbacks
    ):
        org = report_data.org
        run = build(org.official_a, django_capture_on_commit_callbacks, kind=Kind.GROUP_OVERVIEW)
        assert run.file.name.endswith(".xlsx")
        sheets = xlsx_sheets(file_bytes(run))
        assert list(sheets) == OVERVIEW_SHEETS
        for title in ["工作室", "攻关与成果", "五小竞赛", "师带徒"]:
            assert sheets[title][0] == ["指标", "数值"]
        assert sheets["按月"][0] == ["月份", "提案", "创新成果", "攻克课题"]

        figures = live_dashboard_figures(DashboardScope(unit=org.company_a, year=THIS_YEAR))
        studios, outputs = figures["studios"], figures["outputs"]
        five, mentoring_ = figures["five_small"], figures["mentoring"]

        def fraction(percent):
            """A percentage as Excel keeps it (21.4 % is 0.214)."""
            return None if percent is None else percent / 100

        def counts(*lists):
            return [row["count"] for rows in lists for row in rows]

        expected = {
            "工作室": [
                studios["total"],
                studios["in_rectification"],
                *counts(
                    studios["by_status"],
                    studios["by_kind"],
                    studios["named_by_level"],
                    studios["assessments_by_grade"],
                ),
            ],
            "攻关与成果": [
                outputs["problems_opened"],
                outputs["problems_solved"],
                outputs["achievements"],
                outputs["claimed_benefit"],
                outputs["verified_benefit"],
                outputs["adoptions_outside"],
                *counts(
                    outputs["achievements_by_kind"],
                    outputs["patents_by_type"],
                    outputs["patents_by_status"],
                    outputs["opened_by_category"],
                    outputs["solved_by_category"],
                ),
            ],
            "五小竞赛": [
                five["total"],
                five["headcount"],
                five["entrants"],
                fraction(five["participation"]),
                five["per_hundred"],
                fraction(five["approval_rate"]),
                fraction(five["implementation_rate"]),
                five["verified_benefit"],
                five["median_days_to_decision"],
                *counts(five["by_category"], five["by_status"], five["awards_by_grade"]),
                *[row["amount"] for row in five["awards_by_grade"]],
                *counts(five["by_unit"]),
            ],
            "师带徒": [
                mentoring_["active"],
                mentoring_["at_risk"],
                mentoring_["completed"],
                mentoring_["skill_rises"],
            ],
        }
        for title, values in expected.items():
            rows = sheets[title][1:]
            assert [number(row[1]) for row in rows] == [number(v) for v in values]
        # Our share of each list: year, level, ours, the list's total, the share
        # (a percentage, which Excel keeps as a fraction).
        assert [
            [year, level, ours, total, None if share is None else number(share) * 100]
            for year, level, ours, total, share in sheets["各命名名单中本单位占比"][1:]
        ] == [
            [r["year"], r["level_display"], r["share"].ours, r["share"].total, r["share"].percent]
            for r in studios["shares"]
        ]
        rankings = figures["rankings"]
        assert [row[1:] for row in sheets["排名"][1:]] == [
            *[[r["unit"].name, r["count"]] for r in rankings["units_by_proposals"]],
            *[[r["unit"].name, r["count"]] for r in rankings["units_by_achievements"]],
            *[[r["name"], r["output"]] for r in rankings["studios"]],
        ]
        months = sheets["按月"][1:]
        assert [row[0] for row in months] == list(range(1, 13))
        assert [row[1:] for row in months] == [
            list(values)
            for values in zip(
                figures["trends"]["proposals"],
                figures["trends"]["achievements"],
                figures["trends"]["problems_solved"],
                strict=True,
            )
        ]

        # The fixture's own figures, so the comparison above is not of zeros.
        rows = {title: {row[0]: row[1] for row in rows[1:]} for title, rows in sheets.items()}
        assert rows["工作室"]["工作室"] == 2  # dust and washing; turbine is company B's
        # Every label is in the office's language.
        assert [label for label in rows["工作室"] if re.search("[A-Za-z]", str(label))] == []
        outputs_ = rows["攻关与成果"]
        assert (outputs_["新立课题"], outputs_["攻克课题"], outputs_["创新成果"]) == (2, 1, 2)
        assert number(outputs_["效益核实"]) == Decimal("1334.75")
        # Two awarded and one suggestion; not the draft, not company B's.
        assert rows["五小竞赛"]["提案"] == 3
        assert number(rows["五小竞赛"]["效益核实"]) == Decimal("196000")
        assert rows["师带徒"]["进行中的结对"] == 1
        assert (rows["师带徒"]["已出师"], rows["师带徒"]["技能等级提升"]) == (1, 1)

    def test_every_label_of_the_overview_is_chinese(
        self, report_data, django_capture_on_commit_callbacks
    ):
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.GROUP_OVERVIEW,
        )
        labels = [row[0] for rows in xlsx_sheets(file_bytes(run)).values() for row in rows]
        # The label before ": " is ours; after it may come data (a unit's name).
        english = [
            label
            for label in labels
            if isinstance(label, str)
            and any("a" <= ch.lower() <= "z" for ch in label.split(": ", 1)[0])
        ]
        assert english == [], english

    def test_a_scope_with_no_data_gives_zeros(self, org, django_capture_on_commit_callbacks):
        run = build(
            org.official_b,
            django_capture_on_commit_callbacks,
            kind=Kind.GROUP_OVERVIEW,
            year=2015,
        )
        sheets = xlsx_sheets(file_bytes(run))
        rows = {title: {row[0]: row[1] for row in rows[1:]} for title, rows in sheets.items()}
        assert rows["工作室"]["工作室"] == 0
        assert rows["攻关与成果"]["创新成果"] == 0
        assert rows["五小竞赛"]["提案"] == 0
        # Rates over nothing are empty, not zero.
        assert rows["五小竞赛"]["通过率（%）"] is None


class TestStudioAnnual:
    HEADER = [
        "代码",
        "工作室",
        "单位",
        "负责人",
        "状态",
        "成员",
        "新立课题",
        "创新成果",
        "专利申请",
        "效益核实",
        "年度考核",
    ]

    def expected(self, data, year=THIS_YEAR):
        dust, washing = data.dust, data.washing
        return [
            [
                "A1-DUST",
                dust.name,
                "Unit A101",
                data.lead_a.full_name,
                "已成立",
                2,
                2,
                2,
                1,
                Decimal("1334.75"),
                "优秀",
            ],
            [
                "A1-WASH",
                washing.name,
                "Unit A102",
                data.org.colleague_a.full_name,
                "已成立",
                1,
                0,
                0,
                0,
                Decimal("0.00"),
                "",
            ],
        ]

    def test_xlsx_has_one_row_per_studio_of_the_unit_with_hand_counted_figures(
        self, report_data, django_capture_on_commit_callbacks
    ):
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.STUDIO_ANNUAL,
        )
        sheets = xlsx_sheets(file_bytes(run))
        assert list(sheets) == [f"{THIS_YEAR} 年工作室"]
        header, *rows = sheets[f"{THIS_YEAR} 年工作室"]
        assert header == self.HEADER
        normalised = [[*row[:9], number(row[9]), row[10] or ""] for row in rows]
        assert normalised == self.expected(report_data)

    def test_csv_has_the_same_rows(self, report_data, django_capture_on_commit_callbacks):
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.STUDIO_ANNUAL,
            format=Format.CSV,
        )
        assert run.file.name.endswith(".csv")
        header, *rows = csv_rows(file_bytes(run))
        assert header == self.HEADER
        assert rows == [[str(v) for v in row] for row in self.expected(report_data)]

    def test_last_years_figures_for_a_sub_unit(
        self, report_data, django_capture_on_commit_callbacks
    ):
        org = report_data.org
        run = build(
            org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.STUDIO_ANNUAL,
            org_unit=org.team_a101,
            year=THIS_YEAR - 1,
            format=Format.CSV,
        )
        _header, *rows = csv_rows(file_bytes(run))
        # Only the dust studio (A101): last year's problem, achievement and patent.
        assert [row[0] for row in rows] == ["A1-DUST"]
        assert rows[0][6:9] == ["1", "1", "1"]
        assert (Decimal(rows[0][9]), rows[0][10]) == (Decimal(9999), "")


class TestCampaignSummary:
    def test_per_unit_and_category_and_every_award_share_of_the_unit(
        self, report_data, django_capture_on_commit_callbacks
    ):
        org = report_data.org
        run = build(org.official_a, django_capture_on_commit_callbacks, kind=Kind.CAMPAIGN_SUMMARY)
        sheets = xlsx_sheets(file_bytes(run))
        assert list(sheets) == ["按单位和类别", "获奖提案"]

        header, *per_unit = sheets["按单位和类别"]
        assert header == ["单位", "小发明", "小创造", "小革新", "小设计", "小建议", "合计"]
        # A101: worker_a's innovation and invention (not the draft); A102: the suggestion.
        assert per_unit == [["Unit A101", 1, 0, 1, 0, 0, 2], ["Unit A102", 0, 0, 0, 0, 1, 1]]

        header, *shares = sheets["获奖提案"]
        assert header[:4] == ["代码", "名称", "单位", "等次"]
        assert header[5:8] == ["人员", "工号", "份额（%）"]
        small, first = report_data.small_prize, report_data.first_prize
        got = sorted(
            # The share is a percentage: Excel keeps 70 % as 0.7.
            (
                row[0],
                row[1],
                row[2],
                row[3],
                number(row[4]),
                row[6],
                number(row[7]) * 100,
                number(row[8]),
            )
            for row in shares
        )
        assert got == sorted(
            [
                (
                    small.code,
                    "喷雾节水",
                    "Unit A101",
                    "鼓励奖",
                    Decimal(200),
                    "worker_a",
                    Decimal(70),
                    Decimal(140),
                ),
                (
                    small.code,
                    "喷雾节水",
                    "Unit A101",
                    "鼓励奖",
                    Decimal(200),
                    "colleague_a",
                    Decimal(30),
                    Decimal(60),
                ),
                (
                    first.code,
                    "皮带巡检",
                    "Unit A101",
                    "一等奖",
                    Decimal(5000),
                    "worker_a",
                    Decimal("33.33"),
                    Decimal("1666.50"),
                ),
                (
                    first.code,
                    "皮带巡检",
                    "Unit A101",
                    "一等奖",
                    Decimal(5000),
                    "colleague_a",
                    Decimal("33.33"),
                    Decimal("1666.50"),
                ),
                (
                    first.code,
                    "皮带巡检",
                    "Unit A101",
                    "一等奖",
                    Decimal(5000),
                    "member_a",
                    Decimal("33.34"),
                    Decimal("1667.00"),
                ),
            ]
        )
        # Each prize's shares, in fen, add back up to the prize.
        for proposal in (small, first):
            rows = [row for row in shares if row[0] == proposal.code]
            fen = sum(int(number(row[8]) * 100) for row in rows)
            assert fen == int(number(rows[0][4]) * 100)
            assert fen == sum(
                AwardShare.objects.filter(award__proposal=proposal).values_list(
                    "amount_fen", flat=True
                )
            )
        assert report_data.company_b_prize.code not in {row[0] for row in shares}

    def test_awarded_proposals_headers_are_distinct(
        self, report_data, django_capture_on_commit_callbacks
    ):
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.CAMPAIGN_SUMMARY,
        )
        header = xlsx_sheets(file_bytes(run))["获奖提案"][0]
        assert len(set(header)) == len(header)

    def test_the_group_sees_both_companies_and_a_campaign_narrows_it(
        self, report_data, django_capture_on_commit_callbacks
    ):
        org = report_data.org
        run = build(
            org.group_official,
            django_capture_on_commit_callbacks,
            kind=Kind.CAMPAIGN_SUMMARY,
            campaign=report_data.campaigns.open,
        )
        sheets = xlsx_sheets(file_bytes(run))
        units = [row[0] for row in sheets["按单位和类别"][1:]]
        assert units == ["Unit A101", "Unit A102", "Unit B101"]
        codes = {row[0] for row in sheets["获奖提案"][1:]}
        assert report_data.company_b_prize.code in codes

        other = build(
            org.group_official,
            django_capture_on_commit_callbacks,
            kind=Kind.CAMPAIGN_SUMMARY,
            campaign=report_data.campaigns.company_b,
        )
        assert xlsx_sheets(file_bytes(other))["按单位和类别"][1:] == []


class TestMentoringSummary:
    HEADER = [
        "师傅",
        "徒弟",
        "工作室",
        "单位",
        "状态",
        "开始日期",
        "计划结束日期",
        "需关注",
        "最近带教",
        "带教记录",
        "考评",
        "已出师",
    ]

    def expected(self, data):
        def row(pairing, status, last_session, sessions, evaluations, graduated):
            return [
                pairing.mentor.full_name,
                pairing.apprentice.full_name,
                data.dust.name,
                "Unit A101",
                status,
                pairing.starts_on,
                pairing.planned_end_on,
                "否",
                last_session,
                sessions,
                evaluations,
                graduated,
            ]

        return [
            row(data.graduated, "已出师", None, 0, 1, "是"),
            row(data.active, "进行中", days_ago(3), 2, 0, "否"),
            row(data.proposed, "已提出", None, 0, 0, "否"),
        ]

    def test_xlsx_lists_the_pairings_of_the_unit(
        self, report_data, django_capture_on_commit_callbacks
    ):
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.MENTORING_SUMMARY,
        )
        sheets = xlsx_sheets(file_bytes(run))
        assert list(sheets) == ["师徒结对"]
        header, *rows = sheets["师徒结对"]
        assert header == self.HEADER

        def as_dates(row):
            dates = [v.date() if isinstance(v, datetime.datetime) else v for v in row]
            return [None if v == "" else v for v in dates]

        assert [as_dates(row) for row in rows] == self.expected(report_data)

    def test_csv_lists_the_same_pairings(self, report_data, django_capture_on_commit_callbacks):
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.MENTORING_SUMMARY,
            format=Format.CSV,
        )
        header, *rows = csv_rows(file_bytes(run))
        assert header == self.HEADER
        assert rows == [
            ["" if v is None else str(v) for v in row] for row in self.expected(report_data)
        ]

    def test_a_past_year_leaves_out_pairings_that_started_later(
        self, report_data, django_capture_on_commit_callbacks
    ):
        # Every pairing of the fixture started in the last 40 days.
        run = build(
            report_data.org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.MENTORING_SUMMARY,
            year=THIS_YEAR - 2,
            format=Format.CSV,
        )
        _header, *rows = csv_rows(file_bytes(run))
        assert rows == []


def test_headers_follow_the_default_language_not_the_requesters(
    org, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        run = build(
            org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.MENTORING_SUMMARY,
            format=Format.CSV,
        )
    assert csv_rows(file_bytes(run))[0][:2] == ["师傅", "徒弟"]


def test_worker_file_equals_a_fresh_build(report_data, django_capture_on_commit_callbacks):
    """The stored file is what the builder writes for the run (a sanity check the
    worker test leans on)."""
    run = build(
        report_data.org.official_a,
        django_capture_on_commit_callbacks,
        kind=Kind.CAMPAIGN_SUMMARY,
    )
    with translation.override("zh-hans"):
        fresh = write_report(run, on_section=lambda percent: None)
    assert xlsx_sheets(file_bytes(run)) == xlsx_sheets(fresh)
