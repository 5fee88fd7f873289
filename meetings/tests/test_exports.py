"""The approved report as DOCX in the official layout, re-imported to the same structure; the RCGM pack."""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.testing import signed_in
from meetings import exports, queries, services
from meetings.importer import Directory, parse_file
from meetings.importer.text import clean_paragraph

from .helpers import build_rcm, commitment, import_seed, seed_text


def structure(parsed):
    return [(a.number, a.kind, [(i.letter, i.kind) for i in a.items]) for a in parsed.agreements]


def paragraphs(content):
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs if p.text.strip()]


def as_read(content):
    """The paragraphs as a reader sees them: Word's numbers ("1.", "a)") in front, as our importer reads them."""
    from meetings.importer.reading import docx_paragraphs

    return docx_paragraphs(content)


class ReportDocxTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.version = cls.meeting.reports.get()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def export(self, lang):
        return exports.report_docx(self.meeting, self.version, lang)

    def test_exporting_and_importing_again_gives_the_same_agreements_items_and_kinds(self):
        directory = Directory.load()
        original = parse_file(SimpleUploadedFile("seed.txt", seed_text("en").encode()), directory=directory)
        for lang in ("en", "es"):
            with self.subTest(lang=lang):
                again = parse_file(SimpleUploadedFile(f"report-{lang}.docx", self.export(lang)), directory=directory)
                self.assertEqual(again.language, lang)
                self.assertEqual(structure(again), structure(original))
                self.assertEqual(
                    [(c.ref, [a.code for a in c.actors], c.due) for c in again.commitments],
                    [(c.ref, [a.code for a in c.actors], c.due) for c in original.commitments],
                )
                self.assertEqual(again.start_date, original.start_date)
                self.assertEqual(again.delegations, original.delegations)
                self.assertEqual(again.body, "child-protection")

    def test_the_layout_is_the_seed_reports(self):
        seed = [clean_paragraph(line) for line in seed_text("en").splitlines() if clean_paragraph(line)]
        exported = [clean_paragraph(p) for p in as_read(self.export("en"))]
        # Title block: meeting of the body, report of the body, the title, the date — as in the seed.
        self.assertEqual(exported[:4], seed[:4])
        # Participants paragraph and submission line.
        self.assertEqual(exported[4], seed[4])
        self.assertEqual(exported[5], seed[5])
        # Numbered agreements and lettered sub-items, in the seed's order and numbering.
        labels = [p.split(" ", 1)[0] for p in exported[6:]]
        seed_labels = [p.split(" ", 1)[0] for p in seed[6:]]
        self.assertEqual(labels, seed_labels)
        self.assertEqual(labels[:3], ["1.", "2.", "a)"])
        document = docx.Document(io.BytesIO(self.export("en")))
        title = document.paragraphs[0]
        self.assertTrue(all(run.bold for run in title.runs))
        self.assertEqual(title.alignment, 1)  # centred
        # The numbers are Word's own: a numbering definition, "1." at level 0 and "a)" at level 1.
        numbered = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
        self.assertEqual(len(numbered), len(seed_labels))
        self.assertFalse(any(p.text[:3].strip() in ("1.", "2.", "a)") for p in numbered))
        levels = [p._p.pPr.numPr.ilvl.val for p in numbered]
        self.assertEqual(levels[:3], [0, 0, 1])

    def test_the_spanish_layout(self):
        exported = as_read(self.export("es"))
        network = "RED DE FUNCIONARIOS DE ENLACE PARA LA PROTECCIÓN DE NIÑAS, NIÑOS Y ADOLESCENTES MIGRANTES"
        self.assertEqual(
            exported[:4],
            [f"REUNIÓN DE LA {network}", f"INFORME DE LA {network}", "I Reunión Virtual", "15 de noviembre de 2017"],
        )
        self.assertTrue(exported[6].startswith("1. Agradecer a las delegaciones"))

    def test_a_missing_translation_says_so(self):
        draft = services.start_correction(self.meeting, acting_user=self.n.ts)
        services.add_agreement(draft, acting_user=self.n.ts, kind="thanks", text_en="To thank Belize.")
        content = exports.report_docx(self.meeting, draft, "es")
        read = as_read(content)
        self.assertIn("9. To thank Belize. (solo en inglés)", read)
        # Said once more at the end: how many texts have no translation.
        self.assertEqual(
            read[-1],
            "1 texto aún no tiene traducción: aparece en el idioma en que se escribió, marcado (solo en inglés).",
        )

    def test_the_export_command(self):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / "informe.docx"
            call_command(
                "export_report", str(self.meeting.pk), "--lang", "es", "--output", str(output), stdout=io.StringIO()
            )
            self.assertEqual(paragraphs(output.read_bytes())[2], "I Reunión Virtual")
            with self.assertRaisesMessage(CommandError, "Unknown meeting"):
                call_command("export_report", "999999", "--output", str(output), stdout=io.StringIO())

    def test_the_page_downloads_and_prints(self):
        client = signed_in(self.n.gt_officer)
        response = client.get(reverse("meetings:report_docx", args=[self.meeting.pk]), {"lang": "en"})
        self.assertEqual(response["Content-Type"], exports.DOCX_TYPE)
        self.assertEqual(paragraphs(response.content)[2], "I Virtual Meeting")
        printed = client.get(reverse("meetings:report_print", args=[self.meeting.pk]), {"lang": "es"})
        self.assertContains(printed, "15 de noviembre de 2017")
        self.assertContains(printed, "Recomendar al GRCM la aprobación")


class RcgmPackTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.rcgm_meeting = services.create_meeting(
            acting_user=cls.n.ts, body=cls.n.rcgm, title_en="XXIII RCGM meeting", start_date=cls.meeting.start_date
        )
        seven = cls.meeting.reports.get().agreements.get(number="7")
        services.record_rcgm_decision(seven, acting_user=cls.n.ts, decision="approved", rcgm_meeting=cls.rcgm_meeting)
        services.change_commitment_status(commitment(cls.meeting, "3"), "done", acting_user=cls.n.ts)

    def pack(self, lang="en", user=None):
        start, end = self.meeting.start_date.replace(month=1, day=1), self.meeting.start_date.replace(month=12, day=31)
        return exports.rcgm_pack_docx(user or self.n.ts, self.n.network, start, end, lang)

    def test_it_holds_every_recommendation_with_its_decision_and_every_commitment_with_its_status(self):
        document = docx.Document(io.BytesIO(self.pack()))
        recommendations, commitments = document.tables
        rows = [[cell.text for cell in row.cells] for row in recommendations.rows[1:]]
        self.assertEqual([(r[1], r[3]) for r in rows], [("7", "Approved"), ("8", "Pending")])
        self.assertEqual(rows[0][4], "XXIII RCGM meeting")
        rows = [[cell.text for cell in row.cells] for row in commitments.rows[1:]]
        self.assertEqual(len(rows), 9)
        statuses = {r[1] + r[2]: r[5] for r in rows}
        self.assertEqual(statuses["3TS"], "Done")
        self.assertTrue(statuses["8TS"].startswith("Pending"))

    def test_the_page_needs_a_member_and_a_valid_period(self):
        url = reverse("meetings:pack")
        query = {"body": self.n.network.slug, "start": "2017-01-01", "end": "2017-12-31", "lang": "es"}
        self.assertEqual(self.client.get(url, query).status_code, 302)
        self.assertEqual(signed_in(self.n.outsider).get(url, query).status_code, 403)
        response = signed_in(self.n.gt_officer).get(url, query)
        self.assertEqual(response["Content-Type"], exports.DOCX_TYPE)
        bad = signed_in(self.n.gt_officer).get(url, {**query, "end": "2016-01-01"}, headers={"accept-language": "en"})
        self.assertContains(bad, "must end after it starts", status_code=400)


def _libreoffice():
    return shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    not _libreoffice(), reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
)
class LibreOfficeOpensTheDocumentsTest(TestCase):
    """The report and the pack convert to PDF with headless LibreOffice: Word-compatible files, not just zips."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def convert(self, content, name):
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / name
            source.write_bytes(content)
            profile = Path(folder) / "profile"
            result = subprocess.run(  # noqa: S603 - fixed arguments, our own file
                [
                    _libreoffice(),
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                capture_output=True,
                timeout=180,
                env={**os.environ, "HOME": folder},
            )
            pdf = source.with_suffix(".pdf")
            self.assertTrue(
                pdf.exists(), result.stderr.decode(errors="replace") + result.stdout.decode(errors="replace")
            )
            data = pdf.read_bytes()
        self.assertTrue(data.startswith(b"%PDF-"))
        self.assertGreater(len(data), 2000)
        return data

    def test_the_report_and_the_pack_convert_to_pdf(self):
        version = self.meeting.reports.get()
        self.convert(exports.report_docx(self.meeting, version, "es", queries.agreement_tree(version)), "report.docx")
        start, end = self.meeting.start_date.replace(month=1, day=1), self.meeting.start_date.replace(month=12, day=31)
        self.convert(exports.rcgm_pack_docx(self.n.ts, self.n.network, start, end, "en"), "pack.docx")
