from django.core.management.base import BaseCommand, CommandError

from accounts.models import OrgUnit
from reports.snapshots import dashboard_snapshots_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every kept dashboard snapshot from the records, or with --unit and "
        "--year build that one (reports/snapshots.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="The code of an org unit: build its snapshot.")
        parser.add_argument("--year", type=int, help="The year of that snapshot.")

    def handle(self, *args, unit=None, year=None, **options):
        if (unit is None) != (year is None):
            raise CommandError("--unit and --year go together.")
        org_unit = None
        if unit is not None:
            org_unit = OrgUnit.objects.filter(code=unit).first()
            if org_unit is None:
                raise CommandError(f"No org unit has the code {unit}.")
            if not 2000 <= year <= 2100:
                raise CommandError("The year lies between 2000 and 2100.")
        counts = dashboard_snapshots_rebuild(unit=org_unit, year=year)
        self.stdout.write(
            f"{counts['fresh']} fresh, {counts['stale']} changed again meanwhile "
            f"(stale), {counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError("Some snapshots could not be computed: see the log.")
