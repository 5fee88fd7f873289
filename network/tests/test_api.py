"""The API: a valid OpenAPI 3 schema, every endpoint answering under its documented auth."""

import json

from django.test import TestCase
from openapi_spec_validator import validate

from core.testing import api_client, build_network, signed_in
from network import services
from network.models import AppointmentRole, Person


class SchemaTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        # Honduras's principal serves Honduras: Guatemala can only propose a term to them.
        cls.proposal = services.create_appointment(
            cls.n.hn_person,
            acting_user=cls.n.gt_officer,
            organization=cls.n.sbs,
            role=AppointmentRole.CONTACT_POINT,
            body=cls.n.network,
        )

    def test_the_schema_is_valid_openapi_3(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        validate(schema)

    def test_the_interactive_docs_load_without_a_cdn(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("cdn.", response.content.decode())

    def path_values(self):
        return {
            "{code}": "GT",
            "{body_id}": str(self.n.network.pk),
            "{org_id}": str(self.n.sbs.pk),
            "{person_id}": str(self.n.gt_person.pk),
            "{appointment_id}": str(self.n.gt_person.appointments.get().pk),
            "{proposal_id}": str(self.proposal.pk),
        }

    def operations(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        for path, methods in schema["paths"].items():
            url = "/api/v1" + path.removeprefix("/api/v1")
            for placeholder, value in self.path_values().items():
                url = url.replace(placeholder, value)
            for method, operation in methods.items():
                yield method, url, operation.get("security", [])

    def call(self, client, method, url):
        if method in ("post", "patch", "put"):
            return getattr(client, method)(url, data="{}", content_type="application/json")
        return getattr(client, method)(url)

    def test_every_endpoint_answers_under_its_documented_auth(self):
        seen = 0
        for method, url, security in self.operations():
            seen += 1
            anonymous_allowed = {} in security
            self.assertTrue(security, f"{method} {url} documents no security")
            response = self.call(api_client(), method, url)
            if anonymous_allowed:
                self.assertLess(response.status_code, 500, f"{method} {url}")
                self.assertNotEqual(response.status_code, 401, f"{method} {url} refused an anonymous reader")
            else:
                self.assertEqual(response.status_code, 401, f"{method} {url} let an anonymous caller in")
            response = self.call(api_client(self.n.ts), method, url)
            self.assertLess(response.status_code, 500, f"{method} {url}")
            self.assertNotIn(response.status_code, (401, 403), f"{method} {url} refused the TS")
        self.assertGreater(seen, 15)


class BadInputTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def post(self, user, url, payload):
        return api_client(user).post(url, data=json.dumps(payload), content_type="application/json")

    def new_person(self, **changes):
        payload = {
            "given_names": "Nueva",
            "family_names": "Persona",
            "email": "nueva@example.org",
            "appointment": {"organization_id": self.n.sbs.pk, "role": "alternate", "body": "child-protection"},
        }
        payload.update(changes)
        return payload

    def test_a_duplicate_e_mail_is_refused_with_its_field(self):
        response = self.post(self.n.gt_officer, "/api/v1/people", self.new_person(email="GT.ALT@example.org"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("email", response.json()["errors"])
        self.assertFalse(Person.objects.filter(family_names="Persona").exists())

    def test_a_duplicate_contact_in_one_institution_is_refused(self):
        response = self.post(
            self.n.gt_officer, "/api/v1/people", self.new_person(given_names="Carlos", family_names="Estrada")
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("family_names", response.json()["errors"])

    def test_an_unknown_country_code_is_refused(self):
        response = self.post(
            self.n.ts, "/api/v1/organizations", {"kind": "national_institution", "name_es": "X", "country": "ZZ"}
        )
        self.assertEqual(response.status_code, 404)  # no such country: a record that does not exist
        self.assertIn("ZZ", response.json()["errors"]["country"][0])
        response = api_client(self.n.ts).get("/api/v1/appointments?country=ZZ")
        self.assertEqual(response.status_code, 404)

    def test_a_bad_phone_names_the_field_and_writes_nothing(self):
        response = self.post(self.n.gt_officer, "/api/v1/people", self.new_person(phone_office="call me"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("phone_office", response.json()["errors"])
        self.assertFalse(Person.objects.filter(family_names="Persona").exists())

    def test_a_term_that_ends_before_it_starts_writes_nothing(self):
        appointment = self.new_person()["appointment"] | {"start_date": "2026-05-01", "end_date": "2026-01-01"}
        response = self.post(self.n.gt_officer, "/api/v1/people", self.new_person(appointment=appointment))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Person.objects.filter(family_names="Persona").exists())

    def test_malformed_json_and_wrong_types_get_4xx(self):
        response = api_client(self.n.ts).post("/api/v1/people", data="{not json", content_type="application/json")
        self.assertIn(response.status_code, (400, 422))
        response = self.post(self.n.ts, "/api/v1/people", {"given_names": 5, "family_names": []})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"given_names", "family_names"})

    def test_a_body_that_is_not_an_object_or_has_unknown_fields_is_refused(self):
        url = f"/api/v1/people/{self.n.gt_person.pk}"
        for body in ["[null, null]", "5", "null", '"x"']:
            response = api_client(self.n.gt_officer).patch(
                url, data=body, content_type="application/json", headers={"Accept-Language": "en"}
            )
            self.assertEqual(response.status_code, 400, body)
            self.assertIn("JSON object", response.json()["detail"])
        response = api_client(self.n.gt_officer).patch(url, data='{"phone": "+502 1"}', content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("phone", response.json()["errors"])

    def test_nul_characters_are_refused_before_reaching_the_database(self):
        response = api_client(self.n.ts).get("/api/v1/appointments?body=x%00y")
        self.assertEqual(response.status_code, 400)
        response = self.post(self.n.ts, "/api/v1/organizations", {"kind": "international", "name_es": "a\u0000b"})
        self.assertEqual(response.status_code, 400)
        response = signed_in(self.n.gt_officer).get("/search/?q=a%00")
        self.assertEqual(response.status_code, 400)

    def test_an_officer_national_institution_in_another_country_is_refused(self):
        response = self.post(
            self.n.gt_officer,
            "/api/v1/organizations",
            {"kind": "national_institution", "name_es": "X", "country": "HN"},
        )
        self.assertEqual(response.status_code, 403)
        response = self.post(self.n.gt_officer, "/api/v1/organizations", {"kind": "international", "name_es": "X"})
        self.assertEqual(response.status_code, 403)
        response = self.post(
            self.n.gt_officer,
            "/api/v1/organizations",
            {"kind": "national_institution", "name_es": "Nueva", "country": "GT"},
        )
        self.assertEqual(response.status_code, 201)
