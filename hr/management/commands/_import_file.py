"""What `import_people` and `import_units` share: read the file, print the
preview, and with --apply write it, synchronously (the first load of a group,
and `seed_demo`)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import OrgUnit, User
from core.history import Via, recording
from hr.planning import PeoplePlan, PeopleWriter, UnitPlan
from hr.reading import open_table


class ImportFileCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="An .xlsx or .csv file (UTF-8 or GB18030).")
        parser.add_argument(
            "--apply", action="store_true", help="Write the valid rows (default: preview only)."
        )
        parser.add_argument(
            "--unit", help="Code of the unit the file covers (default: the whole group)."
        )
        parser.add_argument("--by", help="Employee number recorded as the importer.")
        if self.kind == "people":
            parser.add_argument(
                "--full-roster",
                action="store_true",
                help="People of the unit missing from the file leave (are deactivated).",
            )

    def handle(self, *args, **options):
        try:
            table = open_table(self.kind, options["file"], options["file"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        root = OrgUnit.objects.filter(code=options["unit"]).first() if options["unit"] else None
        if options["unit"] and root is None:
            raise CommandError(f"Unknown unit {options['unit']}.")
        by = User.objects.filter(employee_no=options["by"]).first() if options["by"] else None
        try:
            # Recorded as an import by the person named, like one run by the worker.
            with recording(via=Via.IMPORT, actor=by):
                outcome = self.plan(table, root, by, options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "Applied" if options["apply"] else "Preview (nothing written; --apply writes)"
        counts = ", ".join(f"{key} {value}" for key, value in outcome.counts.items())
        self.stdout.write(f"{verb}: {counts}")
        for row, key, message, _values in outcome.errors[:50]:
            self.stdout.write(f"  row {row} ({key}): {message}")
        if len(outcome.errors) > 50:
            self.stdout.write(f"  … and {len(outcome.errors) - 50} more rows in error")

    def plan(self, table, root, by, options):
        if self.kind == "org_units":
            return UnitPlan(table, root=root, by=by).run(apply=options["apply"])
        root = root or OrgUnit.objects.filter(depth=1).order_by("path").first()
        if root is None:
            raise CommandError("Import the org units first: there is no unit yet.")
        mode = "full_roster" if options.get("full_roster") else "upsert"
        writer = (
            PeopleWriter(by=by, source=f"HR import {options['file']}"[:200], root=root)
            if options["apply"]
            else None
        )
        return PeoplePlan(table, root=root, mode=mode, by=by).run(writer=writer)
