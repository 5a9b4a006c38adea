"""The union dashboard in a browser, in Chinese, on a desktop and on a 360 px
phone: the group official lands on the dashboard, looks at last year instead,
asks for the group overview in Excel, watches the progress bar that a real
Celery worker moves (htmx polls the row), and downloads a workbook whose
figures are the dashboard's."""

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import OrgUnit
from competitions.models import Proposal
from config.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.queue import ensure_queue_folders
from core.tasks import worker_heartbeat
from reports.models import ReportRun
from tests.competitions import conftest as competitions
from tests.e2e.home import open_home
from tests.e2e.phone import PHONE_HEIGHT, PHONE_WIDTH, assert_no_sideways_scroll
from tests.reports.report_runs import OVERVIEW_SHEETS, xlsx_sheets
from tests.workers import database_url_for_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

# The competitions' campaigns and complete proposals, as in their tests.
campaigns = competitions.campaigns
make_proposal = competitions.make_proposal

SCREENS = [
    pytest.param((1280, 800), id="1280px"),
    pytest.param((PHONE_WIDTH, PHONE_HEIGHT), id="360px"),
]
# The fixtures name units "Unit G" and so on; real units have Chinese names, and
# with them any Latin word left on the page is an untranslated label.
UNIT_NAMES = {
    "G": "能源集团",
    "A": "煤业公司",
    "A1": "一号煤矿",
    "A101": "综采一队",
    "A102": "洗选车间",
    "B": "发电公司",
    "B1": "第一电厂",
    "B101": "汽机检修班",
}
# Latin words that belong on a Chinese page: the language button and file formats.
LATIN_ALLOWED = {"EN", "Excel", "XLSX", "CSV"}
# The group overview's sheets, one per section, in order.
# Seconds the worker waits after each of the report's five sections. The real
# build takes milliseconds, so without a pause no browser polling every 2 s would
# ever see the run "running"; with it (4 s in all: two polls at least) the bar
# visibly moves 20 → 40 → … → done.
SECTION_PAUSE = 0.8
# The worker, started through this bootstrap, is the ordinary `celery worker`
# (same app, broker, database, task code); only each progress write is followed
# by the pause above, and whatever it sends by default stays on its own queue.
WORKER_BOOTSTRAP = """
import sys, time
from celery.signals import worker_ready
from config.celery import app

app.conf.task_default_queue = sys.argv[2]

def pace(**_kwargs):
    from reports import services
    write_progress = services.report_run_progress
    def paced(**kwargs):
        written = write_progress(**kwargs)
        time.sleep(float(sys.argv[1]))
        return written
    services.report_run_progress = paced

worker_ready.connect(pace, weak=False)
app.worker_main(sys.argv[3:])
"""


@pytest.fixture
def world(org, studios, campaigns, make_proposal):
    """Three proposals in this year's campaign (company A twice, company B once),
    one in last year's, and a draft that no figure counts; the three studios."""
    for unit in OrgUnit.objects.all():
        OrgUnit.objects.filter(pk=unit.pk).update(name=UNIT_NAMES.get(unit.code, unit.name))
    make_proposal(org.worker_a)
    make_proposal(org.colleague_a, title="皮带机托辊快速更换工装")
    make_proposal(org.worker_b, title="汽机油系统滤网在线切换")
    make_proposal(org.worker_a, submit=False, title="尚未提交的草稿")
    last_year = make_proposal(org.colleague_a, title="主井提升机制动闸间隙检测")
    # Proposals can only be entered into an open campaign, so last year's is
    # moved there afterwards, as if submitted while that campaign was open.
    Proposal.objects.filter(pk=last_year.pk).update(
        campaign=campaigns.closed, submitted_at=campaigns.closed.opens_at + datetime.timedelta(5)
    )
    this_year = timezone.localdate().year
    return SimpleNamespace(
        this_year=this_year,
        last_year=this_year - 1,
        proposals={this_year: 3, this_year - 1: 1},
        studios=3,
    )


@pytest.fixture(scope="module")
def report_worker(tmp_path_factory, django_db_setup, django_db_blocker):
    """A real `celery worker` process consuming a queue of its own, against the
    test database and a media folder of its own (`media` below), for both
    screens' journeys (starting it is a second or two of each); stopped (only
    it) after them.

    Why a queue of its own: the tests run eager Celery, and other engineers'
    workers may be consuming the default queue of the same broker. Sending
    `build_report` to a fresh queue that only this worker consumes means our run
    is built by our worker, against our test database, and nobody else's worker
    ever sees it. So, for the duration of the module, this process sends tasks for
    real (`task_always_eager = False`), `reports.tasks.build_report` is routed to
    that queue and so is anything else sent by default (`task_default_queue`);
    all three settings are restored afterwards. Celery caches its router, so it
    is rebuilt after each change.
    """
    tmp_path = tmp_path_factory.mktemp("report-worker")
    media = tmp_path / "media"
    media.mkdir()
    queue = f"test-dashboard-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / "worker.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(media),
        # The embedded queue's folders live in the var dir: the same as ours.
        "DJANGO_VAR_DIR": str(settings.VAR_DIR),
        "HOME": str(tmp_path),
    }
    ensure_queue_folders(celery_app)
    arguments = ["worker", "--pool=solo", "--loglevel=warning", "-Q", queue, "-n", f"{queue}@%h"]
    arguments += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER_BOOTSTRAP, str(SECTION_PAUSE), queue, *arguments],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we stop exactly it
        )

    def worker_log() -> str:
        return log_path.read_text(errors="replace")

    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_default_queue, conf.task_routes)
    conf.task_always_eager = False
    conf.task_default_queue = queue
    conf.task_routes = {"reports.tasks.build_report": {"queue": queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.router = celery_app.amqp.Router()
    try:
        # Ready when it has run a first task. Its own announcement is not relied
        # upon (config/celery.py sends it to the first *defined* queue, not to
        # one the worker consumes), so the heartbeat is sent here, as
        # tests/core/test_worker.py does.
        worker_heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        with django_db_blocker.unblock():
            while not WorkerHeartbeat.objects.filter(worker__startswith=f"{queue}@").exists():
                if process.poll() is not None:
                    pytest.fail(f"The worker exited early:\n{worker_log()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"The worker was not ready within 60 s:\n{worker_log()}")
                time.sleep(0.3)
        yield SimpleNamespace(queue=queue, process=process, log=worker_log, media=media)
    finally:
        conf.task_always_eager, conf.task_default_queue, conf.task_routes = saved
        celery_app.amqp.flush_routes()
        celery_app.amqp.router = celery_app.amqp.Router()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


@pytest.fixture
def media(settings, report_worker):
    """Uploads and built reports land in the worker's media folder."""
    settings.MEDIA_ROOT = report_worker.media
    return settings.MEDIA_ROOT


def latin_words(page) -> set[str]:
    """Latin words shown on the page, and in the charts' labels, beyond the allowed."""
    text = page.locator("body").inner_text()
    charts = page.locator("#dashboard-charts")
    if charts.count():
        for chart in json.loads(charts.text_content()).values():
            text += " ".join([*chart["labels"], *(d["label"] for d in chart["datasets"])])
    return set(re.findall(r"[A-Za-z]{2,}", text)) - LATIN_ALLOWED


def values(rows) -> dict:
    """A figures sheet as {label: value}; a figure with no value is an empty cell."""
    return {row[0]: row[1] if len(row) > 1 else None for row in rows[1:]}


def figure(page, testid) -> int:
    return int(page.get_by_test_id(testid).locator(".figure-number").inner_text())


@pytest.mark.parametrize("screen", SCREENS)
def test_official_changes_the_year_builds_the_group_overview_and_downloads_it(
    screen, world, org, report_worker, media, live_server, open_page, screenshot, sign_in, tmp_path
):
    width, height = screen
    shot = f"dashboard-{width}px"

    def check_page(step):
        screenshot(page, f"{shot}-{step}")
        assert_no_sideways_scroll(page, width)
        assert latin_words(page) == set(), f"untranslated on {step}"

    # Given the group official, in Chinese, signed in: their home is the dashboard
    page = open_page(locale="zh-CN", width=width, height=height)
    sign_in(page, live_server, org.group_official.employee_no)
    open_home(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page).to_have_title(re.compile("统计看板"))
    title = page.get_by_test_id("dashboard-title")
    expect(title).to_contain_text("统计看板")
    expect(title).to_contain_text(UNIT_NAMES["G"])
    expect(title).to_contain_text(str(world.this_year))
    page.wait_for_function("document.querySelectorAll('canvas.dashboard-chart').length === 2")
    assert figure(page, "fig-studios") == world.studios
    assert figure(page, "fig-proposals") == world.proposals[world.this_year]
    check_page("0-home")

    # When they choose last year and press 查看
    filter_form = page.get_by_test_id("dashboard-filter")
    filter_form.locator("select[name=year]").select_option(str(world.last_year))
    filter_form.get_by_role("button", name="查看").click()

    # Then the address and the heading show last year, and so do the figures
    expect(page).to_have_url(re.compile(rf"/reports/\?(.*&)?year={world.last_year}(&|$)"))
    title = page.get_by_test_id("dashboard-title")
    expect(title).to_contain_text(str(world.last_year))
    expect(page.get_by_test_id("fig-proposals").locator(".figure-number")).to_have_text(
        str(world.proposals[world.last_year])
    )
    expect(filter_form.locator("select[name=year]")).to_have_value(str(world.last_year))
    studios_on_dashboard = figure(page, "fig-studios")
    proposals_on_dashboard = figure(page, "fig-proposals")
    assert studios_on_dashboard == world.studios
    check_page("1-last-year")

    # When they open the Excel reports and ask for last year's group overview
    page.get_by_test_id("reports-link").click()
    expect(page).to_have_url(re.compile(rf"/reports/runs/\?.*year={world.last_year}"))
    expect(page.locator("h1")).to_have_text("报表")
    form = page.get_by_test_id("run-form")
    # The form starts on the year the dashboard showed.
    expect(form.locator("select[name=year]")).to_have_value(str(world.last_year))
    form.locator("select[name=kind]").select_option(label="综合统计")
    # (a report of several sheets is not offered as CSV)
    expect(form.locator("select[name=format] option[value=csv]")).to_be_disabled()
    check_page("2-request")
    form.get_by_role("button", name="生成报表").click()

    # Then the page says it is being built and shows the run with a progress bar
    expect(page).to_have_url(re.compile(r"/reports/runs/#run-\d+$"))
    expect(page.locator("main .alert-success")).to_contain_text("报表正在生成")
    run = ReportRun.objects.get()
    assert (run.kind, run.year, run.org_unit, run.requested_by) == (
        ReportRun.Kind.GROUP_OVERVIEW,
        world.last_year,
        org.group,
        org.group_official,
    )
    row = page.locator(f"#run-{run.pk}")
    expect(row).to_contain_text("综合统计")
    expect(row.get_by_test_id("run-progress")).to_be_visible()
    # A mark on this document: if the page were reloaded it would be gone.
    page.evaluate("window.journeyMark = 'no reload'")

    # And, polled every 2 s, the row shows the worker at work (生成中, 1–99 %)
    expect(row).to_have_attribute("data-status", "running", timeout=30_000)
    expect(row).to_contain_text("生成中")
    progress = row.get_by_test_id("run-progress")
    expect(progress).to_have_text(re.compile(r"^([1-9]\d?)%$"), timeout=15_000)
    check_page("3-progress")

    # And the bar finishes into the download button, on the same page
    download_button = row.get_by_test_id("run-download")
    expect(download_button).to_be_visible(timeout=60_000)
    expect(download_button).to_contain_text("下载")
    expect(row).to_have_attribute("data-status", "succeeded")
    expect(row.get_by_test_id("run-progress")).to_have_count(0)
    assert page.evaluate("window.journeyMark") == "no reload"
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempt) == (ReportRun.Status.SUCCEEDED, 100, 1)
    check_page("4-done")

    # When they download it
    with page.expect_download() as downloading:
        download_button.click()
    download = downloading.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    # Then the workbook opens, with a Chinese sheet per section, and its figures
    # are the dashboard's
    book = load_workbook(saved, read_only=True)
    assert book.sheetnames == OVERVIEW_SHEETS
    book.close()
    # (each sheet's table, below its title block: report, unit, year, by whom)
    sheets = xlsx_sheets(saved.read_bytes())
    assert sheets["工作室"][0] == ["指标", "数值"]
    assert values(sheets["工作室"])["工作室"] == studios_on_dashboard
    assert values(sheets["五小竞赛"])["提案"] == proposals_on_dashboard
    assert [row[0] for row in sheets["按月"][1:]] == list(range(1, 13))
    assert report_worker.process.poll() is None, report_worker.log()

    # And every label in it is Chinese, as on the page
    cells = [cell for rows in sheets.values() for row in rows for cell in row]
    text = " ".join(cell for cell in cells if isinstance(cell, str))
    assert set(re.findall(r"[A-Za-z]{2,}", text)) - LATIN_ALLOWED == set()
