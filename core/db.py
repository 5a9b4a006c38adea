"""Where queries go: the primary, or a streaming replica for heavy reads, and
what a query cut by the statement timeout means (docs/operations.md).

Everything reads and writes the primary (`default`) unless a caller asks for the
replica with `on_replica(read)`: the dashboard's figures and the report builds,
whose reads may be a few seconds old and are the heaviest of the product. The
replica is used only while it answers and is less than
`DATABASE_REPLICA_MAX_LAG_SECONDS` behind; otherwise, and without
`DATABASE_REPLICA_URL`, the reads stay on the primary.

A block rather than `.using()` on each queryset: the dashboard's figures are some
thirty querysets across five apps' selectors (`shares_by_level_and_year`,
`with_risk` …) and the reads of related rows they trigger, and a router only
sees the model, not the caller. Inside the block the router sends every read to
the alias chosen when the block started; writes always go to the primary.
"""

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    Error,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)

log = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# How long a process trusts its last look at the replica, so a page does not
# pay one more query for it on every call.
VERDICT_SECONDS = 5.0
# The health check's own limit: a replica that cannot say how far behind it is
# within this long is not one to send pages to.
CHECK_TIMEOUT_MS = 2000
# PostgreSQL's SQLSTATE for a cancelled statement (statement_timeout, or an
# operator's pg_cancel_backend).
QUERY_CANCELED = "57014"

# How far behind the primary the replica is, in seconds. Everything received
# and replayed while the WAL receiver is connected means caught up, however long
# ago the primary last wrote: `now() - pg_last_xact_replay_timestamp()` alone
# would grow on an idle primary. A replica that is not in recovery (promoted,
# or the primary itself behind a pooler) is current by definition. NULL (WAL
# waiting but nothing replayed yet since start) counts as too far behind.
LAG_QUERY = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT FROM pg_stat_wal_receiver) THEN 0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""

# The alias reads go to inside `on_replica`; None outside it (the primary).
_reads_on: ContextVar[str | None] = ContextVar("reads_on", default=None)

T = TypeVar("T")


@dataclass(frozen=True)
class _Verdict:
    alias: str
    until: float


_verdict: _Verdict | None = None


def replica_configured() -> bool:
    return REPLICA in connections


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary (inf when it cannot tell);
    None when it does not answer."""
    try:
        with transaction.atomic(using=REPLICA), connections[REPLICA].cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {CHECK_TIMEOUT_MS}")
            cursor.execute(LAG_QUERY)
            (lag,) = cursor.fetchone()
    except Error as exc:
        connections[REPLICA].close()  # reconnect on the next check
        log.debug("Read replica did not answer: %s", exc)
        return None
    return float("inf") if lag is None else float(lag)


def reading_alias() -> str:
    """Where reads that may be a few seconds old go now: the replica when there
    is one, it answers and it is within the allowed lag; else the primary."""
    global _verdict
    if not replica_configured():
        return PRIMARY
    now = time.monotonic()
    if _verdict is None or now >= _verdict.until:
        lag = replica_lag()
        usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        alias = REPLICA if usable else PRIMARY
        # Said once when it changes, not at every look.
        if alias != (_verdict.alias if _verdict else REPLICA):
            if usable:
                log.info("Read replica usable again")
            else:
                state = "unavailable" if lag is None else f"{lag:.1f} s behind"
                log.warning("Read replica %s: reading the primary", state)
        _verdict = _Verdict(alias, now + VERDICT_SECONDS)
    return _verdict.alias


def forget_replica_verdict() -> None:
    """Look at the replica again on the next read (tests; after a failure)."""
    global _verdict
    _verdict = None


def _replica_failed(exc: Exception) -> None:
    global _verdict
    log.warning("Read replica failed during a read, reading the primary: %s", exc)
    connections[REPLICA].close()
    _verdict = _Verdict(PRIMARY, time.monotonic() + VERDICT_SECONDS)


def on_replica(read: Callable[[], T]) -> T:
    """`read()` with its queries on the replica when it is usable (see
    `reading_alias`), else on the primary. `read` must only read, and only
    what may be a few seconds old (never rows its own transaction just wrote):
    its writes would still go to the primary, but it runs a second time, on the
    primary, when the replica fails under it (a restart, a query cancelled by
    WAL replay). Nested calls keep the outer call's choice."""
    if _reads_on.get() is not None:
        return read()
    alias = reading_alias()
    token = _reads_on.set(alias)
    try:
        return read()
    except (OperationalError, InterfaceError) as exc:
        if alias == PRIMARY or is_statement_timeout(exc):
            raise  # the primary would fail the same way
        _replica_failed(exc)
    finally:
        _reads_on.reset(token)
    token = _reads_on.set(PRIMARY)
    try:
        return read()
    finally:
        _reads_on.reset(token)


class PrimaryReplicaRouter:
    """Writes and migrations on the primary, reads too, except inside
    `on_replica`, which chose where its reads go. Returning the primary (not
    None) also keeps a row read from the replica from steering later reads of
    its relations, or its save, there."""

    def db_for_read(self, model, **hints):
        return _reads_on.get() or PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: a row read there may point at one
        # read here.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def is_statement_timeout(exc: BaseException) -> bool:
    """Whether `exc` is a query PostgreSQL cancelled (the statement timeout):
    Django's error keeps the driver's, with its SQLSTATE, as its cause."""
    for _depth in range(3):  # Django's error, the driver's, and no further
        if exc is None:
            break
        code = getattr(exc, "pgcode", None) or getattr(exc, "sqlstate", None)
        if code == QUERY_CANCELED:
            return True
        exc = exc.__cause__
    return False


TIMEOUT_FLAG = re.compile(r"\s*-c\s*statement_timeout=\S+")


def statement_timeout_set(database: dict, milliseconds: int) -> dict:
    """A PostgreSQL database entry whose connections start with this statement
    timeout (0: the server's own), other `options` flags kept."""
    options = database.setdefault("OPTIONS", {})
    flags = TIMEOUT_FLAG.sub("", options.get("options", "")).strip()
    if milliseconds:
        flags = f"{flags} -c statement_timeout={milliseconds}".strip()
    if flags:
        options["options"] = flags
    else:
        options.pop("options", None)
    return database


def statement_timeout_use(milliseconds: int) -> None:
    """From now on, this process's PostgreSQL connections run with this
    statement timeout (the Celery worker's, longer than a request's)."""
    for alias in connections:
        connection = connections[alias]
        if connection.vendor == "postgresql":
            statement_timeout_set(connection.settings_dict, milliseconds)
            connection.close()


_NONE = object()
# How PostgreSQL plans a long read (read_in_chunks): for all of its rows, not
# for the first tenth as it plans a cursor (a sort after the scan, not a walk
# down an index), and without compiling the query (JIT), which for thousands of
# rows with the access checks' subqueries cost more than it saved. An export's
# 10,000 proposals were read in half the time.
LONG_READ_SETTINGS = {"cursor_tuple_fraction": "1.0", "jit": "off"}


@contextmanager
def _settings(connection, values: dict[str, str]) -> Iterator[None]:
    """PostgreSQL's settings `values` on `connection` for the block. The reset is
    skipped when the block failed the transaction: the rollback undoes the
    settings with the rest."""
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET {name} = {value}" for name, value in values.items()))
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with contextlib.suppress(Error), connection.cursor() as cursor:
                cursor.execute("; ".join(f"RESET {name}" for name in values))


def read_in_chunks(queryset, size: int = 2000) -> Iterator:
    """The rows of `queryset` in its order, `size` at a time, for a long read
    that writes on the way (a report's heartbeats and progress).

    PostgreSQL streams them through one cursor (`.iterator()`). On SQLite an
    open cursor keeps a read transaction on the connection: a write on the same
    connection must then upgrade it, and once anyone else has committed since
    the read began SQLite refuses at once ("database is locked"; the busy
    timeout does not apply to it). So there the keys are read first, in order,
    then the rows a chunk of keys at a time: no statement stays open between
    chunks, and each write in between is a short transaction of its own that
    waits its turn for SQLite's one writer. A `values()` queryset must name
    "pk" among its columns, a `values_list()` one first: its rows are matched
    to their keys by it."""
    connection = connections[queryset.db]
    if connection.vendor != "sqlite":
        rows = queryset.iterator(chunk_size=size)
        if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            # Behind PgBouncer (docs/operations.md): the rows come in one go,
            # and a session's SET would stay on a server connection another
            # client gets next.
            yield from rows
            return
        # The plan is made when the first row is asked for, so the settings
        # last only that long.
        with _settings(connection, LONG_READ_SETTINGS):
            first = next(rows, _NONE)
        if first is not _NONE:
            yield first
            yield from rows
        return
    keys = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        found = {_key(row): row for row in queryset.filter(pk__in=chunk)}
        # A row deleted since the keys were read is skipped.
        yield from (found[key] for key in chunk if key in found)


def _key(row):
    """The key of a record, a `values()` row or a `values_list()` one."""
    if isinstance(row, dict):
        return row["pk"]
    return row[0] if isinstance(row, tuple) else row.pk
