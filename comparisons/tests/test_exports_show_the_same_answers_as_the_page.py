"""Acceptance: the XLSX, the DOCX and the matrix page show the same answers, in Spanish and in English."""

import html
import io
import re

from django.test import TestCase, override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from accounts.services import set_preferences
from comparisons import queries, services
from comparisons.testing import build_analysis, column, submitted
from core.testing import build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CELL = re.compile(r'<td headers="s-\d+ q-(\d+) c-(\w\w)" data-country="\w\w">(.*?)</td>', re.S)
VALUE = re.compile(r'<span class="value">(.*?)</span>', re.S)


@override_settings(TASKS=IMMEDIATE)
class ExportsMatchThePageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n, visibility="public")
        cls.round = services.start_round(cls.a.analysis, acting_user=cls.n.lead)
        lead = cls.n.lead
        services.validate_column(
            submitted(cls.round, "PA", cls.n.pa_officer, cls.a, heard="no", months="3.5"), acting_user=lead
        )
        services.validate_column(submitted(cls.round, "HN", cls.n.hn_officer, cls.a, means="land"), acting_user=lead)
        # Mexico answered part of its column: blanks are shown as such everywhere.
        col = column(cls.round, "MX")
        services.save_answer(col, cls.a.heard, acting_user=cls.n.mx_officer, value="partly")
        # A text starting with "=" must stay text in the spreadsheet.
        services.return_column(column(cls.round, "PA"), acting_user=lead, comment="Texto")
        services.save_answer(
            column(cls.round, "PA"), cls.a.challenges, acting_user=cls.n.pa_officer, value="=SUM(A1) retos"
        )
        services.validate_column(
            services.submit_column(column(cls.round, "PA"), acting_user=cls.n.pa_officer), acting_user=lead
        )

    def numbering(self):
        return {q.pk: q.number for q in queries.round_questions(self.round)}

    def names(self, user, lang):
        """The countries of the validated columns the user may see (what documents hold by default)."""
        from django.utils import translation

        with translation.override(lang):
            columns = queries.visible_columns(user, self.round, only_validated=True)
            return {c.code: str(c.country.name) for c in columns}

    def page_cells(self, client, lang):
        response = client.get(
            reverse("comparisons:matrix", args=[self.a.analysis.pk, 1]), headers={"Accept-Language": lang}
        )
        self.assertEqual(response.status_code, 200)
        numbers, cells = self.numbering(), {}
        for question_pk, code, inner in CELL.findall(response.content.decode()):
            value = VALUE.search(inner)
            cells[(numbers[int(question_pk)], code)] = html.unescape(value.group(1)).strip() if value else "—"
        return cells

    def xlsx_cells(self, client, lang, names):
        response = client.get(reverse("comparisons:export", args=[self.a.analysis.pk, 1, "xlsx"]) + f"?lang={lang}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"-{lang}-", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        header_index = next(i for i, row in enumerate(rows) if row and row[0] in ("No.", "N.º"))
        codes = {name: code for code, name in names.items()}
        countries = [codes[name] for name in rows[header_index][2:]]
        cells = {}
        for row in rows[header_index + 1 :]:
            if row[0] is None:
                continue  # a section's title
            for code, value in zip(countries, row[2:], strict=True):
                text = value.removeprefix("'") if isinstance(value, str) and value.startswith("'=") else value
                cells[(row[0], code)] = text
        return cells

    def docx_cells(self, client, lang, names):
        response = client.get(reverse("comparisons:export", args=[self.a.analysis.pk, 1, "docx"]) + f"?lang={lang}")
        self.assertEqual(response.status_code, 200)
        document = Document(io.BytesIO(response.content))
        codes = {name: code for code, name in names.items()}
        cells = {}
        for table in document.tables:
            header = [cell.text for cell in table.rows[0].cells]
            countries = [codes[name] for name in header[1:]]
            for row in table.rows[1:]:
                texts = [cell.text for cell in row.cells]
                number = texts[0].split(" ", 1)[0]
                for code, text in zip(countries, texts[1:], strict=True):
                    cells[(number, code)] = text
        return cells

    def test_page_xlsx_and_docx_agree_for_the_public_and_for_the_lead_in_both_languages(self):
        for user in (None, self.n.lead):
            for lang in ("es", "en"):
                if user is not None:
                    set_preferences(user, language=lang)  # a signed-in reader's saved language wins
                client = signed_in(user) if user else self.client
                names = self.names(user, lang)
                page = self.page_cells(client, lang)
                xlsx = self.xlsx_cells(client, lang, names)
                docx = self.docx_cells(client, lang, names)
                # The lead's page shows every column at every step; the documents, the validated ones only.
                validated = {key: value for key, value in page.items() if key[1] in names}
                self.assertEqual(len(validated), 8 * len(names))
                self.assertEqual(validated, xlsx, (user, lang))
                self.assertEqual(validated, docx, (user, lang))
        # What was compared is what the countries answered.
        self.assertEqual(page[("1.1", "pa")], "No")
        self.assertEqual(page[("2.3", "pa")], "3.5")
        self.assertEqual(page[("2.5", "pa")], "=SUM(A1) retos")
        self.assertEqual(page[("1.1", "mx")], "Partly")
        self.assertEqual(page[("1.2", "mx")], "—")
        self.assertEqual(sorted({code for _n, code in page}), ["cr", "gt", "hn", "mx", "pa", "sv"])
        spanish = self.page_cells(self.client, "es")
        self.assertEqual((spanish[("1.1", "hn")], spanish[("2.3", "pa")]), ("Sí", "3,5"))
        self.assertEqual(sorted({code for _n, code in spanish}), ["hn", "pa"])

    def test_a_formula_is_kept_as_text_in_the_spreadsheet(self):
        response = self.client.get(reverse("comparisons:export", args=[self.a.analysis.pk, 1, "xlsx"]))
        book = load_workbook(io.BytesIO(response.content))
        values = [cell.value for row in book.worksheets[0].iter_rows() for cell in row]
        self.assertIn("'=SUM(A1) retos", values)
        self.assertNotIn("=SUM(A1) retos", values)

    def test_the_report_has_an_introduction_the_matrix_by_section_and_a_narrative(self):
        response = signed_in(self.n.lead).get(
            reverse("comparisons:export", args=[self.a.analysis.pk, 1, "docx"]) + "?lang=en"
        )
        document = Document(io.BytesIO(response.content))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
        for expected in (
            "Assisted voluntary return",
            "Introduction",
            "The matrix",
            "Before return",
            "After return",
            "Narrative by section",
            "Agreements",
            "Gaps",
        ):
            self.assertIn(expected, headings)
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Why we compare.", text)
        # Agreements: Panama and Honduras both say "no" to detention; gaps: Panama does not hear the child.
        self.assertIn("1.3 Are children detained? — every country answering (2) says: No.", text)
        # Mexico's column is not validated: it stays out of the document…
        self.assertIn("1.1 Is the child heard before return? — No: Panama\n", text)
        self.assertNotIn("Mexico", text)
        # …unless the TS asks for a working copy, where its status is said and every page says draft.
        working = signed_in(self.n.ts).get(
            reverse("comparisons:export", args=[self.a.analysis.pk, 1, "docx"]) + "?lang=en&working=1"
        )
        self.assertIn("-draft.docx", working["Content-Disposition"])
        document = Document(io.BytesIO(working.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("No: Panama; Partly: Mexico [To answer — not approved]", text)
        self.assertIn("DRAFT", document.sections[0].header.paragraphs[-1].text)
        self.assertEqual(signed_in(self.n.lead).get(working.request["PATH_INFO"] + "?working=1").status_code, 403)
        spanish = signed_in(self.n.lead).get(
            reverse("comparisons:export", args=[self.a.analysis.pk, 1, "docx"]) + "?lang=es"
        )
        headings = [p.text for p in Document(io.BytesIO(spanish.content)).paragraphs]
        self.assertIn("Retorno voluntario asistido", headings)
