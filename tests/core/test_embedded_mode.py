"""The embedded mode as `make run` runs it (`manage.py run_embedded`: web,
workers and beat on a SQLite file and the filesystem transport), whatever
database the rest of the suite uses: large reports requested together while
others write all succeed, a killed worker is started again and work still
runs, and TERM leaves no process behind."""

import datetime
import os
import signal
import threading
import time

import pytest

from tests.embedded import EmbeddedSite, alive, children_of, migrated_database

pytestmark = [pytest.mark.worker]

# Enough studios that one annual summary reads its rows for several of the
# builder's heartbeat intervals (settings.REPORT_HEARTBEAT_INTERVAL, shortened
# here so the reports can be small), so heartbeats are written while the rows
# are read, as a large group's reports write them under `make run`.
LARGE = 600
HEARTBEAT_INTERVAL = "0.2"
FINISHED = ("succeeded", "failed")


@pytest.fixture
def site(tmp_path, tmp_path_factory):
    built = EmbeddedSite(tmp_path, migrated_database(tmp_path_factory.getbasetemp()))
    yield built
    built.stop()


def request_reports(site: EmbeddedSite, count: int) -> list[int]:
    """`count` studio annual summaries of company A, requested together (as
    beat's scheduled runs, by nobody)."""
    out = site.shell(
        "from accounts.models import OrgUnit\n"
        "from django.utils import timezone\n"
        "from reports import services\n"
        "unit = OrgUnit.objects.get(code='A')\n"
        f"runs = [services.report_run_request(by=None, kind='studio_annual',"
        f" year=timezone.localdate().year, org_unit=unit) for _ in range({count})]\n"
        "print(','.join(str(run.pk) for run in runs))"
    )
    return [int(pk) for pk in out.strip().splitlines()[-1].split(",")]


def wait_finished(site: EmbeddedSite, ids: list[int], seconds: float) -> list[tuple]:
    marks = ",".join("?" * len(ids))
    query = f"SELECT id, status, attempt, error FROM reports_reportrun WHERE id IN ({marks})"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = site.rows(query + " ORDER BY id", *ids)
        if all(status in FINISHED for _id, status, _a, _e in runs):
            return runs
        if site.process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"Runs not finished: {site.rows(query, *ids)}\n{site.log()}")


def worker_pids(site: EmbeddedSite) -> dict[str, int]:
    """{"-n" name: pid} of the site's Celery workers."""
    found = {}
    for pid, command in children_of(site.process.pid).items():
        words = command.split()
        if "worker" in words and "-n" in words:
            found[words[words.index("-n") + 1]] = pid
    return found


def test_large_reports_at_once_succeed_killed_workers_return_and_term_leaves_nothing(site):
    """One site for the whole journey: starting and stopping one costs more than
    each check in it."""
    site.shell(f"from tests.embedded import seed_studios; seed_studios({LARGE})")
    site.start(REPORT_HEARTBEAT_INTERVAL_SECONDS=HEARTBEAT_INTERVAL)
    site.wait_healthy()

    # Four large reports requested together, while writes from elsewhere (people
    # submitting, the web's sessions) commit between the builders' reads and
    # their heartbeats all along: all four succeed at their first attempt.
    stop = threading.Event()

    def write_meanwhile():
        while not stop.is_set():
            now = datetime.datetime.now(datetime.UTC).isoformat(sep=" ")
            site.rows("UPDATE accounts_user SET last_login = ? WHERE employee_no = 'L0001'", now)
            time.sleep(0.02)

    writer = threading.Thread(target=write_meanwhile)
    writer.start()
    try:
        ids = request_reports(site, 4)
        runs = wait_finished(site, ids, seconds=300)
    finally:
        stop.set()
        writer.join()
    assert [(status, attempt, error) for _id, status, attempt, error in runs] == [
        ("succeeded", 1, "")
    ] * 4, site.log()

    # Both workers killed: each is started again, and work sent meanwhile is
    # done: a report (the long jobs' worker) and the other worker's heartbeat
    # (which it sends when it starts).
    killed = worker_pids(site)
    assert set(killed) == {"embedded@%h", "embedded-long@%h"}, site.log()
    since = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    for pid in killed.values():
        os.kill(pid, signal.SIGKILL)
    ids = request_reports(site, 1)
    runs = wait_finished(site, ids, seconds=300)
    assert [(status, error) for _id, status, _a, error in runs] == [("succeeded", "")]
    deadline = time.monotonic() + 60
    while not site.rows(
        "SELECT worker FROM core_workerheartbeat WHERE worker LIKE 'embedded@%' AND seen_at > ?",
        since,
    ):
        assert time.monotonic() < deadline, site.log()
        time.sleep(0.5)
    restarted = worker_pids(site)
    assert set(restarted) == set(killed)
    assert not set(restarted.values()) & set(killed.values())
    assert site.log().count("starting it again") == 2
    assert site.healthz()[0] == 200

    every = children_of(site.process.pid)
    assert len(every) >= 4, every  # web, two workers, beat
    site.process.send_signal(signal.SIGTERM)
    assert site.process.wait(timeout=30) == 0, site.log()
    time.sleep(0.5)
    assert [command for pid, command in every.items() if alive(pid)] == []
