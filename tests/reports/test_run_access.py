"""Report runs: who sees which run, the runs page and /api/v1/report-runs/."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services
from reports.models import ReportRun
from tests.competitions import conftest as competitions
from tests.reports.report_runs import THIS_YEAR, Format, Kind, Status, build, file_bytes, queued_run

pytestmark = pytest.mark.django_db

# Fixtures of the other apps' tests, as tests/reports/test_home.py borrows them.
campaigns = competitions.campaigns

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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
