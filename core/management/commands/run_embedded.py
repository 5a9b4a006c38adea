"""`make run`'s processes, supervised: the web server, the Celery workers and
beat as child processes of this command. A worker or beat that exits is started
again; the web server exiting, Ctrl-C or TERM stops them all, each child's whole
process group, killed after a grace period if it has not stopped by then
(docs/operations.md, "Embedded mode").

The workers have no pool children to lose: the one for the long jobs (report
builds, HR imports; CELERY_TASK_ROUTES) is a solo pool, so SQLite's one writer
sees one build at a time, and the one for everything else runs its tasks in
threads. Beat runs apart from both, so a worker's restart does not restart it."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand

# A child that ran at least this long before exiting is restarted at once; one
# that keeps exiting sooner waits longer each time, up to MAX_BACKOFF seconds.
STEADY_SECONDS = 10.0
MAX_BACKOFF = 30.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: Linux sends it TERM when the supervisor dies,
    even by SIGKILL, so no worker is left behind without its supervisor."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    command: list[str]
    restart: bool
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0
    not_before: float = field(default=0.0)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=settings.BASE_DIR,
            start_new_session=True,  # a group of its own: stopped whole, Ctrl-C goes to us
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self.started_at = time.monotonic()

    def signal(self, sig: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel=warning"]


def embedded_children(address: str) -> list[Child]:
    """The web server, the workers and beat of `make run`."""
    quiet = ["--without-gossip", "--without-mingle"]
    default_queue = current_app.conf.task_default_queue
    children = [
        Child(
            "web",
            [sys.executable, "manage.py", "runserver", "--noreload", address],
            restart=False,
        ),
        Child(
            "worker",
            celery(
                "worker",
                "--pool=threads",
                "--concurrency=2",
                "-Q",
                default_queue,
                "-n",
                "embedded@%h",
                *quiet,
            ),
            restart=True,
        ),
        Child("beat", celery("beat"), restart=True),
    ]
    if not settings.REDIS_URL:
        long_queue = settings.EMBEDDED_LONG_QUEUE
        children.insert(
            2,
            Child(
                "long-worker",
                celery("worker", "--pool=solo", "-Q", long_queue, "-n", "embedded-long@%h", *quiet),
                restart=True,
            ),
        )
    return children


class Supervisor:
    def __init__(self, children: list[Child], *, grace: float, out):
        self.children, self.grace, self.out = children, grace, out
        self.stopping = False

    def say(self, text: str) -> None:
        self.out.write(f"[run_embedded] {text}\n")
        self.out.flush()

    def on_signal(self, signum, _frame) -> None:
        self.stopping = True

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self.on_signal)
        code = 0
        try:
            for child in self.children:
                child.start()
            while not self.stopping:
                code = self.watch()
                if code is not None:
                    break
                time.sleep(0.3)
            return code or 0
        finally:
            self.stop()

    def watch(self) -> int | None:
        """One look at the children: the exit code of the web server if it
        stopped (everything stops then), else None, having restarted any other."""
        now = time.monotonic()
        for child in self.children:
            if child.process is None:  # waiting to be started again
                if now >= child.not_before:
                    child.start()
                continue
            code = child.process.poll()
            if code is None:
                continue
            if not child.restart:
                self.say(f"{child.name} exited ({code}): stopping")
                return code or 1
            child.signal(signal.SIGKILL)  # whatever it left in its group
            ran = now - child.started_at
            child.failures = 0 if ran >= STEADY_SECONDS else child.failures + 1
            delay = min(MAX_BACKOFF, 2.0 ** (child.failures - 1)) if child.failures else 0
            self.say(f"{child.name} exited ({code}) after {ran:.0f} s: starting it again")
            child.process, child.not_before = None, now + delay
        return None

    def stop(self) -> None:
        """TERM to every child's group, then KILL to what is left after the grace."""
        running = [child for child in self.children if child.process is not None]
        for child in running:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop within {self.grace:.0f} s: killing it")
            child.signal(signal.SIGKILL)  # its group: a pool or beat child it left
            child.process.wait()


class Command(BaseCommand):
    help = (
        "Run the web server, the Celery workers and beat of the embedded mode (make run), "
        "restarting a worker or beat that exits; Ctrl-C or TERM stops them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--grace",
            type=float,
            default=10.0,
            help="Seconds a child has to stop on TERM before it is killed (default 10).",
        )

    def handle(self, *args, address, grace, **options):
        supervisor = Supervisor(embedded_children(address), grace=grace, out=self.stdout)
        code = supervisor.run()
        if code:
            sys.exit(code)
