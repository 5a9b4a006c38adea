import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import autodiscover_modules

from core import demo
from core.history import not_recorded
from core.signals import records_changed


class Command(BaseCommand):
    help = "Load the demo organisation, people and records (idempotent; never in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed when the database holds no people yet (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, verbosity: int = 1, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled in these settings (DEMO_DATA_ALLOWED).")
        autodiscover_modules("demo")
        # Notes written by services (status history) are stored in the office's
        # language, as if a Chinese-speaking official had done the work.
        with translation.override(settings.LANGUAGE_CODE):
            self._seed(if_empty, verbosity)
        for line in demo.summary_lines():
            self.stdout.write(line)

    def _seed(self, if_empty: bool, verbosity: int) -> None:
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Database already has data; demo seeding skipped.")
            return
        started = time.monotonic()
        for step in demo.seeders():
            if verbosity:
                # One line per step: its name while it runs, its time when done.
                self.stdout.write(f"Seeding {step.name} …", ending="")
                self.stdout.flush()
            step_started = time.monotonic()
            # The demo's records are where the product starts, not changes
            # anybody made: no history for them (a demo visitor's own edits have it).
            with transaction.atomic(), not_recorded():
                # The step's records count on the dashboard: its snapshots are
                # marked stale once, when the step commits, not once per row
                # (and the rows written in bulk are covered too).
                records_changed.send(sender=Command, unit_ids=None, rest_of_transaction=True)
                step.seed()
            if verbosity:
                self.stdout.write(f" {time.monotonic() - step_started:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is in place ({time.monotonic() - started:.0f} s).")
        )
