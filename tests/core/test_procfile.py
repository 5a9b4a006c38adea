"""The Procfile's three processes, started with its own command lines on a
fresh checkout (no var/ folder yet) with production settings, PostgreSQL and
Redis: web, worker and beat all come up and stay up, and /healthz, which
needs all three, answers 200.

Only the web's address is changed, to a free port, so that a server already
on 8000 does not make the test fail. Redis is required: without REDIS_URL
(the embedded mode) the test is skipped.
"""

import http.client
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import BeatHeartbeat, WorkerHeartbeat
from tests.workers import database_url_for_worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="the Procfile runs on PostgreSQL and Redis (set DATABASE_URL and REDIS_URL)",
    ),
]

PROCFILE = Path(settings.BASE_DIR) / "Procfile"
WRITTEN_ADDRESS = "127.0.0.1:8000"


def procfile_commands(port: int) -> dict[str, list[str]]:
    """{process: its command line}, as written, the web bound to `port`."""
    commands = {}
    for line in PROCFILE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, command = line.split(":", 1)
        words = shlex.split(command)
        words[0] = str(Path(sys.executable).with_name(words[0]))  # this checkout's venv
        if "--bind" in words:
            at = words.index("--bind") + 1
            assert words[at] == WRITTEN_ADDRESS, "the Procfile's web address changed"
            words[at] = f"127.0.0.1:{port}"
        commands[name.strip()] = words
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(port: int) -> tuple[int, dict]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        # What the TLS proxy in front of gunicorn says (production settings).
        client.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        response = client.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    except (OSError, ValueError):
        return 0, {}
    finally:
        client.close()


def test_the_procfile_starts_web_worker_and_beat_on_a_fresh_checkout(tmp_path):
    WorkerHeartbeat.objects.all().delete()
    BeatHeartbeat.objects.all().delete()
    port = free_port()
    commands = procfile_commands(port)
    assert set(commands) == {"web", "worker", "beat"}
    var = tmp_path / "fresh-checkout" / "var"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_VAR_DIR": str(var),
    }
    processes = {}
    logs = {}
    try:
        for name, command in commands.items():
            logs[name] = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed below)
            processes[name] = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=logs[name],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        status, body = healthz(port)
        while status != 200 and time.monotonic() < deadline:
            if any(process.poll() is not None for process in processes.values()):
                break
            time.sleep(0.3)
            status, body = healthz(port)
        exited = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        written = "\n".join(
            f"--- {name}\n{(tmp_path / f'{name}.log').read_text()}" for name in commands
        )
        assert (status, exited) == (200, {}), f"{body}\n{written}"
        assert body["failing"] == []
        assert any(var.glob("celerybeat-schedule*"))
    finally:
        for process in processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in logs.values():
            log.close()
