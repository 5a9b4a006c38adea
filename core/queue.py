"""Celery plumbing shared by the worker and the web process."""

import logging
import socket
from pathlib import Path

from celery import current_app
from celery.beat import PersistentScheduler
from django.db import connections, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

FILESYSTEM_FOLDER_OPTIONS = (
    "data_folder_in",
    "data_folder_out",
    "processed_folder",
    "control_folder",
)


def ensure_queue_folders(app=None) -> None:
    """Create the filesystem transport's folders (embedded mode only).

    kombu does not create them, and a message published before the worker
    started would otherwise fail.
    """
    options = (app or current_app).conf.broker_transport_options or {}
    for key in FILESYSTEM_FOLDER_OPTIONS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def close_broken_connections() -> None:
    """Close every database connection an error left unusable.

    After PostgreSQL restarts (or kills the backend) the worker's connection
    answers each later query with "connection already closed", and nothing in
    a task renews it the way a request's start does. A connection inside a
    transaction is left alone: its owner rolls it back (an eager task in a
    test runs inside the test's transaction).
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's own scheduler (the schedule file under DJANGO_VAR_DIR),
    which records a heartbeat each time it has sent a task, and once when it
    starts, so /healthz sees beat apart from the worker (docs/operations.md).
    A heartbeat that cannot be written (the database away) is logged and the
    schedule goes on: beat never stops for it."""

    def setup_schedule(self):
        super().setup_schedule()
        beat_heartbeat_record()

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        result = super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        beat_heartbeat_record()  # only once the broker took the message
        return result


def beat_heartbeat_record() -> bool:
    """Record that this host's beat is alive now; False when the database did
    not take it."""
    from core.models import BeatHeartbeat  # the app registry is ready by now

    close_broken_connections()  # beat has no request cycle to renew them
    try:
        with transaction.atomic():
            BeatHeartbeat.objects.update_or_create(
                beat=socket.gethostname(), defaults={"seen_at": timezone.now()}
            )
    except Exception:  # beat must keep sending whatever happens here
        log.warning("Beat could not record its heartbeat", exc_info=True)
        return False
    return True
