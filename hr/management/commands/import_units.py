from hr.management.commands._import_file import ImportFileCommand


class Command(ImportFileCommand):
    help = "Import org units from an HR spreadsheet: a preview, or with --apply the write."
    kind = "org_units"
