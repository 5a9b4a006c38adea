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

import io
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .database import (
    DUMP_NAMES,
    DUMPERS,
    RESTORERS,
    applied_migrations,
    rows_held,
    table_counts,
    vendor_of,
)
from .manifest import MANIFEST, BackupError, Check, Manifest
from .media import add_media, file_sha256, media_files, media_target, restore_media

__all__ = ["BackupError", "Check", "Manifest", "file_sha256", "table_counts"]


def backup_create(*, output: Path, alias: str = DEFAULT_DB_ALIAS) -> tuple[Path, Manifest]:
    """Write `backup-<local time>.tar` into `output`: the database, the media
    files and their manifest. Written under a temporary name, so an archive
    with its final name is always complete."""
    connection = connections[alias]
    vendor = vendor_of(connection)
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
                checksums = add_media(archive, media_root, skip=output)
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
    try:
        rows = rows_held(connections[alias])
    except OperationalError as exc:
        raise BackupError(
            f"Cannot reach the database to restore into ({str(exc).strip()}). On "
            "PostgreSQL, create it first (createdb)."
        ) from exc
    files = sum(1 for _ in media_files(Path(settings.MEDIA_ROOT)))
    return rows, files


def backup_restore(*, archive_path: Path, alias: str = DEFAULT_DB_ALIAS) -> Check:
    """Replace the configured database and media folder by the archive's, then
    check them against its manifest. Whether a target that holds data may be
    replaced is the caller's question to ask first (`target_contents`)."""
    manifest = manifest_read(archive_path)
    connection = connections[alias]
    vendor = vendor_of(connection)
    if manifest.vendor != vendor:
        raise BackupError(
            f"This archive holds a {manifest.vendor} database; the configured one is {vendor}."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with (
        tarfile.open(archive_path) as archive,
        # In the system's temporary folder (TMPDIR): the archive's may be read-only.
        tempfile.TemporaryDirectory(prefix="restore-") as work,
    ):
        archive.extract(DUMP_NAMES[vendor], path=work, set_attrs=False, filter="data")
        RESTORERS[vendor](connection, Path(work) / DUMP_NAMES[vendor])
        restore_media(archive, manifest, media_root)
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
        path = media_target(media_root, name)
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
