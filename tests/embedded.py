"""The embedded mode as `make run` runs it, for the tests and the benchmark that
need it whatever database the suite uses: a SQLite file and the filesystem
transport in a var folder of their own, `manage.py run_embedded` (web, workers,
beat) started as a real process, and `manage.py shell -c` for data.

Migrating a fresh SQLite file takes half a minute, so it is done once for the
current migrations and kept in the var folder (`migrated_database`, named after
the fingerprint the PostgreSQL test templates use, tests/databases.py) for
every later run, then copied for each site."""

import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings

from tests.databases import migrations_fingerprint


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_env(var: Path, **extra: str) -> dict[str, str]:
    """`make run`'s environment: no DATABASE_URL and no REDIS_URL."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(var.parent),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def manage(var: Path, *args: str, timeout: float = 300, **extra: str) -> str:
    """Run a management command in the embedded mode of `var`; its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=embedded_env(var, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def migrated_database(tmp_root: Path) -> Path:
    """A migrated SQLite file for the current migrations: the one kept from an
    earlier run, or made now and kept (a stale one is dropped)."""
    kept = settings.VAR_DIR / "test-templates"
    template = kept / f"embedded-{migrations_fingerprint()}.sqlite3"
    if not template.exists():
        var = tmp_root / "template-var"
        manage(var, "migrate", "--noinput")
        kept.mkdir(exist_ok=True)
        for stale in kept.glob("embedded-*.sqlite3"):
            stale.unlink(missing_ok=True)
        partial = template.with_suffix(f".{os.getpid()}.part")
        shutil.copy(var / "db.sqlite3", partial)
        partial.replace(template)  # whole or not at all, whoever reads it
    return template


class EmbeddedSite:
    """A var folder with a copy of the migrated database, and `run_embedded`."""

    def __init__(self, tmp_path: Path, template: Path):
        self.var = tmp_path / "var"
        self.var.mkdir()
        shutil.copy(template, self.var / "db.sqlite3")
        self.port = free_port()
        self.log_path = tmp_path / "run_embedded.log"
        self.process: subprocess.Popen | None = None
        manage(self.var, "prepare_worker")

    def shell(self, code: str, **extra: str) -> str:
        return manage(self.var, "shell", "-c", code, **extra)

    def start(self, **extra: str) -> subprocess.Popen:
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_embedded",
                f"127.0.0.1:{self.port}",
                "--grace",
                "10",
            ],
            cwd=settings.BASE_DIR,
            env=embedded_env(self.var, **extra),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.process

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def healthz(self) -> tuple[int, dict]:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            client.request("GET", "/healthz")
            response = client.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (OSError, ValueError):
            return 0, {}
        finally:
            client.close()

    def wait_healthy(self, seconds: float = 90) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, body = self.healthz()
            if status == 200:
                return body
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        pytest.fail(f"/healthz never answered 200 ({self.healthz()}):\n{self.log()}")

    def rows(self, sql: str, *params) -> list[tuple]:
        """Read the site's database directly (a connection of this process)."""
        with sqlite3.connect(self.var / "db.sqlite3", timeout=20) as db:
            return db.execute(sql, params).fetchall()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


def children_of(pid: int) -> dict[int, str]:
    """{pid: command line} of every process whose parent is `pid`, and below."""
    parents: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
            commands[int(entry.name)] = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
    found, todo = {}, [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found[child] = commands.get(child, "")
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, exited but not yet reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ── run inside the site's own process, through `EmbeddedSite.shell` ───────


def seed_studios(count: int) -> None:
    """A group, a company with a team, a leader and `count` studios in the team."""
    from accounts.models import OrgUnit
    from accounts.services import org_unit_create, person_create

    group = org_unit_create(name="集团", code="G", kind=OrgUnit.Kind.GROUP)
    company = org_unit_create(name="甲公司", code="A", kind=OrgUnit.Kind.COMPANY, parent=group)
    team = org_unit_create(name="一班", code="A101", kind=OrgUnit.Kind.TEAM, parent=company)
    leader = person_create(employee_no="L0001", full_name="带头人", org_unit=team)
    add_studios(count, leader=leader, unit=team)


def add_studios(count: int, *, leader, unit) -> None:
    """`count` established studios in `unit`, written in one statement."""
    import datetime

    from studios.models import Studio

    Studio.objects.bulk_create(
        Studio(
            name=f"批量工作室{n}",
            code=f"BULK-{n:05d}",
            kind=Studio.Kind.EMPLOYEE,
            leader=leader,
            org_unit=unit,
            speciality="检修",
            founded_on=datetime.date(2020, 1, 1),
            status=Studio.Status.ESTABLISHED,
        )
        for n in range(count)
    )
