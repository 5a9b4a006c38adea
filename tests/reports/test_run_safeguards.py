"""Safeguards on report runs: a run is tried at most
REPORT_MAX_ATTEMPTS times, the schedule makes one run a day however often beat
delivers, a run never names another company's campaign, text Excel refuses is
cleaned rather than failing the run, and an attempt that lost its run stops."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import services
from reports.builders import RunLost, write_report
from reports.models import ReportRun
from studios.models import Studio
from tests.competitions import conftest as competitions

pytestmark = pytest.mark.django_db

Kind, Status = ReportRun.Kind, ReportRun.Status
campaigns = competitions.campaigns
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def queued(by, **fields) -> ReportRun:
    return services.report_run_request(by=by, year=fields.pop("year", THIS_YEAR), **fields)


def test_a_run_queued_again_after_its_last_attempt_fails_instead_of_running(org, settings):
    settings.REPORT_MAX_ATTEMPTS = 2
    run = queued(org.official_a, kind=Kind.STUDIO_ANNUAL)
    ReportRun.objects.filter(pk=run.pk).update(attempt=2)
    assert services.report_run_claim(run_id=run.pk) is None
    run.refresh_from_db()
    assert (run.status, run.attempt) == (Status.FAILED, 2)
    assert run.error


def test_the_schedule_delivered_twice_makes_one_run_per_company(org):
    first = services.report_runs_schedule(kind=Kind.CAMPAIGN_SUMMARY)
    second = services.report_runs_schedule(kind=Kind.CAMPAIGN_SUMMARY)
    assert (first, second) == (2, 0)
    assert ReportRun.objects.filter(requested_by=None).count() == 2


def test_a_run_over_company_b_cannot_name_company_a_s_campaign(org, campaigns):
    company_a_campaign = competitions._campaign(
        org,
        name="A 公司专项",
        year=THIS_YEAR,
        opens=timezone.now(),
        closes=timezone.now() + datetime.timedelta(days=3),
        unit=org.company_a,
    )
    with pytest.raises(ValidationError) as refused:
        queued(
            org.group_official,
            kind=Kind.CAMPAIGN_SUMMARY,
            org_unit=org.company_b,
            campaign=company_a_campaign,
        )
    assert "campaign" in refused.value.message_dict
    # Over the group, which organised nothing but contains company A, it is fine.
    assert queued(
        org.group_official,
        kind=Kind.CAMPAIGN_SUMMARY,
        org_unit=org.group,
        campaign=company_a_campaign,
    ).pk


@pytest.mark.parametrize("kind", [Kind.STUDIO_ANNUAL, Kind.MENTORING_SUMMARY])
def test_a_campaign_is_refused_on_other_kinds_and_other_years(org, campaigns, kind):
    with pytest.raises(ValidationError):
        queued(org.group_official, kind=kind, campaign=campaigns.open)
    with pytest.raises(ValidationError):
        queued(org.group_official, kind=Kind.CAMPAIGN_SUMMARY, campaign=campaigns.closed)


def test_text_excel_refuses_is_cleaned_and_the_run_succeeds(
    studios, django_capture_on_commit_callbacks
):
    Studio.objects.filter(pk=studios.dust.pk).update(name="粉尘\x0b治理工作室")
    with django_capture_on_commit_callbacks(execute=True):
        run = queued(studios.org.official_a, kind=Kind.STUDIO_ANNUAL)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED, run.error


def test_an_attempt_that_lost_its_run_stops_building(studios):
    run = queued(studios.org.official_a, kind=Kind.GROUP_OVERVIEW)
    with pytest.raises(RunLost):
        write_report(run, on_section=lambda percent: False)
