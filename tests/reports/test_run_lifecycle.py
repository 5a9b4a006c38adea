"""Report runs: the request, the worker's claim/progress/finish fenced by the
attempt number, the build task, the periodic recovery and the schedule. Celery
runs eagerly here (config.settings.test); tests/reports/test_report_worker.py
uses real workers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from reports import services, tasks
from reports.models import ReportRun
from reports.tasks import build_report
from tests.competitions import conftest as competitions
from tests.factories import PersonFactory, grant_official
from tests.page_html import picker_of
from tests.reports.report_runs import (
    THIS_YEAR,
    Format,
    Kind,
    Status,
    build,
    file_bytes,
    queued_run,
    stored_files,
)

pytestmark = pytest.mark.django_db

# Fixtures of the other apps' tests, as tests/reports/test_home.py borrows them.
campaigns = competitions.campaigns


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class _Undone(Exception):
    """Raised to roll back a request once it has been accepted."""


def after_timeout(settings, seconds: int = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + seconds)


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

    @pytest.mark.parametrize("official", ["official_a1", "group_official", "admin"])
    def test_every_unit_offered_is_taken_and_every_other_refused(self, org, as_person, official):
        """Each unit of the group, looked up by code in the report
        form's unit picker, is offered if and only if the request then takes
        it: the units they manage, a closed one too (its history is reported),
        not the rest of the company they see."""
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        if official == "official_a1":  # sees company A, manages mine A1
            official = PersonFactory(employee_no="official_a1", org_unit=org.mine_a1)
            grant_official(official, org.mine_a1)
        else:
            official = getattr(org, official)
        client = as_person(official)
        html = client.get(reverse("reports:run-list")).content.decode()
        picker = picker_of(html, "org_unit")
        assert picker == reverse("picker-search", args=["reported-org-units"])
        verdicts = {}
        for unit in OrgUnit.objects.order_by("code"):
            found = client.get(picker, {"q": unit.code}).json()["results"]
            try:
                with transaction.atomic():
                    queued_run(official, org_unit=unit)
                    raise _Undone
            except _Undone:
                taken = True
            except ValidationError:
                taken = False
            verdicts[unit.code] = (unit.code in [row["key"] for row in found], taken)
        assert all(offered == taken for offered, taken in verdicts.values()), verdicts
        assert verdicts["A102"] == (True, True)
        if official.employee_no == "official_a1":
            assert verdicts["A"] == verdicts["G"] == (False, False)

    def test_a_worker_and_a_lead_may_not_request_a_report(self, org, studios, as_person):
        for person in (org.worker_a, studios.lead_a):
            client = as_person(person)
            # They see the page (their own long list exports), without the form.
            page = client.get(reverse("reports:run-list"))
            assert page.status_code == 200
            assert "form" not in page.context
            assert list(page.context["runs"]) == []
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

    def test_a_run_whose_every_attempt_a_database_error_cut_says_so(self, org, settings):
        settings.REPORT_MAX_ATTEMPTS = 2
        run = queued_run(org.official_a)
        for attempt in (1, 2):
            assert services.report_run_claim(run_id=run.pk) == attempt
            services.report_run_release(
                run_id=run.pk, attempt=attempt, reason=f"第 {attempt} 次：database is locked"
            )
        assert services.report_run_claim(run_id=run.pk) is None
        run.refresh_from_db()
        assert (run.status, run.error) == (
            Status.FAILED,
            "报表尝试 2 次后仍未生成。 第 2 次：database is locked",
        )

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

    def test_a_run_cut_by_the_workers_statement_timeout_fails_without_a_retry(
        self, org, monkeypatch
    ):
        attempts = []

        def cut(run, on_section):
            attempts.append(1)
            # What Django raises when PostgreSQL cancels the statement.
            error = OperationalError("canceling statement due to statement timeout")
            error.__cause__ = type("QueryCanceled", (Exception,), {"pgcode": "57014"})()
            raise error

        monkeypatch.setattr(tasks, "write_report", cut)
        run = queued_run(org.official_a)
        build_report.apply(args=[run.pk], throw=False)
        run.refresh_from_db()
        # The same query would be cut again: no retry.
        assert (run.status, run.error, attempts) == (Status.FAILED, "报表生成超时。", [1])

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
