"""The API writes through the same services and rules as the pages; bad input is a 400 naming the field."""

import json

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from core.testing import api_client, build_network
from practices import services
from practices.models import Practice, Resource

from .helpers import TemporaryMedia, pdf_with_text


def post(user, url, payload):
    return api_client(user).post(url, data=json.dumps(payload), content_type="application/json")


class ApiWritesTest(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def new_practice(self, **changes):
        payload = {
            "title_es": "Acompañamiento en el retorno",
            "summary_es": "Resumen.",
            "description_es": "Descripción.",
            "countries": ["GT"],
            "themes": ["return-reintegration"],
            "axis": 4,
            "population": ["returned", "adolescence"],
            "start_year": 2020,
        }
        payload.update(changes)
        return payload

    def test_a_partner_creates_uploads_and_submits_through_the_api(self):
        response = post(self.n.partner, "/api/v1/practices", self.new_practice())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["view"], body["status"], body["countries"]), ("working", "draft", ["GT"]))
        self.assertEqual(body["contact_email"], "")  # members see the field (empty here)
        practice_id = body["id"]
        upload = api_client(self.n.partner).post(
            f"/api/v1/practices/{practice_id}/files", {"file": SimpleUploadedFile("anexo.pdf", pdf_with_text("hola"))}
        )
        self.assertEqual(upload.status_code, 201, upload.content)
        self.assertEqual(upload.json()["name"], "anexo.pdf")
        submitted = api_client(self.n.partner).post(f"/api/v1/practices/{practice_id}/submit")
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertEqual(submitted.json()["status"], "submitted")
        review = api_client(self.n.partner).get(f"/api/v1/practices/{practice_id}/review").json()
        self.assertEqual([event["action"] for event in review], ["submit"])

    def test_unknown_codes_are_404s_and_wrong_values_400s_that_name_the_field(self):
        for changes, field, status in (
            ({"countries": ["ZZ"]}, "countries", 404),
            ({"themes": ["nope"]}, "themes", 404),
            ({"axis": 42}, "axis", 404),
            ({"implementing_institutions": [999999]}, "implementing_institutions", 404),
            ({"title_es": "", "title_en": ""}, "title_es", 400),
            ({"start_year": 2020, "end_year": 2010}, "end_year", 400),
            # Guatemala's officer speaking for Honduras: not theirs to speak for.
            ({"submitting_organization_id": None, "submitting_country": "HN"}, "submitting_country", 403),
        ):
            with self.subTest(field=field):
                response = post(self.n.gt_officer, "/api/v1/practices", self.new_practice(**changes))
                self.assertEqual(response.status_code, status, response.content)
                self.assertIn(field, response.json()["errors"])
        self.assertFalse(Practice.objects.exists())

    def test_malformed_input_is_refused(self):
        response = api_client(self.n.ts).post("/api/v1/practices", data="{nope", content_type="application/json")
        self.assertIn(response.status_code, (400, 422))
        for payload in (
            {"title_es": "x" * 301},
            {"population": ["aliens"]},
            {"implementing_institutions": [2**70]},
            {"call_id": 2**64},
            {"start_year": "soon"},
        ):
            with self.subTest(payload=payload):
                response = post(self.n.ts, "/api/v1/practices", payload)
                self.assertIn(response.status_code, (400, 422), response.content)
        self.assertFalse(Practice.objects.exists())

    def test_impossible_ids_are_404s_and_nul_characters_400s(self):
        for url in (
            f"/api/v1/practices/{2**70}",
            f"/api/v1/practices/{2**63}/versions/1",
            f"/api/v1/resources/{2**64}",
            f"/api/v1/calls/{2**64}",
            f"/api/v1/files/{2**64}",
        ):
            with self.subTest(url=url):
                self.assertEqual(api_client(self.n.ts).get(url).status_code, 404)
        response = post(self.n.partner, "/api/v1/practices", self.new_practice(title_es="Ni\u0000ñez"))
        self.assertEqual(response.status_code, 400, response.content)  # by the service, or by a NUL-refusing middleware
        self.assertFalse(Practice.objects.exists())
        with self.assertRaises(ValidationError) as caught:
            services.create_practice(acting_user=self.n.partner, title_es="Ni\x00ñez")
        self.assertIn("title_es", caught.exception.message_dict)

    def test_anonymous_and_outsiders_cannot_write(self):
        self.assertEqual(post(None, "/api/v1/practices", self.new_practice()).status_code, 401)
        self.assertEqual(post(self.n.outsider, "/api/v1/practices", self.new_practice()).status_code, 403)
        self.assertFalse(Practice.objects.exists())

    def test_a_course_resource_with_provider_and_dates(self):
        response = post(
            self.n.ts,
            "/api/v1/resources",
            {
                "kind": "course",
                "title_es": "Curso virtual de protección de la niñez migrante",
                "language": "es",
                "year": 2018,
                "url": "https://example.org/curso",
                "provider_id": self.n.iom.pk,
                "starts_on": "2018-03-01",
                "ends_on": "2018-12-15",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["kind"], body["provider_id"], body["starts_on"]), ("course", self.n.iom.pk, "2018-03-01")
        )
        bad = post(
            self.n.ts,
            "/api/v1/resources",
            {"kind": "course", "title_es": "X", "starts_on": "2019-01-02", "ends_on": "2019-01-01"},
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("ends_on", bad.json()["errors"])
        self.assertEqual(Resource.objects.count(), 1)
