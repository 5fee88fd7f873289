"""Every Word document looks official and stays editable in Word; every one is also a PDF.

Read back with python-docx and the document's XML: each section's header names the body or the
network (with the logo once the TS uploads one), the footer says "Page X of Y" with Word's PAGE and
NUMPAGES fields, the properties give title, author (the body or the Technical Secretariat, never
"python-docx") and language, headings use Word's heading styles, and a report's agreements use a
Word numbering definition ("1.", "a)"), not typed numbers. Each converts to PDF with LibreOffice
(skipped, saying why, where LibreOffice is absent; CI installs it and forbids skips); without
LibreOffice the PDF link answers a 503 page in both languages.
"""

import io
import struct
import zlib

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from docx.oxml.ns import qn

from core import pdf
from core.models import DocumentSettings
from core.testing import signed_in
from core.tests.documents_world import WORD_DOCUMENTS, build_world, fetch, signed_in_as
from practices.tests.helpers import TemporaryMedia

NAMES = {"en": ("Child protection network", "Technical Secretariat"), "es": ("Red de protección", "Secretaría Técnica")}
LANGUAGE_TAGS = {"en": "en-GB", "es": "es-ES"}


def png(width=4, height=2):
    """A small, valid PNG image (red pixels)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xcc\x00\x00" * width for _row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def field_codes(part):
    return [node.text.strip() for node in part._element.iter(qn("w:instrText"))]


def pdf_address(doc, n, lang, working=False):
    return doc.address(n, lang, working).replace(".docx", ".pdf").replace("format=docx", "format=pdf")


class EveryWordDocumentLooksOfficial(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()

    def documents(self, lang):
        """(name, bytes) of every Word document in `lang`, and of a draft report (the TS's working copy)."""
        ts = signed_in_as(self.n, "ts")
        found = []
        for doc in WORD_DOCUMENTS:
            response = fetch(ts, doc, self.n, lang)
            self.assertEqual(response.status_code, 200, doc.name)
            found.append((doc.name, response.content))
        draft = ts.get(reverse("meetings:report_docx", args=[self.n.draft_meeting.pk]), {"lang": lang})
        found.append(("draft report", draft.content))
        return found

    def test_header_footer_properties_and_headings(self):
        for lang in ("es", "en"):
            network, secretariat = NAMES[lang]
            for name, content in self.documents(lang):
                with self.subTest(document=name, lang=lang):
                    document = docx.Document(io.BytesIO(content))
                    for section in document.sections:
                        self.assertIn(network, section.header.paragraphs[0].text)
                        self.assertEqual(field_codes(section.footer), ["PAGE", "NUMPAGES"])
                        footer = section.footer.paragraphs[0].text
                        self.assertEqual(footer, "Page 1 of 1" if lang == "en" else "Página 1 de 1")
                    properties = document.core_properties
                    self.assertTrue(properties.title)
                    self.assertTrue(properties.author.startswith((network, secretariat)), properties.author)
                    self.assertEqual(properties.language, LANGUAGE_TAGS[lang])
                    self.assertNotIn("python-docx", (properties.author, properties.last_modified_by))
                    styles = {p.style.name for p in document.paragraphs}
                    self.assertTrue(any(style.startswith(("Heading", "Title")) for style in styles), styles)
                    defaults = document.styles.element.find(qn("w:docDefaults"))
                    self.assertEqual(defaults.find(f".//{qn('w:lang')}").get(qn("w:val")), LANGUAGE_TAGS[lang])

    def test_the_reports_agreements_use_word_numbering(self):
        response = fetch(signed_in_as(self.n, "ts"), WORD_DOCUMENTS[0], self.n, "en")
        document = docx.Document(io.BytesIO(response.content))
        numbered = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
        self.assertEqual(
            [(p._p.pPr.numPr.ilvl.val, p.text[:20]) for p in numbered],
            [
                (0, "To thank the delegat"),
                (0, "To recommend a Delta"),
                (0, "Regarding the Delta "),
                (1, "The secretariat will"),
            ],
        )
        num_id = {p._p.pPr.numPr.numId.val for p in numbered}
        self.assertEqual(len(num_id), 1)
        numbering = document.part.numbering_part.element
        instance = next(n for n in numbering.findall(qn("w:num")) if int(n.get(qn("w:numId"))) in num_id)
        abstract_id = instance.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstracts = numbering.findall(qn("w:abstractNum"))
        abstract = next(a for a in abstracts if a.get(qn("w:abstractNumId")) == abstract_id)

        def value(level, tag):
            return level.find(qn(tag)).get(qn("w:val"))

        levels = {}
        for level in abstract.findall(qn("w:lvl")):
            levels[level.get(qn("w:ilvl"))] = (value(level, "w:numFmt"), value(level, "w:lvlText"))
        self.assertEqual(levels, {"0": ("decimal", "%1."), "1": ("lowerLetter", "%2)")})

    def test_the_ts_logo_goes_in_every_documents_header(self):
        for name, content in self.documents("en"):
            with self.subTest(document=name, logo=False):
                header_xml = [docx.Document(io.BytesIO(content)).sections[0].header._element.xml]
                self.assertNotIn("a:blip", header_xml[0])
        page = signed_in(self.n.ts).post(
            reverse("core:document_settings"),
            {"logo": SimpleUploadedFile("logo.png", png()), "circular_reference": "CRM/ST/{year}/{seq:03}"},
        )
        self.assertEqual(page.status_code, 302)
        self.assertTrue(DocumentSettings.current().logo)
        for name, content in self.documents("en"):
            with self.subTest(document=name, logo=True):
                for section in docx.Document(io.BytesIO(content)).sections:
                    self.assertIn("a:blip", section.header._element.xml)
                    self.assertIn("Child protection network", section.header.paragraphs[0].text)
        self.assertEqual(self.client.get(reverse("core:document_logo"))["Content-Type"], "image/png")


class TheDocumentSettingsAreTheTSs(TestCase):
    @classmethod
    def setUpTestData(cls):
        from core.testing import build_network

        cls.n = build_network()

    def post(self, user, **data):
        data.setdefault("circular_reference", "CRM/ST/{year}/{seq:03}")
        return signed_in(user).post(reverse("core:document_settings"), data, headers={"accept-language": "en"})

    def test_only_the_ts_changes_them(self):
        self.assertEqual(signed_in(self.n.gt_officer).get(reverse("core:document_settings")).status_code, 403)
        self.assertEqual(self.post(self.n.gt_officer, circular_reference="X/{year}/{seq}").status_code, 403)
        self.assertEqual(self.client.get(reverse("core:document_settings")).status_code, 302)
        self.assertEqual(DocumentSettings.current().circular_reference, "CRM/ST/{year}/{seq:03}")

    def test_a_bad_logo_or_pattern_is_refused_with_its_reason_and_nothing_is_saved(self):
        cases = [
            ({"logo": SimpleUploadedFile("logo.png", b"not an image at all")}, "not a valid PNG file"),
            ({"logo": SimpleUploadedFile("logo.gif", b"GIF89a" + b"\x00" * 20)}, "not accepted here"),
            ({"logo": SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)}, "cannot be read"),
            ({"circular_reference": "CRM/{year}"}, "must hold {year} and {seq}"),
            ({"circular_reference": "CRM/{year}/{seq}/{country}"}, "remove: {country}"),
            ({"circular_reference": "CRM/{year}/{seq:zz}"}, "Write {seq} or {seq:03}"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                response = self.post(self.n.ts, **data)
                self.assertContains(response, message, status_code=400)
                row = DocumentSettings.current()
                self.assertFalse(row.logo)
                self.assertEqual(row.circular_reference, "CRM/ST/{year}/{seq:03}")

    def test_the_ts_sets_the_pattern_and_sees_the_next_number(self):
        response = self.post(self.n.ts, circular_reference="RED/{year}-{seq:04}")
        self.assertEqual(response.status_code, 302)
        page = signed_in(self.n.ts).get(reverse("core:document_settings"), headers={"accept-language": "en"})
        self.assertContains(page, "RED/")
        self.assertContains(page, "-0001")


@override_settings(LIBREOFFICE="/nonexistent/soffice")
class WithoutLibreOfficeThePdfLinkSaysSo(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()

    def test_a_503_page_in_both_languages_points_to_the_docx(self):
        doc = WORD_DOCUMENTS[0]
        response = signed_in_as(self.n, "ts").get(pdf_address(doc, self.n, "en"))
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "The PDF cannot be made now", status_code=503)
        self.assertContains(response, "El PDF no se puede generar ahora", status_code=503)
        self.assertContains(response, "report.docx?lang=en", status_code=503)


class EveryWordDocumentIsAlsoAPdf(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()

    def setUp(self):
        if not pdf.available():
            print("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): PDFs not checked")
            pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")

    def pages(self, response):
        from pypdf import PdfReader

        self.assertEqual(response.status_code, 200, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        return [page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages]

    def test_each_converts_with_page_numbers_and_a_working_copy_says_draft_on_every_page(self):
        ts = signed_in_as(self.n, "ts")
        for doc in WORD_DOCUMENTS:
            with self.subTest(document=doc.name):
                response = ts.get(pdf_address(doc, self.n, "en"))
                self.assertIn(".pdf", response["Content-Disposition"])
                pages = self.pages(response)
                for number, text in enumerate(pages, start=1):
                    self.assertIn(f"Page {number} of {len(pages)}", text)
                    self.assertIn("Child protection network", text)
                    self.assertNotIn("DRAFT", text)
        pack = next(doc for doc in WORD_DOCUMENTS if doc.name == "RCGM pack")
        response = ts.get(pdf_address(pack, self.n, "es", working=True))
        self.assertIn("-borrador.pdf", response["Content-Disposition"])
        pages = self.pages(response)
        for number, text in enumerate(pages, start=1):
            self.assertIn("BORRADOR — copia de trabajo", text)
            self.assertIn(f"Página {number} de {len(pages)}", text)
