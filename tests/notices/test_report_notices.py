"""A report run's requester hears it is ready or has failed; a scheduled run
(nobody asked) tells nobody, nor anyone but the requester (docs/notices.md)."""

import pytest

from notices.kinds import render
from notices.models import Notice
from reports import services
from tests.reports.report_runs import media_root, queued_run  # noqa: F401

pytestmark = pytest.mark.django_db


def finish(run):
    attempt = services.report_run_claim(run_id=run.pk)
    return services.report_run_finish(run_id=run.pk, attempt=attempt, content=b"x", name="r.xlsx")


def fail(run):
    attempt = services.report_run_claim(run_id=run.pk)
    return services.report_run_fail(run_id=run.pk, attempt=attempt, error="boom")


@pytest.mark.parametrize(
    ("end", "kind"), [(finish, "reports.run_ready"), (fail, "reports.run_failed")]
)
def test_the_requester_alone_hears_how_the_run_ended(org, media_root, end, kind):  # noqa: F811
    run = queued_run(org.official_a)
    assert end(run)
    (notice,) = Notice.objects.filter(record_type="reports.reportrun", record_id=run.pk)
    assert (notice.recipient_id, notice.kind) == (org.official_a.pk, kind)
    assert notice.url == run.get_absolute_url()
    assert run.get_kind_display() in render(kind, notice.params)


def test_a_scheduled_run_tells_nobody(org, media_root):  # noqa: F811
    run = queued_run(None, org_unit=org.group)
    assert finish(run)
    assert not Notice.objects.filter(record_type="reports.reportrun").exists()
