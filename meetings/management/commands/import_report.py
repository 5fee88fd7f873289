"""Import a report (Word, PDF or plain text) as a draft meeting, or only show what would be understood."""

import datetime
import json
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from network.models import Body

from ...duplicates import find_duplicate
from ...importer import parse_file
from ...services import add_translation, import_report


class Command(BaseCommand):
    help = (
        "Read a report of a network or RCGM conclusions (DOCX or UTF-8 text, English or Spanish). "
        "With --dry-run nothing is written; --json prints what was understood."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The report file (.docx or .txt).")
        parser.add_argument("--dry-run", action="store_true", help="Write nothing; show what was understood.")
        parser.add_argument("--json", action="store_true", help="Print what was understood as JSON.")
        parser.add_argument(
            "--sources",
            action="store_true",
            help="With --json: give each agreement and item the paragraphs it was read from and a confidence.",
        )
        parser.add_argument("--as", dest="as_email", help="E-mail of the TS member importing (needed to write).")
        parser.add_argument("--body", help="Slug of the body, when the report does not name it clearly.")
        parser.add_argument("--date", help="The meeting's first day (YYYY-MM-DD), for a report that does not give it.")
        parser.add_argument(
            "--translation-of", type=int, help="Fill the other language of this meeting's draft report instead."
        )

    def handle(self, *args, path, dry_run=False, json=False, as_email=None, body=None, translation_of=None, **options):
        if not os.path.isfile(path):
            raise CommandError(f"{path}: no such file.")
        start_date = None
        if options.get("date"):
            try:
                start_date = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']}: give the date as YYYY-MM-DD, e.g. 2017-11-15.") from None
        with open(path, "rb") as handle:
            try:
                parsed = parse_file(File(handle, name=os.path.basename(path)))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        if start_date is not None:
            if parsed.start_date and parsed.start_date != start_date:
                self.stderr.write(f"The report says {parsed.start_date.isoformat()}; --date {start_date} is used.")
            parsed.start_date = start_date
            pairs = zip(parsed.warnings, parsed.warning_keys, strict=True)
            kept = [pair for pair in pairs if pair[1] != "field:start_date"]
            parsed.warnings = [warning for warning, _key in kept]
            parsed.warning_keys = [key for _warning, key in kept]
        target_body = None
        if body:
            target_body = Body.objects.filter(slug=body).first()
            if target_body is None:
                raise CommandError(f"Unknown body: {body}.")
        duplicate = self._duplicate(parsed, target_body)
        if json:
            data = parsed.as_json(sources=options.get("sources", False))
            self.stdout.write(_dumps({**data, "duplicate_of": duplicate.pk if duplicate else None}))
        elif dry_run:
            self._summary(parsed)
            if duplicate is not None:
                self.stdout.write(f"Seems to be already in Enlace: meeting {duplicate.pk} ({duplicate}).")
        if dry_run:
            return
        user = User.objects.filter(email__iexact=as_email or "").first()
        if user is None:
            raise CommandError("Give --as EMAIL: the account of the TS member importing the report.")
        try:
            if translation_of:
                from ...models import Meeting

                meeting = Meeting.objects.filter(pk=translation_of).first()
                if meeting is None:
                    raise CommandError(f"Unknown meeting: {translation_of}.")
                for warning in add_translation(meeting, parsed, acting_user=user):
                    self.stderr.write(warning)
            else:
                meeting = import_report(parsed, acting_user=user, source_name=os.path.basename(path), body=target_body)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied:
            raise CommandError(f"{user.email} may not import reports: only the Technical Secretariat may.") from None
        if not json:
            self.stdout.write(f"Draft meeting {meeting.pk}: {meeting}")

    def _duplicate(self, parsed, body):
        """The meeting this report seems to repeat (same body and day, or mostly the same agreements)."""
        body = body or (Body.objects.filter(pk=parsed.body_pk).first() if parsed.body_pk else None)
        if body is None:
            return None
        return find_duplicate(parsed, body, parsed.start_date)

    def _summary(self, parsed):
        data = parsed.as_json()
        meeting = data["meeting"]
        self.stdout.write(
            f"{meeting['title']} · {meeting['start_date']} · {meeting['modality']} · body {meeting['body']}"
        )
        self.stdout.write(f"Delegations: {', '.join(data['delegations']) or '—'}")
        where = parsed.sources()

        def source(ref):
            lines = where[ref]["lines"]
            span = (f"¶{lines[0]}" if lines[0] == lines[1] else f"¶{lines[0]}–{lines[1]}") if lines else "¶?"
            return f"{span}, {where[ref]['confidence']}"

        for agreement in data["agreements"]:
            number = agreement["number"]
            self.stdout.write(f"{number}. [{agreement['kind']}] {agreement['text'][:80]} ({source(number)})")
            for item in agreement["items"]:
                ref = number + item["letter"]
                self.stdout.write(f"   {item['letter']}) [{item['kind']}] {item['text'][:76]} ({source(ref)})")
        for commitment in data["commitments"]:
            self.stdout.write(
                f"→ {commitment['ref']}: {', '.join(commitment['actors'])} — {commitment['action'][:80]}"
                + (f" (due {commitment['due']})" if commitment["due"] else "")
            )
        for warning in data["warnings"]:
            self.stdout.write(f"! {warning}")


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
