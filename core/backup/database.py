"""The database's side of a backup: a consistent dump with its row counts, and
its restore, for PostgreSQL (pg_dump / pg_restore) and SQLite (its backup API)."""

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.base.base import BaseDatabaseWrapper

from .manifest import BackupError

DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT_VERSION = 1
# Filled by `migrate` in any database, data or not: a freshly migrated database
# is still an empty target for a restore.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# How pg_dump and pg_restore receive DATABASES' OPTIONS (libpq's variables).
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
}


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in each table of the database (its default schema), by name."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """The migrations recorded in the database, by app."""
    if "django_migrations" not in connection.introspection.table_names():
        return {}
    applied: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def rows_held(connection: BaseDatabaseWrapper) -> int:
    """Rows outside what `migrate` writes: zero for a database a restore may fill."""
    return sum(
        count
        for table, count in table_counts(connection).items()
        if table not in BOOKKEEPING_TABLES
    )


@contextmanager
def _separate(connection: BaseDatabaseWrapper, **changes) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own to the same database (or, with `changes`, its
    settings changed), closed afterwards; the caller's transaction is untouched."""
    other = connection.copy()
    other.settings_dict.update(changes)
    try:
        yield other
    finally:
        other.close()


# --- PostgreSQL ---------------------------------------------------------------------


def _libpq_environment(database: dict) -> dict[str, str]:
    """pg_dump's and pg_restore's connection, password included, through their
    environment: nothing secret on a command line another user can list."""
    environment = dict(os.environ)  # PATH, locale: what the tools need to run
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    for option, variable in LIBPQ_OPTIONS.items():
        values[variable] = database.get("OPTIONS", {}).get(option)
    for variable, value in values.items():
        environment.pop(variable, None)
        if value:
            environment[variable] = str(value)
    return environment


def _run(command: list[str], database: dict) -> None:
    try:
        subprocess.run(
            command,
            env=_libpq_environment(database),
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client of the "
            "server's version (Debian: postgresql-client)."
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()}") from exc


def _dump_postgresql(connection: BaseDatabaseWrapper, path: Path) -> tuple[dict, dict]:
    """pg_dump into `path`, with the row counts and migrations of the same snapshot."""
    with _separate(connection) as reader:
        reader.set_autocommit(False)
        try:
            with reader.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # Counting a large table may take longer than a request may.
                cursor.execute("SET LOCAL statement_timeout = 0")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = table_counts(reader)
            migrations = applied_migrations(reader)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
                reader.settings_dict,
            )
        finally:
            reader.rollback()
    return counts, migrations


def _restore_postgresql(connection: BaseDatabaseWrapper, path: Path) -> None:
    # One transaction: a restore that fails half way leaves the database as it was.
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        connection.settings_dict,
    )


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_copy(source: Path | str, target: Path | str) -> None:
    """SQLite's online backup: a consistent copy while others read and write,
    the WAL included, waiting for a writer as the application does."""
    timeout = settings.DATABASES[DEFAULT_DB_ALIAS].get("OPTIONS", {}).get("timeout", 20)
    with (
        closing(sqlite3.connect(source, timeout=timeout)) as source_db,
        closing(sqlite3.connect(target, timeout=timeout)) as target_db,
    ):
        source_db.backup(target_db)


def _dump_sqlite(connection: BaseDatabaseWrapper, path: Path) -> tuple[dict, dict]:
    source = Path(connection.settings_dict["NAME"])
    if not source.is_file():  # connecting would create an empty one
        raise BackupError(f"There is no database at {source}.")
    _sqlite_copy(source, path)
    # Counted in the copy: exactly what the archive holds.
    with _separate(connection, NAME=str(path), OPTIONS={}) as copy:
        return table_counts(copy), applied_migrations(copy)


def _restore_sqlite(connection: BaseDatabaseWrapper, path: Path) -> None:
    # Through the backup API rather than a file copy: the target's WAL and any
    # open connection see one consistent replacement of the whole database.
    connection.close()
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(path, target)


DUMPERS = {"postgresql": _dump_postgresql, "sqlite": _dump_sqlite}
RESTORERS = {"postgresql": _restore_postgresql, "sqlite": _restore_sqlite}


def vendor_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMPERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor
