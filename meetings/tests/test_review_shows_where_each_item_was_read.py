"""Each agreement and item of an import carries where it was read and how sure the reader is."""

import io
import json

from django.core.management import call_command
from django.urls import reverse

from core.testing import signed_in
from meetings.services import import_report

from .helpers import DATA, DirectoryTestCase

REPORT = DATA / "archive" / "red-2019-ciudad-de-guatemala-es.txt"


class SourcesTest(DirectoryTestCase):
    def test_the_dry_run_gives_each_item_its_paragraphs_and_a_confidence(self):
        out = io.StringIO()
        call_command("import_report", str(REPORT), "--dry-run", "--json", "--sources", stdout=out)
        data = json.loads(out.getvalue())
        first, second, third = data["agreements"][:3]
        self.assertEqual(first["source"], {"lines": [8, 8], "confidence": "high"})
        self.assertEqual(second["items"][1]["source"], {"lines": [11, 11], "confidence": "high"})
        # Paragraphs as read (the hard-wrapped lines put back together); agreement 3 took in an
        # unnumbered paragraph: two paragraphs, to check.
        self.assertEqual(third["source"], {"lines": [12, 13], "confidence": "check"})
        out = io.StringIO()
        call_command("import_report", str(REPORT), "--dry-run", stdout=out)
        self.assertIn("(¶12–13, check)", out.getvalue())

    def test_the_review_page_links_each_item_to_its_source_and_lists_those_to_check_first(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from meetings.importer import parse_file

        parsed = parse_file(SimpleUploadedFile(REPORT.name, REPORT.read_bytes()), directory=self.directory)
        meeting = import_report(parsed, acting_user=self.n.ts, source_name=REPORT.name)
        response = signed_in(self.n.ts).get(reverse("meetings:review", args=[meeting.pk]))
        html = response.content.decode()
        self.assertContains(response, 'id="src-0"')
        third = meeting.reports.get().agreements.get(number="3", letter="")
        self.assertIn(f'<li><a href="#agreement-{third.pk}">3</a></li>', html)
        section = html.split(f'id="agreement-{third.pk}"', 1)[1].split("</li>", 1)[0]
        self.assertIn('class="confidence check"', section)
        source_index = [line for line in meeting.source_text.splitlines() if line.strip()].index(
            third.source_text.split("\n")[0]
        )
        self.assertIn(f'href="#src-{source_index}"', section)
        # The meeting's own points come before those about agreements.
        checks = html.split('<div class="warnings" role="status">', 1)[1].split("</ul>", 1)[0]
        self.assertLess(checks.find("closing lines"), checks.find("joined to 3"))


class ControlCharactersTest(DirectoryTestCase):
    def test_a_soft_line_break_or_a_bell_in_a_text_report_never_reaches_the_record_or_breaks_its_word_file(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from meetings.importer import parse_file

        from .helpers import seed_text

        text = seed_text("en").replace("1. To thank the delegations", "1. To thank\x0bthe\x07 delegations\u202e")
        parsed = parse_file(SimpleUploadedFile("report.txt", text.encode()), directory=self.directory)
        meeting = import_report(parsed, acting_user=self.n.ts, source_name="report.txt")
        first = meeting.reports.get().agreements.get(number="1", letter="")
        self.assertTrue(first.text_en.startswith("To thank the delegations of Canada"))
        response = signed_in(self.n.ts).get(reverse("meetings:report_docx", args=[meeting.pk]), {"working": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK")
