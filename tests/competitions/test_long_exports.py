"""A list longer than an answer holds (EXPORT_SYNC_MAX_ROWS) is exported in the
background: a report run of kind `list_export` that replays the list as its
requester, which only the requester sees and downloads (core/api/views.py,
reports/services.py)."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportRun
from tests.exports import exported_body, exported_rows, sheet_tables
from tests.reports.report_runs import file_bytes, media_root  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/proposals/export/"


@pytest.fixture
def long_list(settings, submitted):
    """Company A's official sees three submitted proposals; an answer holds two."""
    settings.EXPORT_SYNC_MAX_ROWS = 2
    return submitted


def _queue(api, person, django_capture_on_commit_callbacks, **params):
    api.force_authenticate(person)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.get(EXPORT, params)
    assert answer.status_code == 202, answer.content
    return answer


def _titles(content: bytes, kind: str) -> set[str]:
    class Answer:  # exported_rows reads an answer: give it the stored file
        streaming = False

        def getvalue(self):
            return content

    rows = exported_rows(Answer(), kind)
    start = next(n for n, row in enumerate(rows) if "名称" in row)  # after any title block
    column = rows[start].index("名称")
    return {row[column] for row in rows[start + 1 :] if row[column]}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_long_export_is_built_in_the_background_with_the_lists_rows(
    api, org, long_list, kind, django_capture_on_commit_callbacks
):
    answer = _queue(
        api,
        org.official_a,
        django_capture_on_commit_callbacks,
        **{"as": kind, "status": "submitted"},
    )
    body = answer.json()
    assert set(body) == {"id", "status", "url"}
    run = api.get(body["url"]).json()
    assert run["kind"] == "list_export"
    assert run["status"] == "succeeded"
    download = api.get(run["download_url"])
    assert download.status_code == 200
    # named after the list and the unit, like an answered export
    name = unquote(download["Content-Disposition"].split("''", 1)[1])
    assert re.fullmatch(rf"五小提案_{org.official_a.org_unit.name}_\d{{8}}-\d{{4}}\.{kind}", name)
    stored = ReportRun.objects.get(pk=body["id"])
    assert _titles(file_bytes(stored), kind) == {
        long_list.spray.title,
        long_list.spray_again.title,
        long_list.roller.title,
    }


def test_the_background_export_keeps_the_requesters_filters(
    api, org, long_list, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_SYNC_MAX_ROWS = 0  # every export goes to the background
    body = _queue(
        api,
        org.official_a,
        django_capture_on_commit_callbacks,
        **{"as": "csv", "status": "under_review"},
    ).json()
    stored = ReportRun.objects.get(pk=body["id"])
    assert _titles(file_bytes(stored), "csv") == {long_list.screened.title}


def test_a_workbook_answered_directly_reads_like_one_built_in_the_background(
    api, org, long_list, settings, django_capture_on_commit_callbacks
):
    """The same title block (the list, the unit, the year, when and for whom),
    the same header and the same rows, whichever way the workbook came."""
    params = {"as": "xlsx", "status": "submitted", "org_unit": org.company_a.pk}
    body = _queue(api, org.official_a, django_capture_on_commit_callbacks, **params).json()
    (background,) = sheet_tables(file_bytes(ReportRun.objects.get(pk=body["id"]))).values()
    settings.EXPORT_SYNC_MAX_ROWS = 5_000
    answer = api.get(EXPORT, params)
    assert answer.status_code == 200
    (direct,) = sheet_tables(exported_body(answer)).values()
    year = timezone.localdate().year
    for table in (direct, background):
        report, where, when = table.heading
        assert report == "列表导出 · 五小提案"
        assert where == f"单位：{org.company_a.name}\u3000\u3000年度：{year}"
        assert when.startswith("生成时间：")
        assert when.endswith(f"\u3000\u3000申请人：{org.official_a.full_name}")
    assert direct.freeze_panes == background.freeze_panes == "A5"
    assert direct.header == background.header
    assert direct.rows == background.rows
    assert len(direct.rows) == 3


@pytest.mark.parametrize("other", ["group_official", "official_a_colleague", "worker_a"])
def test_only_the_requester_sees_and_downloads_the_export(
    api, client, org, long_list, other, django_capture_on_commit_callbacks
):
    body = _queue(api, org.official_a, django_capture_on_commit_callbacks, **{"as": "csv"}).json()
    if other == "official_a_colleague":
        # Another official over the same company: the rows are official_a's view.
        from accounts.models import RoleGrant
        from tests.factories import PersonFactory

        person = PersonFactory(employee_no="official_a2", org_unit=org.company_a)
        RoleGrant.objects.create(user=person, role="union_official", org_unit=org.company_a)
    else:
        person = getattr(org, other)
    api.force_authenticate(person)
    assert api.get(body["url"]).status_code == 404
    assert api.get(f"{body['url']}download/").status_code == 404
    assert body["id"] not in [
        run["id"] for run in api.get("/api/v1/report-runs/").json()["results"]
    ]
    client.force_login(person)
    assert client.get(reverse("reports:run-download", args=[body["id"]])).status_code == 404


def test_a_worker_follows_their_own_long_export_on_the_runs_page(
    client, org, make_proposal, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    make_proposal(org.worker_a, title="一号")
    make_proposal(org.worker_a, title="二号")
    client.force_login(org.worker_a)
    # A page's export link is a browser navigation: it lands on the run.
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get(EXPORT, {"as": "xlsx"}, HTTP_ACCEPT="text/html,*/*")
    run = ReportRun.objects.get(requested_by=org.worker_a)
    assert answer.status_code == 302
    assert answer["Location"] == f"{reverse('reports:run-list')}#run-{run.pk}"
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert "run-form" not in page.content.decode()  # a worker requests no report
    assert [r.pk for r in page.context["runs"]] == [run.pk]
    assert client.get(reverse("reports:run-download", args=[run.pk])).status_code == 200
    assert client.post(reverse("reports:run-list"), {"kind": "group_overview"}).status_code == 403


def test_a_run_whose_requester_lost_sight_of_the_rows_holds_only_what_they_see_now(
    api, org, long_list, django_capture_on_commit_callbacks, settings
):
    """The worker replays the list as the requester is when it runs: rows they
    may no longer see are not in the file."""
    from competitions.models import Proposal

    api.force_authenticate(org.official_a)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    answer = api.get(EXPORT, {"as": "csv", "status": "submitted"})  # not yet built
    run = ReportRun.objects.get(pk=answer.json()["id"])
    Proposal.objects.filter(pk=long_list.roller.pk).update(status="draft")
    from reports.tasks import build_report

    build_report.apply(args=[run.pk])
    run.refresh_from_db()
    assert _titles(file_bytes(run), "csv") == {long_list.spray.title, long_list.spray_again.title}


def test_an_unknown_format_is_refused_before_anything_is_queued(api, org, long_list):
    api.force_authenticate(org.official_a)
    assert api.get(EXPORT, {"as": "pdf"}).status_code == 400
    assert not ReportRun.objects.exists()
