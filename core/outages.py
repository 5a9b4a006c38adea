"""What a database error says about the database: an outage (it cannot be
reached, it went away, it is shutting down or out of connections) is answered
503 with `Retry-After`, on the API (core.api.exceptions) and on the pages
(core.middleware), because a later try may well succeed; any other database
error is a bug and stays a 500. A query cut by the statement timeout is a 503 of
its own (core.db.is_statement_timeout).
"""

from django.db import InterfaceError, OperationalError

from core.db import is_statement_timeout

# What `Retry-After` asks of a client: long enough for PostgreSQL to restart or a
# failover to finish, short enough that a person retrying by hand waits no longer.
RETRY_AFTER_SECONDS = 30

# PostgreSQL's SQLSTATE classes that mean the server, not the statement, failed:
# 08 connection exception, 53 insufficient resources (too many connections),
# 57 operator intervention (shutting down, the backend terminated, starting up),
# 58 system error.
OUTAGE_SQLSTATE_CLASSES = {"08", "53", "57", "58"}
# SQLite's primary result codes for a database file that is busy (another
# writer past the busy timeout), locked, unreadable or cannot be opened.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN = 5, 6, 10, 14
OUTAGE_SQLITE_CODES = {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN}


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` is the database being unreachable rather than a statement
    being wrong: an `InterfaceError` (the connection is closed), or an
    `OperationalError` whose driver error says the server or file failed. An
    error from the driver with no code at all is one it raised itself: it could
    not connect, or the server closed the connection."""
    if is_statement_timeout(exc):
        return False
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    driver_error = exc.__cause__
    sqlstate = getattr(driver_error, "pgcode", None) or getattr(driver_error, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES
    sqlite_code = getattr(driver_error, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in OUTAGE_SQLITE_CODES  # the extended code's primary part
    return True
