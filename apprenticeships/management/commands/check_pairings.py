from django.core.management.base import BaseCommand

from apprenticeships.services import pairings_risk_check


class Command(BaseCommand):
    help = (
        "Recompute every pairing's stored at-risk columns (last session, next step due, "
        "at-risk day) from its sessions and plan, fix those that differ and say how many. "
        "Nothing should need fixing: the services keep the columns (nightly on beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the wrong rows without fixing them."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        result = pairings_risk_check(fix=not dry_run)
        self.stdout.write(
            f"{result.checked} pairings checked, {result.wrong} wrong, {result.fixed} fixed."
        )
