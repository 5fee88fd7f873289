"""`import_reports`: a folder or a zip of reports, one draft each, never twice; hostile files refused one by one."""

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import translation

from core.tests.upload_corpus import MINIMAL_PDF, pdf
from meetings.models import Meeting, MeetingStatus

from .helpers import DATA, build_rcm

ARCHIVE = DATA / "archive"


def encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(MINIMAL_PDF)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")  # noqa: S106 - a test file's password
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class ImportReportsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def setUp(self):
        self.enterContext(translation.override("en"))
        self.folder = Path(tempfile.mkdtemp(prefix="enlace-archive-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def run_command(self, *args):
        self.out, self.err = io.StringIO(), io.StringIO()
        call_command("import_reports", *args, stdout=self.out, stderr=self.err)
        return self.out.getvalue(), self.err.getvalue()

    def test_a_folder_of_reports_makes_one_draft_each_and_a_second_run_makes_none(self):
        for path in ARCHIVE.glob("*.txt"):
            shutil.copy(path, self.folder / path.name)
        reports = len(list(self.folder.iterdir()))
        out, err = self.run_command(str(self.folder), "--as", self.n.ts.email)
        self.assertEqual(err, "")
        self.assertEqual(Meeting.objects.filter(status=MeetingStatus.DRAFT).count(), reports)
        self.assertIn(f"{reports} files: {reports} drafts made, 0 already in Enlace, 0 not read", out)
        line = next(line for line in out.splitlines() if line.startswith("red-2019-ciudad-de-guatemala-es.txt"))
        self.assertIn("child-protection · 2019-10-08 · 5 agreements · 2 items · 4 commitments", line)

        out, _err = self.run_command(str(self.folder), "--as", self.n.ts.email)
        self.assertEqual(Meeting.objects.count(), reports)
        self.assertIn(f"{reports} files: 0 drafts made, {reports} already in Enlace", out)

    def test_the_dry_run_writes_nothing_and_prints_each_report_as_json(self):
        archive = self.folder / "archive.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for path in sorted(ARCHIVE.glob("*.txt"))[:3]:
                zipped.write(path, f"reports/{path.name}")
        out, _err = self.run_command(str(archive), "--dry-run", "--json")
        self.assertEqual(Meeting.objects.count(), 0)
        data = json.loads(out)
        self.assertEqual(len(data), 3)
        first = sorted(ARCHIVE.glob("*.txt"))[0]
        expected = json.loads((ARCHIVE / f"{first.name}.expected.json").read_text(encoding="utf-8"))
        self.assertEqual(data[0], {"file": f"reports/{first.name}", **expected, "duplicate_of": None})

    def test_hostile_files_are_refused_one_by_one_and_the_rest_goes_on(self):
        archive = self.folder / "batch.zip"
        good = ARCHIVE / "network-2021-virtual-en.txt"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            zipped.write(good, good.name)
            zipped.writestr("../../etc/escape.txt", "1. To climb out.")
            zipped.writestr("bomb.txt", b"0" * (30 * 1024 * 1024))
            zipped.writestr("scans/scan.pdf", MINIMAL_PDF)
            zipped.writestr("locked.pdf", encrypted_pdf())
            zipped.writestr("pages.pdf", pdf(pages=400))
            zipped.writestr("photo.jpg", b"\xff\xd8\xff not a report")
            zipped.writestr("notes.txt", "Minutes of a call.\nNothing was numbered.\n")
        with self.assertRaises(CommandError) as refused:
            self.run_command(str(archive), "--as", self.n.ts.email)
        out, err = self.out.getvalue(), self.err.getvalue()
        self.assertEqual(Meeting.objects.count(), 1)  # the sound report was imported; the exit status says 7 were not
        self.assertEqual(len(str(refused.exception).splitlines()), 7)
        expected = {
            "../../etc/escape.txt": "leaves the archive's folder",
            "bomb.txt": "compression bomb",
            "scans/scan.pdf": "no text layer",
            "locked.pdf": "password",
            "pages.pdf": "more than 300 pages",
            "photo.jpg": "not a report",
            "notes.txt": "No numbered agreement",
        }
        lines = err.splitlines()
        for name, message in expected.items():
            line = next((line for line in lines if line.startswith(f"{name}:")), "")
            self.assertIn(message, line, name)
            self.assertEqual(line.count(name.rsplit("/", 1)[-1] + ":"), 1, line)  # the file named once
        self.assertIn("8 files: 1 drafts made, 0 already in Enlace, 7 not read", out)

    def test_a_path_that_is_neither_a_folder_nor_a_zip_is_refused_clearly(self):
        bad = self.folder / "reports.rar"
        bad.write_text("not a zip")
        with self.assertRaisesMessage(CommandError, "reports.rar: this type of file is not accepted here"):
            self.run_command(str(bad), "--dry-run")
        broken = self.folder / "reports.zip"
        broken.write_text("not a zip")
        with self.assertRaisesMessage(CommandError, "neither a folder nor a zip"):
            self.run_command(str(broken), "--dry-run")
        with self.assertRaisesMessage(CommandError, "--as EMAIL"):
            self.run_command(str(self.folder))


class ArchivePageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def zipped(self, names, extra=()):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            for name in names:
                zipped.write(ARCHIVE / name, f"archivo/{name}")
            for name, content in extra:
                zipped.writestr(name, content)
        buffer.name = "archivo.zip"
        buffer.seek(0)
        return buffer

    def test_the_ts_uploads_a_zip_and_walks_through_the_drafts_one_by_one(self):
        from django.urls import reverse

        from core.testing import signed_in

        names = ["red-2008-seguimiento-es.txt", "network-2021-virtual-en.txt", "crm-2014-declaracion-es.txt"]
        client = signed_in(self.n.ts)
        response = client.post(
            reverse("meetings:import_archive"),
            {"file": self.zipped(names, [("notes.txt", "Nothing was numbered.\n")])},
            headers={"accept-language": "en"},
        )
        self.assertContains(response, "3 of 4 reports became drafts to review.")
        self.assertContains(response, "No numbered agreement")  # the file that is not a report, and why
        drafts = list(Meeting.objects.filter(status=MeetingStatus.DRAFT).order_by("pk"))
        self.assertEqual(len(drafts), 3)
        for draft in drafts:
            self.assertContains(response, reverse("meetings:review", args=[draft.pk]))
        listing = client.get(reverse("meetings:list"), {"when": "imported"}, headers={"accept-language": "en"})
        self.assertEqual([row.pk for row in listing.context["page"]], [draft.pk for draft in drafts])
        first = client.get(reverse("meetings:review", args=[drafts[0].pk]), headers={"accept-language": "en"})
        self.assertContains(first, f'href="{reverse("meetings:review", args=[drafts[1].pk])}">Next imported draft')
        last = client.get(reverse("meetings:review", args=[drafts[2].pk]), headers={"accept-language": "en"})
        self.assertNotContains(last, "Next imported draft")

    def test_an_officer_may_not_import_the_archive_and_a_non_zip_is_refused(self):
        from django.urls import reverse

        from core.testing import signed_in

        self.assertEqual(signed_in(self.n.mx_officer).get(reverse("meetings:import_archive")).status_code, 403)
        upload = io.BytesIO(b"1. To thank Mexico.\n")
        upload.name = "report.txt"
        response = signed_in(self.n.ts).post(
            reverse("meetings:import_archive"), {"file": upload}, headers={"accept-language": "en"}
        )
        self.assertContains(response, "not accepted here", status_code=400)
        self.assertEqual(Meeting.objects.count(), 0)
