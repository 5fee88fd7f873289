"""Import an HSDS 3.0 data package (folder or zip) or HSDS JSON; all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from directory.hsds.importer import load
from directory.hsds.package import ImportRefused, read_path


class Command(BaseCommand):
    help = "Import HSDS 3.0 data: a folder or zip with datapackage.json and CSV files, or an HSDS JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--language", choices=["es", "en"], default="es", help="Language of texts without translation attributes."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")

    def handle(self, path, language, dry_run, **options):
        try:
            counts = load(read_path(path), lang=language, dry_run=dry_run)
        except ImportRefused as refused:
            raise CommandError(
                "Nothing was imported. Fix these and try again:\n  " + "\n  ".join(refused.errors)
            ) from None
        summary = ", ".join(f"{table}: {number}" for table, number in counts.items() if number)
        verb = "Checked (dry run)" if dry_run else "Imported"
        self.stdout.write(f"{verb}: {summary or 'nothing'}.")
