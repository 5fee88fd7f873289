"""Import a folder or a zip of reports (text, Word, PDF): one draft meeting each, never a duplicate."""

import json
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User

from ...archive import import_archive


class Command(BaseCommand):
    help = (
        "Read every report of a folder or a zip (TXT, DOCX, PDF), or one report, and make a draft "
        "meeting of each one not already in Enlace. One line per file, then a total. --dry-run "
        "writes nothing; with --json it prints the JSON of every report instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder or a .zip of reports (or one report).")
        parser.add_argument("--dry-run", action="store_true", help="Write nothing; show what would be imported.")
        parser.add_argument("--json", action="store_true", help="With --dry-run: a JSON list, one entry per file.")
        parser.add_argument("--as", dest="as_email", help="E-mail of the TS member importing (needed to write).")

    def handle(self, *args, path, dry_run=False, json=False, as_email=None, **options):
        user = None
        if not dry_run:
            user = User.objects.filter(email__iexact=as_email or "").first()
            if user is None:
                raise CommandError("Give --as EMAIL: the account of the TS member importing the reports.")
        started = time.perf_counter()
        results = []
        try:
            for result in import_archive(path, acting_user=user, dry_run=dry_run):
                results.append(result)
                if not json:
                    (self.stderr if result.error else self.stdout).write(result.line())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if json:
            self.stdout.write(_dumps([result.as_json() for result in results]))
            return
        made = sum(1 for result in results if result.meeting)
        duplicates = sum(1 for result in results if result.duplicate_of)
        refused = sum(1 for result in results if result.error)
        self.stdout.write(
            f"{len(results)} files: {made} drafts made, {duplicates} already in Enlace, {refused} not read "
            f"({time.perf_counter() - started:.1f} s)."
        )
        if refused:
            # The rest was imported; the exit status says that some files were not, and why.
            raise CommandError("\n".join(result.line() for result in results if result.error))


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
