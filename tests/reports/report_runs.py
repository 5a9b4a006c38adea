"""What the report run tests share: the data for the four kinds and reading their files."""

import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import SkillLevel
from achievements.models import Achievement, Patent, TechnicalProblem
from apprenticeships import services as apprenticeship_services
from competitions.models import AwardGrade, Proposal
from reports import services
from reports.models import ReportRun
from studios.models import Assessment, Membership
from tests.apprenticeships import conftest as apprenticeships
from tests.competitions import conftest as competitions
from tests.competitions.states import proposal_reviewed, reviewer_panel
from tests.exports import sheet_tables
from tests.factories import PersonFactory
from tests.world import shared_data

# Fixtures of the other apps' tests, as tests/reports/test_home.py borrows them.
campaigns = competitions.campaigns

make_proposal = competitions.make_proposal

mentoring = apprenticeships.mentoring

days_ago = apprenticeships.days_ago

final_passed = apprenticeships.final_passed

Kind, Status, Format = ReportRun.Kind, ReportRun.Status, ReportRun.Format

THIS_YEAR = timezone.localdate().year
# The group overview's sheets, in order.
OVERVIEW_SHEETS = [
    "工作室",
    "各命名名单中本单位占比",
    "攻关与成果",
    "五小竞赛",
    "师带徒",
    "按月",
    "排名",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- helpers ------------------------------------------------------------------------


def stored_files(media_root) -> list[Path]:
    return sorted(p for p in Path(media_root).rglob("*") if p.is_file())


def file_bytes(run: ReportRun) -> bytes:
    with run.file.open("rb") as handle:
        return handle.read()


def xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    """{sheet title: header and rows of values} of an XLSX file, without the
    title block above the header and the totals row below the rows (read by
    tests/reports/test_workbooks.py)."""
    return {title: [table.header, *table.rows] for title, table in sheet_tables(content).items()}


def build(by, django_capture_on_commit_callbacks, **kwargs) -> ReportRun:
    """Request a run and let the (eager) task build it when the request commits."""
    kwargs.setdefault("year", THIS_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_request(by=by, **kwargs)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error
    return run


def queued_run(by, **kwargs) -> ReportRun:
    """A requested run whose task has not run (its on_commit never fires here)."""
    kwargs.setdefault("kind", Kind.GROUP_OVERVIEW)
    kwargs.setdefault("year", THIS_YEAR)
    return services.report_run_request(by=by, **kwargs)


# --- data for the four kinds -----------------------------------------------------------


@shared_data(needs=("mentoring", "campaigns"))
def report_data(built):
    """Small hand-built figures for company A in this year, with a little in
    company B and last year that must stay out:

    - studios: dust (A101; lead_a, member_a, plus a member who left), washing
      (A102; colleague_a), turbine (B101);
    - dust: two problems started this year (one solved) and one last year, two
      achievements this year (verified 1234.50 and 100.25) and one last year, a
      patent filed this year and one last year, assessed excellent this year;
    - five-small (this year's group campaign): worker_a's proposal awarded the
      encouragement prize (200) split 70/30 with colleague_a, worker_a's second
      proposal awarded the first prize (5000) split 33.33/33.33/33.34 with
      colleague_a and member_a, colleague_a's submitted suggestion, worker_a's
      draft; worker_b's proposal awarded in company B;
    - mentoring: member_a mentors apprentice_a (active, two sessions) and
      apprentice_a2 (proposed); lead_a's apprentice_a3 graduated; lead_b mentors
      apprentice_b in company B."""
    m, campaigns = built.get("mentoring"), built.get("campaigns")
    make_proposal = competitions.proposal_maker(campaigns)
    org = m.org
    year, last_year = THIS_YEAR, THIS_YEAR - 1
    on = datetime.date

    left = PersonFactory(employee_no="left_a", org_unit=org.team_a101)
    Membership.objects.create(
        studio=m.dust,
        person=left,
        role=Membership.Role.MEMBER,
        joined_on=on(2021, 1, 1),
        left_on=on(2022, 1, 1),
    )

    def problem(started, solved=None):
        return TechnicalProblem.objects.create(
            studio=m.dust,
            title="巷道粉尘",
            category=TechnicalProblem.Category.DUST_CONTROL,
            status=TechnicalProblem.Status.SOLVED if solved else TechnicalProblem.Status.OPEN,
            started_on=started,
            solved_on=solved,
            created_by=m.lead_a,
        )

    problem(on(year, 1, 1), solved=on(year, 1, 1))
    problem(on(year, 1, 2))
    problem(on(last_year, 6, 1))

    def achievement(completed, verified=None, claimed=None):
        return Achievement.objects.create(
            studio=m.dust,
            title="喷雾降尘",
            kind=Achievement.Kind.TECHNICAL_INNOVATION,
            completed_on=completed,
            claimed_benefit=claimed,
            verified_benefit=verified,
            verified_by=org.official_a if verified is not None else None,
            verified_on=completed if verified is not None else None,
            created_by=m.lead_a,
        )

    achievement(on(year, 1, 1), verified=Decimal("1234.50"), claimed=Decimal("2000"))
    achievement(on(year, 1, 1), verified=Decimal("100.25"))
    achievement(on(last_year, 3, 1), verified=Decimal("9999"))

    for number_, filed in (
        ("CN202410000001.1", on(year, 1, 1)),
        ("CN202310000001.1", on(last_year, 2, 1)),
    ):
        Patent.objects.create(
            application_no=number_,
            title="喷雾阀",
            patent_type=Patent.Type.UTILITY_MODEL,
            filed_on=filed,
            holder="A 公司",
            studio=m.dust,
            created_by=m.lead_a,
        )
    Assessment.objects.create(
        studio=m.dust,
        year=year,
        score=Decimal("92.5"),
        grade=Assessment.Grade.EXCELLENT,
        assessor=org.official_a,
    )
    Assessment.objects.create(
        studio=m.washing,
        year=last_year,
        score=Decimal("70"),
        grade=Assessment.Grade.PASS,
        assessor=org.official_a,
    )

    panel = reviewer_panel(org)
    Status_ = Proposal.Status
    small_prize = proposal_reviewed(
        Status_.AWARDED,
        org=org,
        make_proposal=make_proposal,
        reviewers=panel.experts[:3],
        title="喷雾节水",
        author_share=Decimal(70),
        co_authors=[(org.colleague_a, Decimal(30))],
        grade=AwardGrade.Grade.ENCOURAGEMENT,
    )
    first_prize = proposal_reviewed(
        Status_.AWARDED,
        org=org,
        make_proposal=make_proposal,
        reviewers=panel.experts[:3],
        title="皮带巡检",
        author_share=Decimal("33.33"),
        category=Proposal.Category.INVENTION,
        co_authors=[(org.colleague_a, Decimal("33.33")), (m.member_a, Decimal("33.34"))],
        grade=AwardGrade.Grade.FIRST,
    )
    suggestion = make_proposal(
        org.colleague_a, title="班前会提醒", category=Proposal.Category.SUGGESTION
    )
    draft = make_proposal(org.worker_a, submit=False, title="草稿")
    company_b_prize = proposal_reviewed(
        Status_.AWARDED,
        org=org,
        make_proposal=make_proposal,
        reviewers=panel.experts[:3],
        author=org.worker_b,
        title="汽机检修",
        grade=AwardGrade.Grade.ENCOURAGEMENT,
    )

    apprenticeship_services.session_log(
        by=m.member_a,
        pairings=[m.active],
        held_on=days_ago(5),
        hours=Decimal(2),
        format="theory",
        topic="通风基础",
    )
    apprenticeship_services.session_log(
        by=m.member_a,
        pairings=[m.active],
        held_on=days_ago(3),
        hours=Decimal(2),
        format="theory",
        topic="粉尘检测",
    )
    apprentice_a3 = PersonFactory(
        employee_no="apprentice_a3", org_unit=org.team_a101, skill_level=SkillLevel.JUNIOR
    )
    graduated = m.pair(m.lead_a, m.lead_a, apprentice_a3, m.dust, started=20)
    final_passed(graduated, org.official_a)

    return SimpleNamespace(
        **vars(m),
        panel=panel,
        small_prize=small_prize,
        first_prize=first_prize,
        suggestion=suggestion,
        draft=draft,
        company_b_prize=company_b_prize,
        apprentice_a3=apprentice_a3,
        graduated=graduated,
        left=left,
        campaigns=campaigns,
    )
