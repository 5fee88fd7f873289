"""Directory exports: what members download, filtered, and safe to open in a spreadsheet."""

import csv
import io

import vobject
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from core.testing import build_network, signed_in
from network import services
from network.models import Appointment


class ExportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        services.update_person(cls.n.mx_person, acting_user=cls.n.ts, given_names='=HYPERLINK("http://evil")')

    def setUp(self):
        self.client = signed_in(self.n.gt_officer)

    def export(self, fmt, **params):
        response = self.client.get(reverse("network:contacts_export", args=[fmt]), params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_csv_has_the_filtered_contacts_with_details(self):
        response = self.export("csv", country="HN")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["Country", "Network or body", "Institution"])
        self.assertEqual(len(rows), 2)
        self.assertIn("hn@example.org", rows[1])
        self.assertIn("+504 2232-1000", rows[1])

    def test_csv_neutralises_formulas(self):
        response = self.export("csv", country="MX")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertIn('\'=HYPERLINK("http://evil")', rows[1])

    def test_xlsx_keeps_text_as_text(self):
        response = self.export("xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(len(values), 1 + Appointment.objects.current().count())
        formula_cells = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        self.assertEqual(formula_cells, [])
        self.assertTrue(any("mx@example.org" in row for row in values))

    def test_vcard_has_one_card_per_person(self):
        response = self.export("vcf", country="GT")
        cards = list(vobject.readComponents(response.content.decode()))
        emails = sorted(card.email.value for card in cards)
        self.assertEqual(emails, ["gt.alt@example.org", "gt@example.org", "partner@example.org"])
        card = next(c for c in cards if c.email.value == "gt@example.org")
        self.assertEqual(card.fn.value, "Carlos Estrada")
        self.assertEqual(card.tel.value, "+502 2412 8000")

    def test_person_vcard(self):
        response = self.client.get(reverse("network:person_vcard", args=[self.n.hn_person.pk]))
        card = vobject.readOne(response.content.decode())
        self.assertEqual(card.email.value, "hn@example.org")

    def test_unknown_format_is_not_found(self):
        response = self.client.get(reverse("network:contacts_export", args=["pdf"]))
        self.assertEqual(response.status_code, 404)
