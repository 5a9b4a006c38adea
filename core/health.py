"""Checks behind /healthz: each returns None when healthy, else a short reason."""

from celery import current_app
from django.core.cache import cache
from django.db import connection
from django.utils.crypto import get_random_string


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
