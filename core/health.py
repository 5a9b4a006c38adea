"""Checks behind /healthz: each returns None when healthy, else a short reason."""

import datetime

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.models import BeatHeartbeat, WorkerHeartbeat


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return type(exc).__name__
    return None


def check_cache() -> str | None:
    token = get_random_string(12)
    try:
        cache.set("healthz", token, 10)
        if cache.get("healthz") != token:
            return "cache did not return the value it was given"
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


def check_broker() -> str | None:
    if current_app.conf.task_always_eager:
        return None  # tests run tasks in-process; there is no broker to reach
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


def heartbeats() -> dict[str, tuple[datetime.datetime | None, str | None]]:
    """The background parts, each as (its newest heartbeat, None when that is
    recent enough, else why not): "worker", a worker ran the heartbeat task beat
    sends every minute; "beat", beat sent a periodic task."""
    parts = {
        "worker": (WorkerHeartbeat, settings.HEALTHZ_WORKER_MAX_AGE),
        "beat": (BeatHeartbeat, settings.HEALTHZ_BEAT_MAX_AGE),
    }
    return {part: _freshness(model, max_age) for part, (model, max_age) in parts.items()}


def _freshness(model, max_age: int) -> tuple[datetime.datetime | None, str | None]:
    try:
        seen = model.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except Exception as exc:  # noqa: BLE001
        return None, type(exc).__name__
    if seen is None:
        return None, "no heartbeat yet"
    age = (timezone.now() - seen).total_seconds()
    if age > max_age:
        return seen, f"stale: last heartbeat {age:.0f} s ago (limit {max_age} s)"
    return seen, None
