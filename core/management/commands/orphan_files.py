import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from core.attachments import stored_files_unreferenced


class Command(BaseCommand):
    help = (
        "List the stored files no record names (an upload rolled back, a report "
        "attempt that died after storing its file); --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Remove the files listed (default: list only)."
        )
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help="Leave younger files alone: their upload or report may still be committing.",
        )

    def handle(self, *args, delete: bool, min_age_minutes: int, **options):
        orphans = stored_files_unreferenced(older_than=datetime.timedelta(minutes=min_age_minutes))
        size = 0
        for name in orphans:
            size += default_storage.size(name)
            self.stdout.write(name)
            if delete:
                default_storage.delete(name)
        verb = "Deleted" if delete else "Found"
        hint = "" if delete or not orphans else " (run again with --delete to remove them)"
        self.stderr.write(f"{verb} {len(orphans)} orphan files, {size} bytes{hint}.")
