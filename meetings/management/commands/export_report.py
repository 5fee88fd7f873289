"""Export a meeting's report (the approved version, or --version N) as a DOCX in the official layout."""

from django.core.management.base import BaseCommand, CommandError

from ... import exports, queries
from ...models import Meeting, ReportStatus


class Command(BaseCommand):
    help = "Write a meeting's report as DOCX in the RCM's official layout, in Spanish or English."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("--lang", choices=["es", "en"], default="es")
        parser.add_argument("--output", required=True, help="The DOCX file to write.")
        parser.add_argument(
            "--report-version", dest="number", type=int, help="A version number (default: the approved one)."
        )

    def handle(self, *args, meeting_id, lang, output, number=None, **options):
        meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"Unknown meeting: {meeting_id}.")
        versions = meeting.reports.all()
        if number is not None:
            version = versions.filter(number=number).first()
        else:
            version = versions.filter(status=ReportStatus.APPROVED).first()
        if version is None:
            raise CommandError("This meeting has no approved report (or no such version); give --report-version N.")
        content = exports.report_docx(meeting, version, lang, queries.agreement_tree(version))
        with open(output, "wb") as handle:
            handle.write(content)
        self.stdout.write(f"Wrote {output} ({len(content)} bytes): {meeting}, version {version.number}, {lang}.")
