"""/healthz sees the background: a worker (it ran the heartbeat task beat sends
every minute) and beat (it sent a periodic task), each against its threshold
from the settings, and answers 503 naming the part that went quiet.

The heartbeats are written by the real code: beat's scheduler starting and
sending the worker-heartbeat entry, which the (eager) worker runs. A stale one
is the same written while the clock said ten minutes ago."""

import datetime
import re

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core.models import BeatHeartbeat
from core.queue import HeartbeatScheduler, beat_heartbeat_record
from core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db

TEN_MINUTES = datetime.timedelta(minutes=10)


@pytest.fixture
def beat(tmp_path):
    """Beat's scheduler as `celery beat` starts it (which records a heartbeat)."""
    scheduler = HeartbeatScheduler(
        app=celery_app, schedule_filename=str(tmp_path / "celerybeat-schedule")
    )
    yield scheduler
    scheduler.close()


@pytest.fixture
def ten_minutes_ago(monkeypatch):
    """Inside: the clock the heartbeats are written with is ten minutes behind."""
    real_now = timezone.now

    class Clock:
        def __enter__(self):
            monkeypatch.setattr(timezone, "now", lambda: real_now() - TEN_MINUTES)

        def __exit__(self, *exc):
            monkeypatch.setattr(timezone, "now", real_now)

    return Clock()


def health(client):
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()


def test_beat_sending_the_worker_heartbeat_makes_both_fresh(client, beat):
    beat.apply_async(beat.schedule["worker-heartbeat"])
    status, body = health(client)
    assert status == 200, body
    assert (body["status"], body["failing"]) == ("ok", [])
    assert body["worker"] == body["beat"] == "ok"
    assert body["worker_last_seen"] and body["beat_last_seen"]


@pytest.mark.parametrize(
    "quiet",
    [
        pytest.param({"worker"}, id="worker stopped"),
        pytest.param({"beat"}, id="beat stopped"),
        pytest.param({"worker", "beat"}, id="both stopped"),
    ],
)
def test_a_quiet_part_is_a_503_naming_it(client, tmp_path, ten_minutes_ago, quiet):
    def worker_runs_heartbeat():
        worker_heartbeat.delay()

    def beat_starts():
        HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "beat")).close()

    for part, write in (("worker", worker_runs_heartbeat), ("beat", beat_starts)):
        if part in quiet:
            with ten_minutes_ago:
                write()
        else:
            write()
    status, body = health(client)
    assert status == 503
    assert (body["status"], body["failing"]) == (
        "error",
        [part for part in ("worker", "beat") if part in quiet],
    )
    for part in ("worker", "beat"):
        if part in quiet:
            assert re.fullmatch(
                r"error: stale: last heartbeat 60\d s ago \(limit 180 s\)", body[part]
            )
        else:
            assert body[part] == "ok"
    assert body["database"] == body["cache"] == body["broker"] == "ok"


def test_the_thresholds_come_from_the_settings(client, beat, ten_minutes_ago, settings):
    with ten_minutes_ago:
        worker_heartbeat.delay()
    settings.HEALTHZ_WORKER_MAX_AGE = 15 * 60
    assert health(client)[0] == 200
    settings.HEALTHZ_BEAT_MAX_AGE = 0
    status, body = health(client)
    assert (status, body["failing"]) == (503, ["beat"])


def test_beat_keeps_sending_when_it_cannot_write_its_heartbeat(beat, monkeypatch):
    def database_away(*args, **kwargs):
        raise OperationalError("connection refused")

    before = BeatHeartbeat.objects.get()
    monkeypatch.setattr(BeatHeartbeat.objects, "update_or_create", database_away)
    assert beat_heartbeat_record() is False
    beat.apply_async(beat.schedule["worker-heartbeat"])  # no error: the task was sent
    assert BeatHeartbeat.objects.get().seen_at == before.seen_at
