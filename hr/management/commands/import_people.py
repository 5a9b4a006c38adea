from hr.management.commands._import_file import ImportFileCommand


class Command(ImportFileCommand):
    help = "Import people from an HR spreadsheet: a preview, or with --apply the write."
    kind = "people"
