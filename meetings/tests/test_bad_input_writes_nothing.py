"""Bad input gets a clear message naming what is wrong, and nothing is written."""

import io
import zipfile

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.testing import signed_in
from meetings.models import Agreement, Commitment, Meeting

from .helpers import build_rcm, seed_text


def bomb_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * 50_000_000)
    return buffer.getvalue()


def broken_docx():
    """A zip that looks like a DOCX but holds no document Word could open."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<not-xml")
    return buffer.getvalue()


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "picture.docx": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "not a valid DOCX"),
    "program.docx": (b"MZ" + b"\x00" * 200, "program"),
    "bomb.docx": (bomb_docx(), "bomb"),
    "broken.docx": (broken_docx(), "cannot be read"),
    "latin1.txt": ("Reunión 1. Agradecer".encode("latin-1") + b"\xff\xfe" * 10, "UTF-8"),
    "notes.txt": (
        b"Minutes of a call\nWe talked about the plan.\nNothing was numbered.",
        "No numbered agreement",
    ),
    "report.pdf": (b"%PDF-1.4 fake", "damaged"),
    "report.odt": (b"PK\x03\x04 not an office file", "not accepted"),
}


class BadInputTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def assertNothingWritten(self):
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(Agreement.objects.count(), 0)
        self.assertEqual(Commitment.objects.count(), 0)

    def test_the_command_refuses_each_with_a_clear_message(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            for name, (content, message) in BAD_FILES.items():
                with self.subTest(file=name):
                    path = Path(folder) / name
                    path.write_bytes(content)
                    with self.assertRaisesMessage(CommandError, message):
                        call_command("import_report", str(path), "--as", self.n.ts.email, stdout=io.StringIO())
            with self.assertRaisesMessage(CommandError, "no such file"):
                call_command("import_report", str(Path(folder) / "missing.txt"), "--dry-run", stdout=io.StringIO())
        self.assertNothingWritten()

    def test_the_upload_page_refuses_each_with_a_clear_message(self):
        client = signed_in(self.n.ts)
        for name, (content, message) in BAD_FILES.items():
            with self.subTest(file=name):
                upload = io.BytesIO(content)
                upload.name = name
                response = client.post(reverse("meetings:import"), {"file": upload}, headers={"accept-language": "en"})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
        self.assertNothingWritten()

    def test_a_report_without_a_recognisable_body_asks_for_it(self):
        client = signed_in(self.n.ts)
        text = seed_text("en").replace(
            "LIAISON OFFICER NETWORK FOR THE PROTECTION OF MIGRANT BOYS, GIRLS AND ADOLESCENTS", "WORKING GROUP X"
        )
        text = text.replace(
            "The Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents held", "We held"
        )
        upload = io.BytesIO(text.encode())
        upload.name = "unknown-body.txt"
        response = client.post(reverse("meetings:import"), {"file": upload}, headers={"accept-language": "en"})
        self.assertContains(response, "choose it", status_code=400)
        self.assertNothingWritten()
        upload.seek(0)
        response = client.post(
            reverse("meetings:import"), {"file": upload, "body": self.n.network.pk}, headers={"accept-language": "en"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Meeting.objects.get().body, self.n.network)

    def test_only_the_ts_may_import(self):
        upload = io.BytesIO(seed_text("en").encode())
        upload.name = "seed.txt"
        response = signed_in(self.n.mx_officer).post(reverse("meetings:import"), {"file": upload})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get(reverse("meetings:import")).status_code, 302)
        self.assertNothingWritten()
