"""Reports Enlace was not written for, of our own making (meetings/tests/data/archive/, see SOURCES.md).

Each report is read as a file — plain text (one paragraph per line, or hard-wrapped), Word, PDF — and
must give its expected JSON (`<name>.expected.json`). The Word and PDF forms are made here from the
text ones, so the same report gives the same JSON whatever its layout. No real report is copied:
these are written in the RCM's style to try what real reports do.

ENLACE_WRITE_EXPECTED=1 writes the expected JSON from what is read, to review by eye before committing.
"""

import contextlib
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.importer import parse_file
from meetings.importer.parser import LETTER_RE, NUMBER_RE
from meetings.importer.reflow import reflow

from .helpers import DATA, DirectoryTestCase, numbered_docx
from .report_files import pdf_with_pages, word_with_header_and_table

ARCHIVE = DATA / "archive"
TEXTS = sorted(path.name for path in ARCHIVE.glob("*.txt"))
WRITE = os.environ.get("ENLACE_WRITE_EXPECTED") == "1"


def word_list(text):
    """A text report as (level, text) rows for a DOCX with Word's own numbering, typed numbers taken out."""
    rows = []
    for line in reflow(text.splitlines()):
        number, letter = NUMBER_RE.match(line), LETTER_RE.match(line)
        if number:
            rows.append((0, number["rest"].strip()))
        elif letter and rows and rows[-1][0] is not None:
            rows.append((1, letter["rest"].strip()))
        else:
            rows.append((None, line.strip()))
    return rows


class ArchiveReportsTest(DirectoryTestCase):
    def read(self, name, content):
        return parse_file(SimpleUploadedFile(name, content), directory=self.directory).as_json()

    def check(self, name, found, expected_name=None):
        path = ARCHIVE / f"{expected_name or name}.expected.json"
        if WRITE and not expected_name:
            path.write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.assertEqual(found, json.loads(path.read_text(encoding="utf-8")), name)

    def test_each_text_report_reads_as_expected(self):
        self.assertGreaterEqual(len(TEXTS), 8)
        for name in TEXTS:
            with self.subTest(name):
                self.check(name, self.read(name, (ARCHIVE / name).read_bytes()))

    def test_a_report_in_word_with_automatic_numbering_reads_as_its_text(self):
        for name in ("red-2008-seguimiento-es.txt", "network-2021-virtual-en.txt"):
            with self.subTest(name):
                content = numbered_docx(word_list((ARCHIVE / name).read_text(encoding="utf-8")))
                self.assertNotIn(b"1. ", content)
                self.check(name, self.read(name.replace(".txt", ".docx"), content), expected_name=name)

    def test_a_word_report_with_a_running_header_and_a_table_reads_as_its_text(self):
        name = "rcgm-2010-conclusions-en.txt"
        content = word_with_header_and_table((ARCHIVE / name).read_text(encoding="utf-8"))
        self.check(name, self.read("conclusions.docx", content), expected_name=name)

    def test_a_pdf_with_page_numbers_and_running_headers_reads_as_its_text(self):
        for name in ("rcgm-2016-conclusions-en.txt", "red-2019-ciudad-de-guatemala-es.txt"):
            with self.subTest(name):
                content = pdf_with_pages(
                    (ARCHIVE / name).read_text(encoding="utf-8"), header="CRM · RCM", lines_per_page=12
                )
                self.check(name, self.read(name.replace(".txt", ".pdf"), content), expected_name=name)


@pytest.mark.skipif(
    not __import__("shutil").which("soffice") and not __import__("shutil").which("libreoffice"),
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)
class LibreOfficePdfTest(DirectoryTestCase):
    """A PDF made by LibreOffice from a Word report (proportional fonts, its own line breaks)."""

    def test_a_pdf_made_by_libreoffice_from_word_reads_as_the_text(self):
        from practices.tests.libreoffice import LibreOffice

        office = LibreOffice()
        try:
            for name in ("red-2008-seguimiento-es.txt", "network-2012-panama-en.txt"):
                with self.subTest(name):
                    docx = numbered_docx(word_list((ARCHIVE / name).read_text(encoding="utf-8")))
                    pdf = office.convert(docx)
                    found = parse_file(SimpleUploadedFile("report.pdf", pdf), directory=self.directory).as_json()
                    expected = json.loads((ARCHIVE / f"{name}.expected.json").read_text(encoding="utf-8"))
                    self.assertEqual(found, expected, name)
        finally:
            office.close()


class AnyTextTest(DirectoryTestCase):
    """Whatever the text, the reader gives a report or a clear refusal: never an exception."""

    def test_generated_texts_with_report_like_lines_never_break_the_reader(self):
        from django.core.exceptions import ValidationError
        from hypothesis import given, settings
        from hypothesis import strategies as st

        from meetings.importer import parse_paragraphs
        from meetings.importer.reflow import reflow

        pieces = st.sampled_from(
            ["1. ", "2) ", "a) ", "- ", "• ", "iv. ", "Agradecer a ", "To thank ", "Guatemala", "la ST enviará ",
             "the TS will ", "15 de enero de 2009", "May 30-31, 2010", ", ", ". ", ":", "Pro-", "(OIM)", "\x0b", " "]
        )  # fmt: skip
        line = st.lists(st.one_of(pieces, st.text(max_size=12)), max_size=12).map("".join)

        @settings(max_examples=60, deadline=None, database=None)
        @given(st.lists(line, max_size=25))
        def check(lines):
            with contextlib.suppress(ValidationError):  # no numbered agreement: refused with a message
                parse_paragraphs(reflow(lines), self.directory)

        check()
