"""Celery beat, started as the Procfile starts it, on a checkout that has no
var/ folder yet (git ignores it): it must come up and write its schedule, not
exit with FileNotFoundError and take the web and the worker down with it."""

import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.workers import database_url_for_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_starts_where_var_does_not_exist_yet(tmp_path):
    var = tmp_path / "fresh-checkout" / "var"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_VAR_DIR": str(var),
    }
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=info"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and beat.poll() is None:
            if any(var.glob("celerybeat-schedule*")):
                break
            time.sleep(0.2)
        time.sleep(0.5)  # still up after opening its schedule
        assert beat.poll() is None, beat.communicate(timeout=10)[0]
        assert any(var.glob("celerybeat-schedule*"))
    finally:
        beat.terminate()
        try:
            beat.wait(timeout=10)
        except subprocess.TimeoutExpired:
            beat.kill()
