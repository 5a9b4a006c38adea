"""Races run for real: threads with their own database connections, released
together, on PostgreSQL (SQLite serialises writers, so nothing would race)."""

import threading

import pytest
from django.db import connection, connections

# The marks every race test module starts with.
RACES = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(calls):
    """Run each `(function, *args)` in a thread of its own, all released together;
    return (results, errors). Every thread closes its own connections."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def run(function, *args):
        try:
            connection.ensure_connection()  # connect before the start line
            barrier.wait(timeout=60)
            outcome = function(*args)
            with lock:
                results.append(outcome)
        except Exception as exc:  # noqa: BLE001 — collected and asserted on below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
