"""Import an HSDS 3.0 data package (folder or zip) or HSDS JSON.

By default every sound record is imported and the rest repaired or skipped, one reason per row;
`--strict` imports all or nothing. A second import of the same package updates the same records.
"""

from django.core.management.base import BaseCommand, CommandError

from directory.hsds.importer import load
from directory.hsds.lenient import ImportReport, load_leniently
from directory.hsds.package import ImportRefused, read_path


class Command(BaseCommand):
    help = "Import HSDS 3.0 data: a folder or zip with datapackage.json and CSV files, or an HSDS JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--language", choices=["es", "en"], default="es", help="Language of texts without translation attributes."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument(
            "--strict", action="store_true", help="All or nothing: refuse the whole package if any row is at fault."
        )

    def handle(self, path, language, dry_run, strict, **options):
        try:
            raw = read_path(path)
            if strict:
                report = ImportReport(load(raw, lang=language, dry_run=dry_run))
            else:
                report = load_leniently(raw, lang=language, dry_run=dry_run)
        except ImportRefused as refused:
            raise CommandError(
                "Nothing was imported. Fix these and try again:\n  " + "\n  ".join(refused.errors)
            ) from None
        summary = ", ".join(f"{table}: {number}" for table, number in report.counts.items() if number)
        verb = "Checked (dry run)" if dry_run else "Imported"
        self.stdout.write(f"{verb}: {summary or 'nothing'}.")
        for title, items in (("Repaired", report.repaired), ("Skipped", report.skipped)):
            if items:
                tally = ", ".join(f"{table}: {number}" for table, number in report.by_table(items).items())
                self.stdout.write(f"{title}: {tally}.")
                for _table, where, reason in items:
                    self.stdout.write(f"  {where}: {reason}")
