"""A primary and a streaming replica for the replica tests.

The suite runs on one database (config.settings.test). The replica tests need
a real streaming pair, which `.ci/replica-clusters start` makes and announces in
`REPLICA_TEST_PRIMARY_URL` / `REPLICA_TEST_REPLICA_URL`. For the length of a
test, `databases_swapped` points the `default` alias at a database on that
primary and adds `replica` for the same database on its replica, so the code
under test, which knows only those two aliases, reads and writes there. The
session's own `default` connection is set aside untouched (with whatever shared
data it holds open) and put back afterwards, as `tests/world.py` does for its
levels.
"""

import socket
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections

from config.settings.base import env, postgres_database
from core.db import PRIMARY, REPLICA, forget_replica_verdict

CLUSTERS_MISSING = (
    "no primary and streaming replica of its own: run "
    '`eval "$(.ci/replica-clusters start)"` first (sets REPLICA_TEST_PRIMARY_URL '
    "and REPLICA_TEST_REPLICA_URL)"
)


def clusters_available() -> bool:
    return bool(settings.REPLICA_TEST_PRIMARY_URL and settings.REPLICA_TEST_REPLICA_URL)


def entry(url: str, *, name: str | None = None, **options) -> dict:
    """A DATABASES entry for `url` as production builds it (config.settings.base)."""
    database = postgres_database(env.db_url_config(url), **options)
    if name:
        database["NAME"] = name
    return database


def cluster_entries(name: str) -> dict[str, dict]:
    """`default` on the clusters' primary and `replica` on its replica, both
    for database `name`; the replica as production configures it."""
    return {
        PRIMARY: entry(settings.REPLICA_TEST_PRIMARY_URL, name=name),
        REPLICA: entry(settings.REPLICA_TEST_REPLICA_URL, name=name, connect_timeout=2),
    }


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_replica() -> dict[str, dict]:
    """A `replica` entry pointing where no server answers."""
    return {
        REPLICA: entry(f"postgres://postgres@127.0.0.1:{closed_port()}/none", connect_timeout=2)
    }


@contextmanager
def databases_swapped(entries: dict[str, dict]):
    """`connections` with these aliases replaced or added, on fresh connection
    objects, for the block; then the aliases and connections as they were."""
    handler = connections
    configured = _configured({**handler.settings, **entries})
    saved = {
        alias: (handler.settings[alias], handler[alias]) if alias in handler.settings else None
        for alias in entries
    }
    for alias in entries:
        handler.settings[alias] = configured[alias]
        handler[alias] = handler.create_connection(alias)
    _forget_caches()
    try:
        yield
    finally:
        for alias, before in saved.items():
            handler[alias].close()
            if before is None:
                del handler.settings[alias]
                del handler[alias]
            else:
                handler.settings[alias], handler[alias] = before
        _forget_caches()


def _configured(databases: dict) -> dict:
    # Django's defaults (TEST, TIME_ZONE, AUTOCOMMIT …) filled in as at start.
    return type(connections)(databases).settings


def _forget_caches() -> None:
    # Both databases number their content types alike only by chance.
    ContentType.objects.clear_cache()
    forget_replica_verdict()


def lsn(alias: str, function: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {function}()")
        return cursor.fetchone()[0]


def wait_for_replica(*, replayed: bool = True, timeout: float = 10.0) -> None:
    """Until the replica has received (and by default replayed) everything
    the primary has written so far."""
    # Inserted, not only written: a commit may still wait in the WAL buffers.
    target = lsn(PRIMARY, "pg_current_wal_insert_lsn")
    function = "pg_last_wal_replay_lsn" if replayed else "pg_last_wal_receive_lsn"
    deadline = time.monotonic() + timeout
    while True:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(f"SELECT {function}() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, f"the replica did not reach {target}"
        time.sleep(0.02)


@contextmanager
def replay_paused():
    """The replica receives the primary's changes but does not apply them."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
