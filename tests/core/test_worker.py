"""A real Celery worker process runs a task end to end through the broker (Redis
when REDIS_URL is set, the embedded filesystem transport otherwise) and writes its
result to the test database."""

import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.queue import ensure_queue_folders
from core.tasks import worker_heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url_for_worker() -> str:
    """The URL of the database this test runs against (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        if db["NAME"] == ":memory:" or "mode=memory" in str(db["NAME"]):
            pytest.skip("A worker process cannot reach an in-memory SQLite database.")
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_process(tmp_path):
    """Start `celery worker` on a queue of its own; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    name = f"{queue}@%h"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "HOME": str(tmp_path),
    }
    ensure_queue_folders(celery_app)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "-Q",
            queue,
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue, process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_real_worker_runs_task_through_the_broker(worker_process):
    queue, process = worker_process
    celery_app.conf.task_always_eager = False
    try:
        worker_heartbeat.apply_async(queue=queue)
    finally:
        celery_app.conf.task_always_eager = True

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(worker__startswith=f"{queue}@").exists():
            break
        if process.poll() is not None:
            pytest.fail(f"The worker exited early:\n{process.stdout.read()}")
        time.sleep(0.5)
    else:
        process.terminate()
        pytest.fail(f"No heartbeat from the worker within 60 s:\n{process.communicate()[0]}")

    heartbeat = WorkerHeartbeat.objects.get(worker__startswith=f"{queue}@")
    assert heartbeat.seen_at is not None
