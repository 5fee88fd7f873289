"""Acceptance: the matrix, the DOCX follow-up report and the XLSX export agree on every value.

Countries in different states: Honduras and Mexico approved, Guatemala submitted (not yet
approved), Panama with a draft, El Salvador and Costa Rica with nothing. A report that is not
approved is missing everywhere ("—" or an empty number cell), never 0.
"""

import io

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook

from core.testing import build_network, signed_in
from plan import exports, queries, services
from plan.models import Indicator, LineStatus, ValueKind
from plan.testing import approved_report, build_plan, fill_report

IN_PROGRESS, COMPLETED, NOT_APPLICABLE, NOT_STARTED = (
    LineStatus.IN_PROGRESS,
    LineStatus.COMPLETED,
    LineStatus.NOT_APPLICABLE,
    LineStatus.NOT_STARTED,
)
YEAR = 2018


class FollowUpExportsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = n = build_network()
        cls.p = p = build_plan(n)
        plan = p.plan
        approved_report(
            plan,
            YEAR,
            n.hn,
            n.hn_officer,
            n.ts,
            {
                p.national_a: (IN_PROGRESS, 40, "Protocolo en consulta con DINAF"),
                p.national_b: (COMPLETED, None, '=HYPERLINK("http://x") guía publicada'),
                p.national_c: (NOT_APPLICABLE, None),
            },
        )
        approved_report(
            plan,
            YEAR,
            n.mx,
            n.mx_officer,
            n.ts,
            {p.national_a: (IN_PROGRESS, 80), p.national_b: (IN_PROGRESS, 25), p.national_c: (NOT_STARTED, 0)},
        )
        fill_report(
            plan,
            YEAR,
            n.gt,
            n.gt_officer,
            {p.national_a: (COMPLETED, None), p.national_b: (COMPLETED, None), p.national_c: (COMPLETED, None)},
            submit=True,
        )
        fill_report(plan, YEAR, n.pa, n.pa_officer, {p.national_a: (IN_PROGRESS, 10)})
        approved_report(
            plan, YEAR, None, n.pa_officer, n.ts, {p.regional_a: (IN_PROGRESS, 30, "Taller regional en Panamá")}
        )
        # Another year, to show the values sheet holds every approved line.
        approved_report(
            plan,
            2019,
            n.hn,
            n.hn_officer,
            n.ts,
            {p.national_a: (COMPLETED, None), p.national_b: (COMPLETED, None), p.national_c: (IN_PROGRESS, 50)},
        )
        cls.indicator = Indicator.objects.create(node=p.national_a, name_es="Protocolos", name_en="Protocols", unit="#")
        for value in (1, 2):  # the second entry supersedes the first
            services.add_indicator_value(
                cls.indicator, acting_user=n.hn_officer, kind=ValueKind.ACTUAL, year=YEAR, value=value, country=n.hn
            )
        services.add_indicator_value(cls.indicator, acting_user=n.ts, kind=ValueKind.TARGET, year=YEAR, value=6)

    def docx(self, user, lang):
        return exports.follow_up_docx(self.p.plan, YEAR, user, lang)

    def xlsx(self, user, lang):
        return load_workbook(io.BytesIO(exports.follow_up_xlsx(self.p.plan, YEAR, user, lang)))

    def expected(self, user, lang):
        """What the matrix page shows: {(activity code, ISO code): text, number, status label}, and averages."""
        with translation.override(lang):
            data = queries.matrix(self.p.plan, YEAR, user)
            cells = {}
            for node, row, average in data.rows():
                for country, cell in zip(data.countries, row, strict=True):
                    cells[(node.code, country.code.code)] = (
                        exports.cell_text(cell),
                        None if cell is None else cell[1],
                        "—" if cell is None else str(LineStatus(cell[0]).label),
                    )
                cells[(node.code, "average")] = average
            names = {str(country.name): country.code.code for country in data.countries}
        return data, cells, names

    def docx_matrix(self, document, names, lang):
        """{(activity code, ISO code or "average"): text} of the report's matrix table."""
        with translation.override(lang):
            average = _("Average")
        table = next(t for t in document.tables if t.rows[0].cells[-1].text == average)
        header = [cell.text for cell in table.rows[0].cells]
        countries = [names[name] for name in header[2:-1]]
        cells = {}
        for row in table.rows[1:]:
            texts = [cell.text for cell in row.cells]
            for code, text in zip(countries, texts[2:-1], strict=True):
                cells[(texts[0], code)] = text
            cells[(texts[0], "average")] = texts[-1]
        return cells

    def test_the_docx_matrix_shows_every_cell_of_the_matrix_for_the_ts_and_an_officer_in_both_languages(self):
        for user in (self.n.ts, self.n.mx_officer, self.n.gt_officer):
            for lang in ("es", "en"):
                data, expected, names = self.expected(user, lang)
                document = Document(io.BytesIO(self.docx(user, lang)))
                got = self.docx_matrix(document, names, lang)
                with translation.override(lang):
                    for key, value in expected.items():
                        if key[1] == "average":
                            self.assertEqual(got[key], exports.percent(value), key)
                        else:
                            self.assertEqual(got[key], value[0], (user, lang, key))
                self.assertEqual(len(got), len(expected))
        # What was compared is what the countries reported; the missing are missing, not 0.
        _data, expected, _names = self.expected(self.n.ts, "en")
        document = Document(io.BytesIO(self.docx(self.n.ts, "en")))
        got = self.docx_matrix(document, _names, "en")
        self.assertEqual(got[("1.1.1", "HN")], "In progress · 40%")
        self.assertEqual(got[("1.1.2", "HN")], "Completed · 100%")
        self.assertEqual(got[("2.1.1", "HN")], "Not applicable")
        self.assertEqual(got[("2.1.1", "MX")], "Not started · 0%")
        for missing in ("GT", "PA", "SV", "CR"):
            self.assertEqual(got[("1.1.1", missing)], "—")
        self.assertEqual(got[("1.1.1", "average")], "60%")
        self.assertEqual(got[("1.1.2", "average")], "62.5%")
        self.assertEqual(got[("2.1.1", "average")], "0%")
        spanish = self.docx_matrix(
            Document(io.BytesIO(self.docx(self.n.ts, "es"))), self.expected(self.n.ts, "es")[2], "es"
        )
        self.assertEqual(spanish[("1.1.1", "HN")], "En curso · 40%")
        self.assertEqual(spanish[("1.1.2", "average")], "62,5%")

    def test_the_xlsx_matrix_has_the_same_numbers_and_statuses(self):
        for user in (self.n.ts, self.n.mx_officer):
            for lang in ("es", "en"):
                _data, expected, _names = self.expected(user, lang)
                book = self.xlsx(user, lang)
                numbers, statuses = book.worksheets[0], book.worksheets[1]
                rows = list(numbers.iter_rows(values_only=True))
                codes = rows[1][2:-1]
                self.assertEqual(set(codes), {"GT", "HN", "MX", "PA", "SV", "CR"})
                seen = 0
                for row in rows[2:]:
                    for code, value in zip(codes, row[2:-1], strict=True):
                        self.assertEqual(value, expected[(row[0], code)][1], (user, lang, row[0], code))
                        seen += 1
                    average = expected[(row[0], "average")]
                    self.assertEqual(row[-1], None if average is None else float(round(average, 1)))
                status_rows = list(statuses.iter_rows(values_only=True))
                self.assertEqual(status_rows[1][2:], codes)
                for row in status_rows[2:]:
                    for code, value in zip(codes, row[2:], strict=True):
                        self.assertEqual(value, expected[(row[0], code)][2], (user, lang, row[0], code))
                self.assertEqual(seen, 3 * 6)
        book = self.xlsx(self.n.ts, "en")
        self.assertEqual(book.sheetnames, ["Matrix", "Statuses", "Tree", "Reports", "Values", "Indicators"])
        rows = {row[0]: row for row in book["Matrix"].iter_rows(min_row=3, values_only=True)}
        header = next(book["Matrix"].iter_rows(min_row=2, max_row=2, values_only=True))
        column = {code: index for index, code in enumerate(header)}
        self.assertEqual(rows["1.1.1"][column["HN"]], 40)
        self.assertEqual(rows["1.1.1"][column["GT"]], None)  # submitted, not approved: missing, not 0
        self.assertEqual(rows["2.1.1"][column["MX"]], 0)  # reported as 0: a real 0
        self.assertEqual(rows["1.1.2"][-1], 62.5)

    def test_the_tree_agrees_in_the_page_the_docx_and_the_xlsx(self):
        user = self.n.ts
        with translation.override("en"):
            _roots, outline = queries.plan_tree(self.p.plan, YEAR, user)
        progress = {item.node.code: item.percent for item in outline}
        self.assertEqual(progress["1.2.1"], 30)  # the regional report counts in the tree
        sheet = self.xlsx(user, "en")["Tree"]
        got = {row[0]: row[6] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(got, {code: None if value is None else float(value) for code, value in progress.items()})
        document = Document(io.BytesIO(self.docx(user, "en")))
        table = next(
            t for t in document.tables if [c.text for c in t.rows[0].cells] == ["Code", "Node", "Scope", "Progress"]
        )
        with translation.override("en"):
            expected = {code: exports.percent(value) for code, value in progress.items()}
        self.assertEqual({row.cells[0].text: row.cells[3].text for row in table.rows[1:]}, expected)

    def test_the_values_sheet_holds_every_approved_line_and_the_indicators_every_entry(self):
        book = self.xlsx(self.n.ts, "en")
        values = list(book["Values"].iter_rows(min_row=2, values_only=True))
        keys = {(year, country, code): (status, progress) for year, country, code, _t, status, progress, _n in values}
        # Countries by their names and statuses by their labels, in the workbook's language.
        self.assertEqual(keys[(2018, "Honduras", "1.1.1")], ("In progress", 40))
        self.assertEqual(keys[(2018, "Honduras", "2.1.1")], ("Not applicable", None))
        self.assertEqual(keys[(2018, "Regional (PPT and TS)", "1.2.1")], ("In progress", 30))
        self.assertEqual(keys[(2019, "Honduras", "2.1.1")], ("In progress", 50))
        self.assertNotIn((2018, "Guatemala", "1.1.1"), keys)  # submitted only
        self.assertNotIn((2018, "Panama", "1.1.1"), keys)  # a draft
        self.assertEqual(len(values), 3 + 3 + 1 + 3)
        # The narrative that looks like a formula stays text.
        narratives = [row[6] for row in values]
        self.assertIn('\'=HYPERLINK("http://x") guía publicada', narratives)
        indicators = list(book["Indicators"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(
            [(row[3], row[5], row[6], row[10]) for row in indicators],
            [
                ("Actual", "Honduras", 1, None),
                ("Actual", "Honduras", 2, "yes"),
                ("Target", "Regional (PPT and TS)", 6, "yes"),
            ],
        )
        self.assertEqual(indicators[0][8], "José Alvarado")

    def test_the_docx_has_a_summary_the_regional_report_and_each_country_narratives(self):
        document = Document(io.BytesIO(self.docx(self.n.ts, "en")))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
        for expected in (
            "Test Strategic Plan",
            "Summary",
            "The plan and its progress in 2018",
            "National activities by country, 2018",
            "Regional activities",
            "Country reports",
            "Honduras",
            "Mexico",
        ):
            self.assertIn(expected, headings)
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Of 6 member countries, 2 reports are approved, 1 are submitted", text)
        self.assertIn("Protocolo en consulta con DINAF", text)
        self.assertIn("No approved report for 2018 (submitted).", text)  # Guatemala
        summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Country")
        states = {row.cells[0].text: row.cells[1].text for row in summary.rows[1:]}
        self.assertEqual(states["Honduras"], "Approved")
        self.assertEqual(states["Guatemala"], "Submitted")
        self.assertEqual(states["Panama"], "Draft")  # the TS sees drafts
        self.assertEqual(states["Costa Rica"], "No report")
        self.assertEqual(states["Regional (PPT and TS)"], "Approved")
        regional = next(
            t for t in document.tables if [c.text for c in t.rows[0].cells][:3] == ["Code", "Activity", "Status"]
        )
        self.assertEqual(
            [c.text for c in regional.rows[1].cells],
            ["1.2.1", "Node 1.2.1", "In progress", "30%", "Taller regional en Panamá"],
        )
        # Mexico's officer does not see Panama's draft: it is "No report" to them.
        document = Document(io.BytesIO(self.docx(self.n.mx_officer, "en")))
        summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Country")
        self.assertEqual({row.cells[0].text: row.cells[1].text for row in summary.rows[1:]}["Panama"], "No report")

    def test_the_views_serve_both_files_in_the_language_asked_and_refuse_outsiders(self):
        client = signed_in(self.n.mx_officer)
        for fmt, content_type in exports.CONTENT_TYPES.items():
            url = reverse("plan:export", args=[self.p.plan.pk, YEAR, fmt])
            response = client.get(url + "?lang=en")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], content_type)
            self.assertIn("-2018-en-", response["Content-Disposition"])
            self.assertEqual(signed_in(self.n.outsider).get(url).status_code, 403)
        response = client.get(reverse("plan:export", args=[self.p.plan.pk, YEAR, "xlsx"]) + "?lang=es")
        self.assertEqual(load_workbook(io.BytesIO(response.content)).sheetnames[0], "Matriz")
        self.assertEqual(client.get(reverse("plan:export", args=[self.p.plan.pk, YEAR, "odt"])).status_code, 404)
        self.assertEqual(client.get(reverse("plan:export", args=[self.p.plan.pk, 2030, "docx"])).status_code, 404)
        self.assertEqual(client.get(reverse("plan:export", args=[9999, YEAR, "docx"])).status_code, 404)

    def test_libreoffice_opens_the_report(self):
        from practices.tests.libreoffice import LibreOffice, executable, pdf_pages

        if executable() is None:
            print("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): conversion not checked")
            pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
        office = LibreOffice()
        try:
            pages = pdf_pages(office.convert(self.docx(self.n.ts, "es")))
        finally:
            office.close()
        text = "\n".join(pages)
        self.assertIn("Plan Estratégico de prueba", text)
        self.assertIn("Honduras", text)
        self.assertIn("Protocolo en consulta con DINAF", text)
