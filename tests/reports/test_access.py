"""`ReportRunAccess`: each fact for each role on a run over company A, queued
and succeeded, the same whether read from a list's columns or asked for one run."""

import pytest

from reports.models import ReportRun
from reports.selectors import ReportRunAccess, report_run_access, report_runs_with_access
from tests.accounts.access_checks import assert_access_is

pytestmark = pytest.mark.django_db

Status = ReportRun.Status
OFFICIAL = {Status.QUEUED: {"read"}, Status.SUCCEEDED: {"read", "download"}}
NOTHING = {Status.QUEUED: set(), Status.SUCCEEDED: set()}
FACTS_BY_ROLE = {
    "official_a": OFFICIAL,
    "group_official": OFFICIAL,
    "admin": OFFICIAL,
    "official_b": NOTHING,
    "worker_a": NOTHING,
}


@pytest.mark.parametrize("status", [Status.QUEUED, Status.SUCCEEDED])
@pytest.mark.parametrize("role", list(FACTS_BY_ROLE))
def test_each_role_has_its_facts(org, role, status, django_assert_num_queries):
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.STUDIO_ANNUAL,
        org_unit=org.company_a,
        year=2026,
        status=status,
        # A succeeded run has its file (a constraint); its content is not read here.
        file="reports/studio_annual.xlsx" if status == Status.SUCCEEDED else "",
    )
    expected = ReportRunAccess(**dict.fromkeys(FACTS_BY_ROLE[role][status], True))
    assert_access_is(
        expected,
        report_run_access,
        report_runs_with_access,
        getattr(org, role),
        run,
        django_assert_num_queries,
    )
