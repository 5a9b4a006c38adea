"""Real Celery worker processes for the tests that need them: each test starts
its workers on a queue of its own and routes the tasks it sends there, so a
worker elsewhere on this machine (a `make run`, another test run) never takes
them; eagerness is switched off while inside `sent_to`, and both are restored
after. Nothing else in the code under test changes."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.queue import ensure_queue_folders


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
def media_root(settings, tmp_path):
    """One media folder for this process and the workers (DJANGO_MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


class Workers:
    """Starts `celery worker` processes on one queue, each in a session (process
    group) of its own, so a test can kill one whole; stops the rest afterwards."""

    def __init__(self, tmp_path: Path, media_root: Path):
        self.queue = f"test-worker-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.env = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_for_worker(),
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_MEDIA_ROOT": str(media_root),
            # The same var folder: in the embedded mode it holds the queue the
            # worker reads and the SQLite file (a suite run elsewhere than var/).
            "DJANGO_VAR_DIR": str(settings.VAR_DIR),
            "HOME": str(tmp_path),
        }
        self.started: list[subprocess.Popen] = []
        ensure_queue_folders(celery_app)

    def start(self) -> subprocess.Popen:
        n = len(self.started) + 1
        log = open(self.tmp_path / f"worker-{n}.log", "w")  # noqa: SIM115 (closed in stop)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=warning",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{n}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_file = log
        self.started.append(process)
        return process

    def log(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()}" for path in sorted(self.tmp_path.glob("*.log"))
        )

    @staticmethod
    def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        """Signal the worker's whole process group (the parent and its pool child)."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(process)
                    process.wait(timeout=10)
            else:
                # The pool child of a worker killed by SIGKILL may outlive its parent.
                self.kill(process)
            process.log_file.close()


@pytest.fixture
def workers(tmp_path, media_root):
    pool = Workers(tmp_path, media_root)
    yield pool
    pool.stop()


@contextmanager
def sent_to(queue: str, *tasks: str):
    """While inside: tasks go to the broker (not eagerly), and `tasks` (names)
    to `queue`."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_routes)
    conf.task_always_eager = False
    conf.update(task_routes={task: {"queue": queue} for task in tasks})
    try:
        yield
    finally:
        conf.task_always_eager = saved[0]
        conf.update(task_routes=saved[1])


def wait_for(condition, workers: Workers, *, seconds: float = 120, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if workers.started and all(p.poll() is not None for p in workers.started):
            pytest.fail(f"Every worker exited:\n{workers.log()}")
        time.sleep(every)
    pytest.fail(f"Timed out after {seconds} s:\n{workers.log()}")
