"""Documents hold approved content only, whoever downloads them; the TS's working copy says what is not.

Each document is downloaded by the TS, by a network member and anonymously (where the public may
have it): approved content is in it ("Alfa"/"Alpha", "Delta", Honduras's validated column), and
nothing unapproved ("Bravo", Panama's submitted column). The TS's working copy (?working=1) adds
the unapproved parts, each with its status in words; every page carries the draft mark (Word: each
section's header; Excel: each sheet's first row and print header) and the file name says draft.
Anyone else asking for a working copy is refused. A draft report never leaves without the mark.
"""

import io
import re

import docx
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from core.testing import signed_in
from core.tests.documents_world import DOCUMENTS, build_world, fetch, signed_in_as, text_of

# For each document with content to approve: what approved content it shows, what unapproved content
# it must not show, and (in English) how its working copy words each unapproved part.
EXPECTED = {
    "meeting report": (["Delta", "Alpha"], []),
    "meeting report print page": (["Delta", "Alpha"], []),
    "RCGM pack": (
        ["Delta", "Alpha"],
        [
            "To recommend a Bravo course to the regional group. [Draft — not approved]",
            "Prepare the Bravo course. [Draft report — not approved]",
        ],
    ),
    "comparison workbook": (["Honduras"], ["Panama [Submitted — not approved]"]),
    "comparison report": (["Honduras"], ["Panama [Submitted — not approved]"]),
    "plan report": (["Honduras"], ["Guatemala [Submitted — not approved]", "Bravo"]),
    "plan workbook": (["Honduras"], ["Guatemala [Submitted — not approved]", "Bravo"]),
    "compiled answers to a call": (["Alpha foster families"], ["Bravo foster families [Submitted — not approved]"]),
    "compilation": (["Alpha foster families"], ["Bravo foster families [Submitted — not approved]"]),
}
# What no default document may hold: the unapproved content, or any part said to be not approved.
UNAPPROVED = re.compile(r"Bravo|— not approved\]|— sin aprobar\]")
# Panama's column is submitted, not validated: no comparison document names Panama by default.
UNAPPROVED_COLUMN = re.compile(r"Panam")
DRAFT_LINE = {"en": "DRAFT — working copy: it includes content that is not approved.", "es": "BORRADOR — copia"}


def word_headers(content):
    """The text of each section's header, as python-docx reads it."""
    document = docx.Document(io.BytesIO(content))
    return ["\n".join(p.text for p in section.header.paragraphs) for section in document.sections]


def sheet_marks(content):
    """For each sheet: (its first cell, its print header's centre)."""
    book = load_workbook(io.BytesIO(content))
    return [(sheet["A1"].value, sheet.oddHeader.center.text) for sheet in book.worksheets]


class DocumentsHoldApprovedContentOnly(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()

    def readers(self, doc):
        readers = [("ts", signed_in_as(self.n, "ts")), ("member", signed_in_as(self.n, doc.member))]
        if doc.public:
            readers.append(("anonymous", self.client))
        return readers

    def test_each_reader_gets_the_approved_content_and_nothing_else(self):
        for doc in DOCUMENTS:
            if doc.name not in EXPECTED:
                continue
            shown, _hidden = EXPECTED[doc.name]
            for who, client in self.readers(doc):
                with self.subTest(document=doc.name, reader=who):
                    response = fetch(client, doc, self.n, "en")
                    self.assertEqual(response.status_code, 200)
                    text = text_of(doc.kind, response.content)
                    for words in shown:
                        self.assertIn(words, text)
                    self.assertIsNone(UNAPPROVED.search(text), text)
                    if doc.name.startswith("comparison"):
                        self.assertIsNone(UNAPPROVED_COLUMN.search(text), text)
                    self.assertNotIn("DRAFT", text)
                    if doc.kind != "html":
                        self.assertNotIn("draft", response["Content-Disposition"])

    def test_the_working_copy_marks_each_unapproved_part_and_every_page_and_its_name_says_draft(self):
        for doc in DOCUMENTS:
            if doc.name not in EXPECTED or doc.kind == "html":
                continue
            _shown, marked = EXPECTED[doc.name]
            for lang, suffix in (("en", "-draft"), ("es", "-borrador")):
                with self.subTest(document=doc.name, lang=lang):
                    response = fetch(signed_in_as(self.n, "ts"), doc, self.n, lang, working=True)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(f"{suffix}.{doc.kind}", response["Content-Disposition"])
                    if lang == "en":
                        text = text_of(doc.kind, response.content)
                        for words in marked:
                            self.assertIn(words, text)
                    if doc.kind == "docx":
                        headers = word_headers(response.content)
                        self.assertTrue(headers)
                        for header in headers:
                            self.assertIn(DRAFT_LINE[lang], header)
                    else:
                        for first_cell, print_header in sheet_marks(response.content):
                            self.assertTrue(first_cell.startswith(DRAFT_LINE[lang]), first_cell)
                            self.assertEqual(print_header, "DRAFT" if lang == "en" else "BORRADOR")

    def test_only_the_ts_may_ask_for_a_working_copy(self):
        for doc in DOCUMENTS:
            if doc.name not in EXPECTED:
                continue
            with self.subTest(document=doc.name):
                member = fetch(signed_in_as(self.n, doc.member), doc, self.n, "en", working=True)
                self.assertEqual(member.status_code, 403)
                if doc.public:
                    self.assertEqual(fetch(self.client, doc, self.n, "en", working=True).status_code, 403)

    def test_the_working_copy_link_is_offered_to_the_ts_only(self):
        pages = [
            reverse("comparisons:matrix", args=[self.n.analysis.pk, self.n.round.number]),
            reverse("practices:compilation", args=[self.n.compilation.pk]),
            reverse("practices:call", args=[self.n.call.pk]),
            reverse("meetings:detail", args=[self.n.draft_meeting.pk]),
            reverse("meetings:pack"),
        ]
        for page in pages:
            with self.subTest(page=page):
                ts = signed_in(self.n.ts).get(page, headers={"accept-language": "en"})
                self.assertContains(ts, "Working copy (includes unapproved content)")
                member = signed_in(self.n.gt_officer).get(page, headers={"accept-language": "en"})
                self.assertNotContains(member, "Working copy")
                self.assertNotContains(member, "working=1")


class ADraftReportAlwaysCarriesTheMark(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()

    def test_the_ts_downloads_and_prints_a_draft_report_only_with_the_draft_mark(self):
        meeting = self.n.draft_meeting
        ts = signed_in(self.n.ts)
        for query in ("?lang=en", "?lang=en&working=1", f"?lang=en&version={self.n.draft_version.number}"):
            with self.subTest(query=query):
                response = ts.get(reverse("meetings:report_docx", args=[meeting.pk]) + query)
                self.assertEqual(response.status_code, 200)
                self.assertIn("-draft.docx", response["Content-Disposition"])
                for header in word_headers(response.content):
                    self.assertIn(DRAFT_LINE["en"], header)
                self.assertIn("[Draft — not approved]", text_of("docx", response.content))
                document = docx.Document(io.BytesIO(response.content))
                self.assertEqual(document.core_properties.content_status, "DRAFT")
                printed = ts.get(reverse("meetings:report_print", args=[meeting.pk]) + query)
                self.assertContains(printed, f'<p class="draft-mark" role="note">{DRAFT_LINE["en"]}</p>', html=True)
                self.assertContains(printed, 'data-draft="DRAFT"')
                self.assertContains(printed, "[Draft — not approved]")

    def test_nobody_else_gets_a_draft_report_in_any_form(self):
        meeting = self.n.draft_meeting
        for client in (signed_in(self.n.gt_officer), self.client):
            for name in ("meetings:report_docx", "meetings:report_pdf", "meetings:report_print"):
                with self.subTest(url=name):
                    response = client.get(reverse(name, args=[meeting.pk]), {"lang": "en"})
                    self.assertEqual(response.status_code, 404)
                    response = client.get(
                        reverse(name, args=[meeting.pk]), {"lang": "en", "version": self.n.draft_version.number}
                    )
                    self.assertEqual(response.status_code, 404)

    def test_a_correction_in_progress_stays_out_until_approved(self):
        from meetings import services

        correction = services.start_correction(self.n.meeting, acting_user=self.n.ts)
        services.add_agreement(
            correction, acting_user=self.n.ts, kind="thanks", text_es="Agradecer Bravo.", text_en="To thank Bravo."
        )
        url = reverse("meetings:report_docx", args=[self.n.meeting.pk])
        for client in (signed_in(self.n.ts), signed_in(self.n.gt_officer), self.client):
            text = text_of("docx", client.get(url, {"lang": "en"}).content)
            self.assertIn("Delta", text)
            self.assertNotIn("Bravo", text)
        working = signed_in(self.n.ts).get(url, {"lang": "en", "working": "1"})
        self.assertIn("To thank Bravo.", text_of("docx", working.content))
        self.assertIn("-draft.docx", working["Content-Disposition"])
