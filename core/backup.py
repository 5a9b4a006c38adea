"""Backup and restore of the database and the media files together
(docs/operations.md#backup-and-restore).

An archive is one uncompressed tar (the PostgreSQL dump is compressed already,
and so are photos and Office files):

    database.dump       pg_dump -Fc, or database.sqlite3 (SQLite's backup API)
    media/<path>        every file under MEDIA_ROOT
    manifest.json       what the restore checks against: rows per table, each
                        file's sha256, the applied migrations, when, which vendor

The rows counted and the rows dumped are one snapshot of the database, taken
while the application runs: PostgreSQL's exported snapshot shared with pg_dump,
or the SQLite copy itself. The media files are read after it, so a file
uploaded meanwhile is merely unused after a restore.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA = "media"
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
CHUNK = 2**20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class Manifest:
    created_at: str
    vendor: str
    tables: dict[str, int]
    media: dict[str, str]
    migrations: dict[str, list[str]]
    format: int = FORMAT_VERSION

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        values = json.loads(data)
        if values.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown archive format {values.get('format')!r}.")
        return cls(**values)


@dataclass
class Check:
    """The restored database and files against the manifest."""

    mismatches: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0
    migrations_to_apply: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches


# --- Reading the database ---------------------------------------------------------


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


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMPERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


# --- Media ------------------------------------------------------------------------------


def _media_files(root: Path, skip: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every file under `root`, in a stable order;
    nothing under `skip` (backups written inside the media folder)."""
    if not root.is_dir():
        return
    for directory, folders, files in os.walk(root):
        folders.sort()
        here = Path(directory)
        if skip is not None and here.resolve().is_relative_to(skip.resolve()):
            folders.clear()
            continue
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """A file read by tarfile, hashed as it is read, so the checksum is that of
    the bytes archived even if the file changes meanwhile."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add_media(archive: tarfile.TarFile, root: Path, skip: Path) -> dict[str, str]:
    checksums = {}
    for name, path in _media_files(root, skip):
        with path.open("rb") as stream:
            info = archive.gettarinfo(fileobj=stream, arcname=f"{MEDIA}/{name}")
            hashing = _Hashing(stream)
            archive.addfile(info, hashing)
        checksums[name] = hashing.digest.hexdigest()
    return checksums


def _media_target(root: Path, name: str) -> Path:
    """Where an archived file goes; never outside the media folder."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"The archive names a file outside the media folder: {name}")
    return root.joinpath(*relative.parts)


def _restore_media(archive: tarfile.TarFile, manifest: Manifest, root: Path) -> None:
    """The media folder as it was: each archived file written in place (through
    a temporary name), then files the archive does not have removed, since no
    restored row refers to them. The folder itself stays (it may be a mount)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in manifest.media:
        target = _media_target(root, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            source = archive.extractfile(f"{MEDIA}/{name}")
        except KeyError:
            source = None
        if source is None:
            continue  # reported by the check as missing
        partial = target.with_name(f".{target.name}.restoring")
        with source, partial.open("wb") as stream:
            shutil.copyfileobj(source, stream, CHUNK)
        partial.replace(target)
    for name, path in list(_media_files(root)):
        if name not in manifest.media:
            path.unlink()


# --- The two operations -------------------------------------------------------------


def backup_create(*, output: Path, alias: str = DEFAULT_DB_ALIAS) -> tuple[Path, Manifest]:
    """Write `backup-<local time>.tar` into `output`: the database, the media
    files and their manifest. Written under a temporary name, so an archive
    with its final name is always complete."""
    connection = connections[alias]
    vendor = _vendor(connection)
    # Personal data: readable by the account that runs the application only.
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    created_at = timezone.now()
    stamp = timezone.localtime(created_at).strftime("%Y%m%d-%H%M%S")
    path = output / f"backup-{stamp}.tar"
    if path.exists():
        raise BackupError(f"{path} exists already.")
    partial = path.with_name(f".{path.name}.partial")
    media_root = Path(settings.MEDIA_ROOT)
    try:
        with tempfile.TemporaryDirectory(dir=output, prefix=".backup-") as work:
            dump = Path(work) / DUMP_NAMES[vendor]
            tables, migrations = DUMPERS[vendor](connection, dump)
            partial.touch(mode=0o600)
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                archive.add(dump, arcname=dump.name)
                checksums = _add_media(archive, media_root, skip=output)
                manifest = Manifest(
                    created_at=created_at.isoformat(),
                    vendor=vendor,
                    tables=tables,
                    media=checksums,
                    migrations=migrations,
                )
                _add_bytes(archive, MANIFEST, manifest.as_json())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path, manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def manifest_read(archive_path: Path) -> Manifest:
    """The manifest of an archive, or a BackupError saying what is wrong with it."""
    if not archive_path.is_file():
        raise BackupError(f"No such archive: {archive_path}")
    try:
        with tarfile.open(archive_path) as archive:
            stream = archive.extractfile(MANIFEST)
            return Manifest.from_json(stream.read())
    except (tarfile.TarError, KeyError, AttributeError, ValueError, TypeError) as exc:
        raise BackupError(f"{archive_path} is not a backup archive ({exc}).") from exc


def target_contents(alias: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """(rows, media files) the configured database and media folder hold now."""
    rows = rows_held(connections[alias])
    files = sum(1 for _ in _media_files(Path(settings.MEDIA_ROOT)))
    return rows, files


def backup_restore(*, archive_path: Path, alias: str = DEFAULT_DB_ALIAS) -> Check:
    """Replace the configured database and media folder by the archive's, then
    check them against its manifest. The caller has asked about a target that
    holds data already."""
    manifest = manifest_read(archive_path)
    connection = connections[alias]
    vendor = _vendor(connection)
    if manifest.vendor != vendor:
        raise BackupError(
            f"This archive holds a {manifest.vendor} database; the configured one is {vendor}."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with (
        tarfile.open(archive_path) as archive,
        tempfile.TemporaryDirectory(dir=archive_path.parent, prefix=".restore-") as work,
    ):
        archive.extract(DUMP_NAMES[vendor], path=work, set_attrs=False, filter="data")
        RESTORERS[vendor](connection, Path(work) / DUMP_NAMES[vendor])
        _restore_media(archive, manifest, media_root)
    return restore_check(manifest, alias=alias)


def restore_check(manifest: Manifest, *, alias: str = DEFAULT_DB_ALIAS) -> Check:
    """The configured database and media folder against `manifest`: the same rows
    in each table, the same migrations, every file with its checksum."""
    connection = connections[alias]
    connection.close()  # a fresh connection, not one from before the restore
    check = Check()
    counts = table_counts(connection)
    for table, expected in sorted(manifest.tables.items()):
        found = counts.get(table)
        if found is None:
            check.mismatches.append(f"table {table}: missing (the backup has {expected} rows)")
        elif found != expected:
            check.mismatches.append(f"table {table}: {found} rows, the backup has {expected}")
    for table in sorted(set(counts) - set(manifest.tables)):
        check.mismatches.append(f"table {table}: not in the backup ({counts[table]} rows)")
    if applied_migrations(connection) != manifest.migrations:
        check.mismatches.append("applied migrations differ from the backup's")
    media_root = Path(settings.MEDIA_ROOT)
    for name, expected in sorted(manifest.media.items()):
        path = _media_target(media_root, name)
        if not path.is_file():
            check.mismatches.append(f"file {name}: missing")
        elif file_sha256(path) != expected:
            check.mismatches.append(f"file {name}: checksum differs from the backup's")
    check.tables = len(manifest.tables)
    check.rows = sum(manifest.tables.values())
    check.files = len(manifest.media)
    executor = MigrationExecutor(connection)
    check.migrations_to_apply = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    return check
