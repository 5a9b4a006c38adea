"""Report runs (issue 8): the request, the worker's claim/progress/finish fenced by
the attempt number, the periodic recovery, the four kinds' files, who sees which
run, the runs page and /api/v1/report-runs/. Celery runs eagerly here
(config.settings.test); tests/reports/test_report_worker.py uses real workers."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import SkillLevel
from achievements.models import Achievement, Patent, TechnicalProblem
from apprenticeships import services as apprenticeship_services
from competitions.models import AwardGrade, AwardShare, Proposal
from reports import services, tasks
from reports.builders import write_report
from reports.models import ReportRun
from reports.selectors import DashboardScope, dashboard_figures
from reports.tasks import build_report
from studios.models import Assessment, Membership
from tests.apprenticeships import conftest as apprenticeships
from tests.competitions import conftest as competitions
from tests.competitions.states import proposal_reviewed, reviewer_panel
from tests.factories import PersonFactory

# Fixtures of the other apps' tests, as tests/reports/test_home.py borrows them.
campaigns = competitions.campaigns
make_proposal = competitions.make_proposal
mentoring = apprenticeships.mentoring
days_ago = apprenticeships.days_ago
final_passed = apprenticeships.final_passed

pytestmark = pytest.mark.django_db

Kind, Status, Format = ReportRun.Kind, ReportRun.Status, ReportRun.Format
THIS_YEAR = timezone.localdate().year
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """{sheet title: rows of values} of an XLSX file."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        # An empty figure (None) is written as no cell: pad rows to the header.
        sheets[sheet.title] = [header] + [row + [None] * (len(header) - len(row)) for row in rows]
    return sheets


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "Excel needs the BOM to read Chinese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def number(value):
    """A figure as Decimal, whether it came back from Excel as int or float."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


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


def after_timeout(settings, seconds: int = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + seconds)


# --- data for the four kinds -----------------------------------------------------------


@pytest.fixture
def report_data(mentoring, campaigns, make_proposal):
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
    org, m = mentoring.org, mentoring
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


# --- request --------------------------------------------------------------------------


class TestRequest:
    def test_official_request_defaults_to_their_widest_unit_and_queues_on_commit(
        self, org, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            run = services.report_run_request(
                by=org.official_a, kind=Kind.STUDIO_ANNUAL, year=THIS_YEAR
            )
            # Nothing is sent to the broker before the request commits.
            assert callbacks == []
        assert len(callbacks) == 1
        run.refresh_from_db()
        assert (run.org_unit, run.requested_by, run.status, run.attempt) == (
            org.company_a,
            org.official_a,
            Status.QUEUED,
            0,
        )

    def test_group_official_defaults_to_the_group(self, org):
        run = queued_run(org.group_official)
        assert run.org_unit == org.group

    def test_worker_and_studio_lead_cannot_request(self, org, studios):
        for person in (org.worker_a, studios.lead_a):
            with pytest.raises(PermissionDenied):
                queued_run(person)
        assert not ReportRun.objects.exists()

    def test_unit_outside_scope_is_refused_on_the_org_unit_field(self, org):
        with pytest.raises(ValidationError) as refused:
            queued_run(org.official_a, org_unit=org.company_b)
        assert set(refused.value.error_dict) == {"org_unit"}

    def test_campaign_outside_scope_is_refused_on_the_campaign_field(self, org, campaigns):
        with pytest.raises(ValidationError) as refused:
            queued_run(org.official_a, kind=Kind.CAMPAIGN_SUMMARY, campaign=campaigns.company_b)
        assert set(refused.value.error_dict) == {"campaign"}

    @pytest.mark.parametrize("kind", [Kind.GROUP_OVERVIEW, Kind.CAMPAIGN_SUMMARY])
    def test_csv_is_refused_for_a_report_of_several_tables(self, org, kind):
        with pytest.raises(ValidationError) as refused:
            queued_run(org.official_a, kind=kind, format=Format.CSV)
        assert set(refused.value.error_dict) == {"format"}

    @pytest.mark.parametrize("kind", [Kind.STUDIO_ANNUAL, Kind.MENTORING_SUMMARY])
    def test_csv_is_accepted_for_a_list_shaped_report(self, org, kind):
        assert queued_run(org.official_a, kind=kind, format=Format.CSV).format == Format.CSV

    def test_page_request_queues_on_commit_and_redirects_to_the_row(
        self, org, as_person, django_capture_on_commit_callbacks
    ):
        client = as_person(org.official_a)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(
                reverse("reports:run-list"),
                {"kind": Kind.STUDIO_ANNUAL, "year": THIS_YEAR, "format": Format.XLSX},
            )
        run = ReportRun.objects.get()
        assert response.status_code == 302
        assert response.url.endswith(f"#run-{run.pk}")
        assert (run.org_unit, run.status) == (org.company_a, Status.QUEUED)
        assert len(callbacks) == 1

    @pytest.mark.parametrize(
        ("field", "data"),
        [
            ("org_unit", {"kind": Kind.STUDIO_ANNUAL, "org_unit": "company_b"}),
            ("campaign", {"kind": Kind.CAMPAIGN_SUMMARY, "campaign": "company_b"}),
            ("format", {"kind": Kind.GROUP_OVERVIEW, "format": Format.CSV}),
        ],
    )
    def test_page_refusal_is_a_400_naming_the_field(self, org, campaigns, as_person, field, data):
        data = {"year": THIS_YEAR, "format": Format.XLSX, **data}
        if data.get("org_unit") == "company_b":
            data["org_unit"] = org.company_b.pk
        if data.get("campaign") == "company_b":
            data["campaign"] = campaigns.company_b.pk
        response = as_person(org.official_a).post(reverse("reports:run-list"), data)
        assert response.status_code == 400
        assert list(response.context["form"].errors) == [field]
        assert not ReportRun.objects.exists()

    def test_page_is_forbidden_to_a_worker_and_a_lead(self, org, studios, as_person):
        for person in (org.worker_a, studios.lead_a):
            client = as_person(person)
            assert client.get(reverse("reports:run-list")).status_code == 403
            response = client.post(
                reverse("reports:run-list"), {"kind": Kind.STUDIO_ANNUAL, "year": THIS_YEAR}
            )
            assert response.status_code == 403
        assert not ReportRun.objects.exists()

    def test_page_sends_an_anonymous_visitor_to_sign_in(self, client, org):
        for response in (
            client.get(reverse("reports:run-list")),
            client.post(reverse("reports:run-list"), {"kind": Kind.STUDIO_ANNUAL}),
        ):
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))

    def test_api_request_defaults_the_unit_and_year_and_queues_on_commit(
        self, org, api, django_capture_on_commit_callbacks
    ):
        api.force_authenticate(org.official_a)
        with django_capture_on_commit_callbacks() as callbacks:
            response = api.post(
                reverse("api:report-run-list"), {"kind": Kind.MENTORING_SUMMARY}, format="json"
            )
        assert response.status_code == 201, response.data
        body = response.json()
        assert (body["org_unit"], body["year"], body["status"]) == (
            org.company_a.pk,
            THIS_YEAR,
            Status.QUEUED,
        )
        assert body["download_url"] is None
        assert len(callbacks) == 1

    def test_api_request_for_a_sub_unit(self, org, api):
        api.force_authenticate(org.official_a)
        response = api.post(
            reverse("api:report-run-list"),
            {"kind": Kind.STUDIO_ANNUAL, "org_unit": org.mine_a1.pk, "year": 2024},
            format="json",
        )
        assert response.status_code == 201, response.data
        assert ReportRun.objects.get().org_unit == org.mine_a1

    @pytest.mark.parametrize(
        ("field", "extra"),
        [
            ("org_unit", {"kind": Kind.STUDIO_ANNUAL, "org_unit": "company_b"}),
            ("campaign", {"kind": Kind.CAMPAIGN_SUMMARY, "campaign": "company_b"}),
            ("format", {"kind": Kind.CAMPAIGN_SUMMARY, "format": Format.CSV}),
        ],
    )
    def test_api_refusal_is_a_400_naming_the_field(self, org, campaigns, api, field, extra):
        if extra.get("org_unit") == "company_b":
            extra["org_unit"] = org.company_b.pk
        if extra.get("campaign") == "company_b":
            extra["campaign"] = campaigns.company_b.pk
        api.force_authenticate(org.official_a)
        response = api.post(reverse("api:report-run-list"), extra, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
        assert not ReportRun.objects.exists()

    def test_api_request_is_forbidden_to_a_worker_and_a_lead(self, org, studios, api):
        for person in (org.worker_a, studios.lead_a):
            api.force_authenticate(person)
            response = api.post(
                reverse("api:report-run-list"), {"kind": Kind.STUDIO_ANNUAL}, format="json"
            )
            assert response.status_code == 403
        assert not ReportRun.objects.exists()

    def test_api_needs_authentication(self, org, api):
        run = queued_run(org.official_a)
        for response in (
            api.post(reverse("api:report-run-list"), {"kind": Kind.STUDIO_ANNUAL}, format="json"),
            api.get(reverse("api:report-run-list")),
            api.get(reverse("api:report-run-download", args=[run.pk])),
        ):
            assert response.status_code == 401


# --- claim, progress, finish, fail, release: fenced by the attempt ------------------------


class TestFencing:
    def test_claiming_twice_gives_one_attempt(self, org):
        run = queued_run(org.official_a)
        assert services.report_run_claim(run_id=run.pk) == 1
        assert services.report_run_claim(run_id=run.pk) is None
        run.refresh_from_db()
        assert (run.status, run.attempt) == (Status.RUNNING, 1)
        assert run.started_at is not None and run.heartbeat_at is not None

    @pytest.mark.parametrize("status", [Status.SUCCEEDED, Status.FAILED, Status.RUNNING])
    def test_a_run_that_is_not_queued_cannot_be_claimed(self, org, status):
        run = queued_run(org.official_a)
        ReportRun.objects.filter(pk=run.pk).update(status=status, file="reports/x.xlsx")
        assert services.report_run_claim(run_id=run.pk) is None
        assert ReportRun.objects.get(pk=run.pk).attempt == 0

    def test_progress_is_capped_below_100_until_the_file_is_stored(self, org):
        run = queued_run(org.official_a)
        attempt = services.report_run_claim(run_id=run.pk)
        assert services.report_run_progress(run_id=run.pk, attempt=attempt, progress=150)
        assert ReportRun.objects.get(pk=run.pk).progress == 99
        assert services.report_run_finish(
            run_id=run.pk, attempt=attempt, content=b"x", name="r.xlsx"
        )
        run.refresh_from_db()
        assert (run.status, run.progress) == (Status.SUCCEEDED, 100)
        assert run.finished_at is not None

    @pytest.mark.parametrize("status", [Status.QUEUED, Status.SUCCEEDED, Status.FAILED])
    def test_worker_writes_to_a_run_that_is_not_running_are_ignored(self, org, media_root, status):
        run = queued_run(org.official_a)
        ReportRun.objects.filter(pk=run.pk).update(
            status=status, attempt=1, file="" if status != Status.SUCCEEDED else "reports/old.xlsx"
        )
        assert not services.report_run_progress(run_id=run.pk, attempt=1, progress=50)
        assert not services.report_run_finish(run_id=run.pk, attempt=1, content=b"x", name="a.xlsx")
        assert not services.report_run_fail(run_id=run.pk, attempt=1, error="late")
        assert not services.report_run_release(run_id=run.pk, attempt=1)
        assert ReportRun.objects.get(pk=run.pk).status == status
        assert stored_files(media_root) == []

    def test_late_writes_of_a_stopped_attempt_are_ignored_after_recovery(
        self, org, settings, media_root
    ):
        run = queued_run(org.official_a)
        stale = services.report_run_claim(run_id=run.pk)
        # Its worker stops; the periodic check gives the run back; a new attempt takes it.
        assert services.report_runs_recover(now=after_timeout(settings))["requeued"] == 1
        fresh = services.report_run_claim(run_id=run.pk)
        assert (stale, fresh) == (1, 2)
        assert services.report_run_progress(run_id=run.pk, attempt=fresh, progress=40)

        # The old attempt wakes up and writes: nothing changes, nothing is stored.
        assert not services.report_run_progress(run_id=run.pk, attempt=stale, progress=80)
        assert not services.report_run_finish(
            run_id=run.pk, attempt=stale, content=b"stale", name="stale.xlsx"
        )
        assert not services.report_run_fail(run_id=run.pk, attempt=stale, error="stale")
        assert not services.report_run_release(run_id=run.pk, attempt=stale)
        run.refresh_from_db()
        assert (run.status, run.attempt, run.progress, run.file.name, run.error) == (
            Status.RUNNING,
            2,
            40,
            "",
            "",
        )
        assert stored_files(media_root) == []

        # The new attempt finishes: one file, the new attempt's.
        assert services.report_run_finish(
            run_id=run.pk, attempt=fresh, content=b"fresh", name="fresh.xlsx"
        )
        run.refresh_from_db()
        assert (run.status, run.attempt) == (Status.SUCCEEDED, 2)
        assert [p.read_bytes() for p in stored_files(media_root)] == [b"fresh"]


# --- the tasks ----------------------------------------------------------------------


class TestBuildTask:
    def test_build_report_twice_on_a_succeeded_run_does_nothing(
        self, org, django_capture_on_commit_callbacks, media_root
    ):
        run = build(org.official_a, django_capture_on_commit_callbacks, kind=Kind.GROUP_OVERVIEW)
        before = (run.file.name, file_bytes(run), run.finished_at, run.attempt, run.progress)
        build_report.delay(run.pk)
        build_report.delay(run.pk)
        run.refresh_from_db()
        assert (run.file.name, file_bytes(run), run.finished_at, run.attempt, run.progress) == (
            before
        )
        assert len(stored_files(media_root)) == 1

    def test_transient_database_error_releases_the_run_and_retries(self, org, monkeypatch):
        real_write = tasks.write_report
        seen = []

        def flaky(run, on_section):
            seen.append(ReportRun.objects.get(pk=run.pk).attempt)
            if len(seen) == 1:
                raise OperationalError("server closed the connection unexpectedly")
            return real_write(run, on_section)

        monkeypatch.setattr(tasks, "write_report", flaky)
        run = queued_run(org.official_a, kind=Kind.STUDIO_ANNUAL)
        # Not propagating (as in a worker), so the eager task runs its retry.
        build_report.apply(args=[run.pk], throw=False)
        run.refresh_from_db()
        # The first attempt gave the run back; the retry claimed it as attempt 2.
        assert seen == [1, 2]
        assert (run.status, run.attempt, run.error) == (Status.SUCCEEDED, 2, "")

    def test_release_gives_the_run_back_to_the_queue(self, org):
        run = queued_run(org.official_a)
        attempt = services.report_run_claim(run_id=run.pk)
        assert services.report_run_release(run_id=run.pk, attempt=attempt)
        assert ReportRun.objects.get(pk=run.pk).status == Status.QUEUED
        assert services.report_run_claim(run_id=run.pk) == 2

    def test_a_build_error_fails_the_run_with_the_error_for_the_requester(
        self, org, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(run, on_section):
            raise ValueError("除数为零")

        monkeypatch.setattr(tasks, "write_report", broken)
        with django_capture_on_commit_callbacks(execute=True):
            run = queued_run(org.official_a)
        run.refresh_from_db()
        assert (run.status, run.error, run.file.name) == (
            Status.FAILED,
            "报表生成失败：除数为零",
            "",
        )

    def test_a_run_over_its_time_limit_fails(
        self, org, monkeypatch, django_capture_on_commit_callbacks
    ):
        from celery.exceptions import SoftTimeLimitExceeded

        def slow(run, on_section):
            raise SoftTimeLimitExceeded()

        monkeypatch.setattr(tasks, "write_report", slow)
        with django_capture_on_commit_callbacks(execute=True):
            run = queued_run(org.official_a)
        run.refresh_from_db()
        assert (run.status, run.error) == (Status.FAILED, "报表生成超时。")

    def test_task_options_make_it_safe_to_redeliver(self):
        assert build_report.acks_late and build_report.reject_on_worker_lost
        assert build_report.soft_time_limit < build_report.time_limit


class TestRecovery:
    def test_running_run_with_a_stopped_heartbeat_is_requeued_and_signalled(
        self, org, settings, django_capture_on_commit_callbacks
    ):
        run = queued_run(org.official_a)
        services.report_run_claim(run_id=run.pk)
        with django_capture_on_commit_callbacks(execute=True):
            counts = services.report_runs_recover(now=after_timeout(settings))
        assert counts["requeued"] == 1 and counts["failed"] == 0
        run.refresh_from_db()
        # The signal was sent and (eagerly) built the run as a second attempt.
        assert (run.status, run.attempt) == (Status.SUCCEEDED, 2)

    def test_recovery_signals_a_requeued_run_once(
        self, org, settings, django_capture_on_commit_callbacks
    ):
        run = queued_run(org.official_a)
        services.report_run_claim(run_id=run.pk)
        with django_capture_on_commit_callbacks() as callbacks:
            counts = services.report_runs_recover(now=after_timeout(settings))
        assert counts == {"requeued": 1, "failed": 0, "resent": 0}
        assert len(callbacks) == 1

    def test_a_live_heartbeat_is_left_alone(self, org, settings):
        run = queued_run(org.official_a)
        services.report_run_claim(run_id=run.pk)
        counts = services.report_runs_recover(now=after_timeout(settings, seconds=-5))
        assert counts == {"requeued": 0, "failed": 0, "resent": 0}
        assert ReportRun.objects.get(pk=run.pk).status == Status.RUNNING

    def test_run_fails_after_the_last_attempt_with_the_error_on_page_and_api(
        self, org, settings, as_person, api
    ):
        settings.REPORT_MAX_ATTEMPTS = 3
        run = queued_run(org.official_a)
        for attempt in (1, 2):
            assert services.report_run_claim(run_id=run.pk) == attempt
            counts = services.report_runs_recover(now=after_timeout(settings))
            assert counts["requeued"] == 1
        assert services.report_run_claim(run_id=run.pk) == 3
        counts = services.report_runs_recover(now=after_timeout(settings))
        assert (counts["requeued"], counts["failed"]) == (0, 1)
        run.refresh_from_db()
        message = "报表生成失败：后台任务已中断 3 次。"
        assert (run.status, run.attempt, run.error) == (Status.FAILED, 3, message)
        assert run.finished_at is not None
        # A failed run is not claimed again.
        assert services.report_run_claim(run_id=run.pk) is None

        page = as_person(org.official_a).get(reverse("reports:run-row", args=[run.pk]))
        assert message in page.content.decode()
        assert 'data-status="failed"' in page.content.decode()
        assert "hx-get" not in page.content.decode()  # polling stops
        api.force_authenticate(org.official_a)
        body = api.get(reverse("api:report-run-detail", args=[run.pk])).json()
        assert (body["status"], body["error"], body["download_url"]) == ("failed", message, None)

    def test_queued_run_nobody_took_is_signalled_again_once_per_timeout(
        self, org, settings, django_capture_on_commit_callbacks
    ):
        run = queued_run(org.official_a)
        ReportRun.objects.filter(pk=run.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=1)
        )
        now = after_timeout(settings)
        with django_capture_on_commit_callbacks() as callbacks:
            assert services.report_runs_recover(now=now)["resent"] == 1
        assert len(callbacks) == 1
        # The next check, a minute later, does not send it again ...
        with django_capture_on_commit_callbacks() as callbacks:
            later = now + datetime.timedelta(seconds=60)
            assert services.report_runs_recover(now=later)["resent"] == 0
        assert callbacks == []
        # ... and the signal builds it.
        with django_capture_on_commit_callbacks(execute=True):
            services.report_runs_recover(now=now + datetime.timedelta(hours=1))
        run.refresh_from_db()
        assert (run.status, run.attempt) == (Status.SUCCEEDED, 1)

    def test_a_fresh_queued_run_is_not_resent(self, org, settings):
        queued_run(org.official_a)
        assert services.report_runs_recover()["resent"] == 0

    def test_recover_task_runs_the_service(self, org, settings):
        run = queued_run(org.official_a)
        services.report_run_claim(run_id=run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
        )
        assert tasks.recover_report_runs()["requeued"] == 1
        assert ReportRun.objects.get(pk=run.pk).status == Status.QUEUED


class TestSchedule:
    def test_monthly_five_small_reports_one_per_company_this_year(
        self, org, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            assert tasks.schedule_monthly_five_small_reports() == 2
        runs = ReportRun.objects.order_by("org_unit__path")
        assert [(r.org_unit, r.kind, r.year, r.requested_by, r.status) for r in runs] == [
            (org.company_a, Kind.CAMPAIGN_SUMMARY, THIS_YEAR, None, Status.QUEUED),
            (org.company_b, Kind.CAMPAIGN_SUMMARY, THIS_YEAR, None, Status.QUEUED),
        ]
        assert len(callbacks) == 2

    def test_yearly_studio_reports_one_per_company_for_last_year(
        self, org, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.schedule_yearly_studio_reports() == 2
        runs = ReportRun.objects.order_by("org_unit__path")
        assert [(r.org_unit, r.kind, r.year, r.requested_by, r.status) for r in runs] == [
            (org.company_a, Kind.STUDIO_ANNUAL, THIS_YEAR - 1, None, Status.SUCCEEDED),
            (org.company_b, Kind.STUDIO_ANNUAL, THIS_YEAR - 1, None, Status.SUCCEEDED),
        ]


# --- the files ------------------------------------------------------------------------


class TestGroupOverview:
    def test_every_figure_equals_the_dashboard_for_the_same_scope_and_year(
        self, report_data, django_capture_on_commit_callbacks
    ):
        org = report_data.org
        run = build(org.official_a, django_capture_on_commit_callbacks, kind=Kind.GROUP_OVERVIEW)
        assert run.file.name.endswith(".xlsx")
        sheets = xlsx_sheets(file_bytes(run))
        assert list(sheets) == ["工作室", "攻关与成果", "五小竞赛", "师带徒", "按月", "排名"]
        for title in ["工作室", "攻关与成果", "五小竞赛", "师带徒"]:
            assert sheets[title][0] == ["指标", "数值"]
        assert sheets["按月"][0] == ["月份", "提案", "创新成果", "攻克课题"]

        figures = dashboard_figures(DashboardScope(unit=org.company_a, year=THIS_YEAR))
        studios, outputs = figures["studios"], figures["outputs"]
        five, mentoring_ = figures["five_small"], figures["mentoring"]

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
                five["participation"],
                five["per_hundred"],
                five["approval_rate"],
                five["implementation_rate"],
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
            if title == "工作室":  # then our share of each list, as "ours / total (percent%)"
                rows, shares = rows[: len(values)], rows[len(values) :]
                assert [row[1] for row in shares] == [
                    f"{r['share'].ours} / {r['share'].total}"
                    + (f" ({r['share'].percent}%)" if r["share"].percent is not None else "")
                    for r in studios["shares"]
                ]
            assert [number(row[1]) for row in rows] == [number(v) for v in values]
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
                0,
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
            (row[0], row[1], row[2], row[3], number(row[4]), row[6], number(row[7]), number(row[8]))
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


# --- who sees which run ------------------------------------------------------------------


@pytest.fixture
def runs_of_a(org, django_capture_on_commit_callbacks):
    """Official A's succeeded run over company A and a scheduled one over company A."""
    requested = build(org.official_a, django_capture_on_commit_callbacks, kind=Kind.STUDIO_ANNUAL)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_runs_schedule(kind=Kind.STUDIO_ANNUAL, last_year=True)
    scheduled = ReportRun.objects.get(requested_by=None, org_unit=org.company_a)
    assert scheduled.status == Status.SUCCEEDED
    return SimpleNamespace(requested=requested, scheduled=scheduled)


class TestScoping:
    def test_official_b_does_not_see_official_as_run_in_the_page_or_api(
        self, org, runs_of_a, as_person, api
    ):
        page = as_person(org.official_b).get(reverse("reports:run-list"))
        shown = {run.pk for run in page.context["runs"]}
        assert runs_of_a.requested.pk not in shown and runs_of_a.scheduled.pk not in shown
        assert f'id="run-{runs_of_a.requested.pk}"' not in page.content.decode()
        api.force_authenticate(org.official_b)
        listed = {row["id"] for row in api.get(reverse("api:report-run-list")).json()["results"]}
        assert runs_of_a.requested.pk not in listed and runs_of_a.scheduled.pk not in listed

    @pytest.mark.parametrize("which", ["requested", "scheduled"])
    def test_official_b_gets_404_for_the_row_the_download_and_the_api(
        self, org, runs_of_a, as_person, api, which
    ):
        pk = getattr(runs_of_a, which).pk
        client = as_person(org.official_b)
        assert client.get(reverse("reports:run-row", args=[pk])).status_code == 404
        assert client.get(reverse("reports:run-download", args=[pk])).status_code == 404
        api.force_authenticate(org.official_b)
        assert api.get(reverse("api:report-run-detail", args=[pk])).status_code == 404
        assert api.get(reverse("api:report-run-download", args=[pk])).status_code == 404

    def test_a_worker_sees_no_run_and_gets_404_for_the_file(self, org, runs_of_a, as_person, api):
        pk = runs_of_a.requested.pk
        assert (
            as_person(org.worker_a).get(reverse("reports:run-download", args=[pk])).status_code
            == 404
        )
        api.force_authenticate(org.worker_a)
        assert api.get(reverse("api:report-run-list")).json()["results"] == []
        assert api.get(reverse("api:report-run-download", args=[pk])).status_code == 404

    @pytest.mark.parametrize("who", ["official_a", "group_official"])
    def test_a_scheduled_run_over_company_a_is_visible_to_the_officials_over_it(
        self, org, runs_of_a, as_person, api, who
    ):
        official = getattr(org, who)
        pk = runs_of_a.scheduled.pk
        client = as_person(official)
        row = client.get(reverse("reports:run-row", args=[pk]))
        assert row.status_code == 200
        assert "定时生成" in row.content.decode()  # "Scheduled" for requested_by None
        download = client.get(reverse("reports:run-download", args=[pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == file_bytes(runs_of_a.scheduled)
        api.force_authenticate(official)
        body = api.get(reverse("api:report-run-detail", args=[pk])).json()
        assert (body["requested_by"], body["year"]) == (None, THIS_YEAR - 1)
        assert body["download_url"] == reverse("api:report-run-download", args=[pk])
        assert api.get(body["download_url"]).status_code == 200

    def test_official_a_does_not_see_a_run_over_the_group(
        self, org, as_person, django_capture_on_commit_callbacks
    ):
        run = build(org.group_official, django_capture_on_commit_callbacks, kind=Kind.STUDIO_ANNUAL)
        client = as_person(org.official_a)
        assert client.get(reverse("reports:run-download", args=[run.pk])).status_code == 404


class TestPagesAndApi:
    def test_page_lists_runs_with_progress_polling_and_a_download_link(
        self, org, runs_of_a, as_person
    ):
        waiting = queued_run(org.official_a)
        services.report_run_progress(
            run_id=waiting.pk, attempt=services.report_run_claim(run_id=waiting.pk), progress=40
        )
        page = as_person(org.official_a).get(reverse("reports:run-list")).content.decode()
        done = runs_of_a.requested.pk
        assert reverse("reports:run-download", args=[done]) in page
        assert f'hx-get="{reverse("reports:run-row", args=[waiting.pk])}"' in page
        assert "40%" in page
        row = as_person(org.official_a).get(
            reverse("reports:run-row", args=[waiting.pk]), HTTP_HX_REQUEST="true"
        )
        assert row.content.decode().lstrip().startswith("<tr")
        assert 'data-status="running"' in row.content.decode()

    def test_download_of_the_page_is_a_private_attachment(self, org, runs_of_a, as_person):
        run = runs_of_a.requested
        response = as_person(org.official_a).get(reverse("reports:run-download", args=[run.pk]))
        assert response["Content-Type"] == XLSX_TYPE
        assert response["Cache-Control"] == "private, no-store"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == file_bytes(run)

    def test_csv_download_is_text_csv(self, org, as_person, django_capture_on_commit_callbacks):
        run = build(
            org.official_a,
            django_capture_on_commit_callbacks,
            kind=Kind.MENTORING_SUMMARY,
            format=Format.CSV,
        )
        response = as_person(org.official_a).get(reverse("reports:run-download", args=[run.pk]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"

    def test_no_download_before_the_run_succeeded(self, org, as_person, api):
        run = queued_run(org.official_a)
        assert (
            as_person(org.official_a)
            .get(reverse("reports:run-download", args=[run.pk]))
            .status_code
            == 404
        )
        api.force_authenticate(org.official_a)
        assert api.get(reverse("api:report-run-download", args=[run.pk])).status_code == 404

    def test_api_download_gives_the_file(self, org, runs_of_a, api):
        api.force_authenticate(org.official_a)
        run = runs_of_a.requested
        response = api.get(reverse("api:report-run-download", args=[run.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == file_bytes(run)

    def test_api_download_is_private_like_the_page(self, org, runs_of_a, api):
        api.force_authenticate(org.official_a)
        response = api.get(reverse("api:report-run-download", args=[runs_of_a.requested.pk]))
        assert response["Content-Type"] == XLSX_TYPE
        assert response.get("Cache-Control") == "private, no-store"

    @staticmethod
    def _many_runs(org, campaigns, count):
        people = [org.official_a, None, org.group_official]
        ReportRun.objects.bulk_create(
            ReportRun(
                kind=Kind.CAMPAIGN_SUMMARY,
                org_unit=org.company_a if n % 2 else org.mine_a1,
                year=THIS_YEAR,
                requested_by=people[n % 3],
                campaign=campaigns.open if n % 4 else None,
            )
            for n in range(count)
        )

    @staticmethod
    def _queries(fetch) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = fetch()
        assert response.status_code == 200
        return len(captured.captured_queries)

    def test_runs_page_query_count_does_not_grow_with_the_runs(self, org, campaigns, as_person):
        self._many_runs(org, campaigns, 30)
        client = as_person(org.official_a)
        url = reverse("reports:run-list")
        client.get(url)  # warm the session
        small = self._queries(lambda: client.get(url, {"page_size": 3}))
        large = self._queries(lambda: client.get(url, {"page_size": 30}))
        assert small == large

    def test_runs_api_query_count_does_not_grow_with_the_runs(self, org, campaigns, api):
        self._many_runs(org, campaigns, 30)
        api.force_authenticate(org.official_a)
        url = reverse("api:report-run-list")
        api.get(url)  # the viewer's scope is read once and kept on the user
        small = self._queries(lambda: api.get(url, {"page_size": 3}))
        large = self._queries(lambda: api.get(url, {"page_size": 30}))
        assert small == large
