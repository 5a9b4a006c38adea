from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from core.backup import BackupError, backup_restore, manifest_read, target_contents


class Command(BaseCommand):
    help = (
        "Replace the configured database and media folder by a backup archive's, then "
        "check every table's rows and every file's checksum against it. Stop web, "
        "workers and beat first (docs/operations.md#backup-and-restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="A backup-….tar from `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Go ahead even though the database or the media folder holds data.",
        )

    def handle(self, *args, **options):
        archive = options["archive"]
        try:
            manifest = manifest_read(archive)
            rows, files = target_contents()
            if (rows or files) and not options["yes"]:
                raise CommandError(
                    f"The database {connection.settings_dict['NAME']} holds {rows} rows and "
                    f"the media folder {settings.MEDIA_ROOT} {files} files. Restoring replaces "
                    "them with the backup of "
                    f"{manifest.created_at}; run again with --yes to go ahead."
                )
            check = backup_restore(archive_path=archive)
        except (BackupError, DatabaseError) as exc:
            raise CommandError(str(exc)) from exc
        for mismatch in check.mismatches:
            self.stderr.write(mismatch)
        if not check.ok:
            raise CommandError(
                f"The restore does not match the backup: {len(check.mismatches)} differences "
                "(above)."
            )
        self.stdout.write(
            f"Restored {archive}: {check.rows} rows in {check.tables} tables and "
            f"{check.files} files, all as in the backup of {manifest.created_at}."
        )
        if check.migrations_to_apply:
            self.stdout.write(
                f"{check.migrations_to_apply} migrations of this release are not applied "
                "yet: run `manage.py migrate`."
            )
