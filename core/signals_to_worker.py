"""Telling the Celery worker about work a service has committed.

The database row is the truth and the broker only signals (docs/architecture.md):
each kind of background work has a periodic sweep that re-sends what is still
waiting (`reports.services.report_runs_recover`, `hr.services.imports_recover`).
So a broker that cannot be reached when the signal is sent (Redis down, the
embedded queue folder unwritable) delays the work by a sweep; it must not turn
the answer to the request that committed the work into a 500, which would tell
the person that work which will be done failed, and invite a duplicate.
"""

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

log = logging.getLogger(__name__)


def send_after_commit(task: Task, *args) -> None:
    """Send `task(*args)` to the worker once the current transaction commits
    (never before: the task would not find its row); a broker error is logged
    and left to the sweep."""
    transaction.on_commit(lambda: _send(task, args))


def _send(task: Task, args: tuple) -> None:
    try:
        task.delay(*args)
    # kombu's error for a broker it cannot connect to after its retries; the
    # filesystem transport raises the OS's own error for its folders.
    except (BrokerUnreachable, OSError) as exc:
        log.error(
            "Could not signal the worker for %s%r, left for the periodic sweep: %s",
            task.name,
            args,
            exc,
        )
