from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Save the database and the media files together into one timestamped archive "
        "(docs/operations.md#backup-and-restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder for the archive (default: backups/ in DJANGO_VAR_DIR).",
        )

    def handle(self, *args, **options):
        output = options["output"] or Path(settings.VAR_DIR) / "backups"
        try:
            path, manifest = backup_create(output=output)
        except (BackupError, DatabaseError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{path}: {manifest.vendor} database, {sum(manifest.tables.values())} rows in "
            f"{len(manifest.tables)} tables, {len(manifest.media)} media files."
        )
