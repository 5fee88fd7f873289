"""The HSDS API answers every path of Open Referral's openapi.json, paginated, valid against the schemas."""

from urllib.parse import quote

from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from core.testing import body_of
from directory import hsds, services

from .helpers import build_directory

PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


class HsdsApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def get(self, url, status=200):
        response = Client().get(url)
        self.assertEqual(response.status_code, status, url)
        return response.json()

    def test_every_path_of_the_specification_answers(self):
        n = self.n
        term = n.shelter.terms.first()
        urls = {
            "/": "/api/hsds/",
            "/services": "/api/hsds/services",
            "/services/{id}": f"/api/hsds/services/{n.shelter.pk}",
            "/taxonomies": "/api/hsds/taxonomies",
            "/taxonomies/{id}": f"/api/hsds/taxonomies/{term.taxonomy_id}",
            "/taxonomy_terms": "/api/hsds/taxonomy_terms",
            "/taxonomy_terms/{id}": f"/api/hsds/taxonomy_terms/{term.pk}",
            "/organizations": "/api/hsds/organizations",
            "/organizations/{id}": f"/api/hsds/organizations/{n.sbs_provider.pk}",
            "/service_at_locations": "/api/hsds/service_at_locations",
            "/service_at_locations/{id}": f"/api/hsds/service_at_locations/{n.shelter.service_at_locations.get().pk}",
        }
        self.assertEqual(set(urls), set(hsds.openapi()["paths"]))
        for spec_path, url in urls.items():
            data = self.get(url)
            if spec_path.endswith("s") and spec_path != "/":
                self.assertEqual(set(data), PAGE_KEYS, url)
        self.assertEqual(self.get(urls["/"])["version"], "3.0")

    def test_responses_validate_against_the_compiled_schemas(self):
        n = self.n
        checks = [
            (f"/api/hsds/services/{n.office_service.pk}", "service", False),
            (f"/api/hsds/organizations/{n.sbs_provider.pk}?full_service=true", "organization", False),
            (f"/api/hsds/service_at_locations/{n.shelter.service_at_locations.get().pk}", "service_at_location", False),
            (f"/api/hsds/taxonomy_terms/{n.shelter.terms.first().pk}", "taxonomy_term", False),
            ("/api/hsds/services?full=true", "service", True),
            ("/api/hsds/services", "service_list", True),
            ("/api/hsds/organizations", "organization_list", True),
            ("/api/hsds/service_at_locations", "service_at_location_list", True),
            ("/api/hsds/taxonomies", "taxonomy", True),
        ]
        for url, schema, paged in checks:
            data = self.get(url)
            for item in data["contents"] if paged else [data]:
                self.assertEqual(hsds.schema_errors(schema, item), [], url)

    def test_pagination_follows_the_specification(self):
        data = self.get("/api/hsds/services?per_page=2&page=2")
        self.assertEqual((data["total_items"], data["total_pages"], data["page_number"], data["size"]), (3, 2, 2, 1))
        self.assertEqual((data["first_page"], data["last_page"], data["empty"]), (False, True, False))
        self.assertTrue(self.get("/api/hsds/services?page=9")["empty"])

    def test_bad_parameters_get_400_and_unknown_ids_404(self):
        for url in (
            "/api/hsds/services?page=abc",
            "/api/hsds/services?per_page=100000",
            "/api/hsds/services?taxonomy_term_id=nope",
            "/api/hsds/services?full=maybe",
            "/api/hsds/services?modified_after=yesterday",
            "/api/hsds/services?modified_after=2020-13-01",
            "/api/hsds/service_at_locations?postcode=0101&proximity=-5",
        ):
            self.assertIn("detail", self.get(url, status=400))
        # An id that is not a UUID names no record; neither does an unknown UUID.
        self.get("/api/hsds/services/not-a-uuid", status=404)
        self.get("/api/hsds/services/11111111-2222-4333-8444-555555555555", status=404)
        # A distance from no postcode filters nothing (it is not an error).
        self.get("/api/hsds/service_at_locations?proximity=10", status=200)

    def test_any_iso_offset_is_understood_on_every_database(self):
        # ISO 8601 allows offsets up to ±23:59; PostgreSQL only takes ±15:59 unless the time is put in UTC first.
        for moment in ("1678-11-08T13:38+21:51", "2999-12-31T23:59-23:59", "2020-02-31"):
            data = self.get(f"/api/hsds/services?modified_after={quote(moment)}")
            self.assertEqual(data["total_items"], 0 if moment.startswith("2999") else 3, moment)

    def test_the_public_never_gets_an_unpublished_service_or_contacts(self):
        draft = services.create_service(
            acting_user=self.n.partner, provider=self.n.unicef_provider, country=self.n.gt, name_es="Borrador"
        )
        self.get(f"/api/hsds/services/{draft.pk}", status=404)
        self.assertNotIn("Borrador", Client().get("/api/hsds/services").content.decode())

    def test_filters_and_ndjson(self):
        term = self.n.shelter.terms.first()
        data = self.get(f"/api/hsds/services?taxonomy_term_id={term.pk}")
        self.assertEqual([s["id"] for s in data["contents"]], [str(self.n.shelter.pk)])
        lines = Client().get("/api/hsds/services?format=ndjson").getvalue().decode().splitlines()
        self.assertEqual(len(lines), 3)
        near = self.get("/api/hsds/service_at_locations?postcode=quetzaltenango&proximity=20000")
        self.assertEqual(near["total_items"], 1)

    def test_the_openapi_document_is_valid_and_offline(self):
        from openapi_spec_validator import validate

        document = Client().get("/api/hsds/openapi.json").json()
        validate(document)
        self.assertNotIn(
            'raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/service.json"',
            str(document).replace("'", '"').replace("(full schema", ""),
        )

    @override_settings(PAGE_CACHE=False)  # the rendering's own queries, not the page cache's
    def test_lists_run_a_fixed_number_of_queries(self):
        def count(url):
            with CaptureQueriesContext(connection) as queries:
                response = Client().get(url)
                self.assertEqual(response.status_code, 200)
                body_of(response)  # an export's queries run as it is streamed
            return len(queries)

        urls = ["/api/hsds/services?full=true", "/api/hsds/organizations?full_service=true", "/map/", "/map/export.csv",
                "/api/hsds/service_at_locations?full=true",
                "/map/?near=" + str(self.n.shelter_location.municipality_id), "/map/countries/gt/print/",
                "/map/hsds.json", "/map/?bbox=-92,13,-89,16", "/api/v1/directory/services?country=GT"]  # fmt: skip
        for url in urls:
            count(url)
        small = {url: count(url) for url in urls}
        for i in range(6):
            services.create_service(
                acting_user=self.n.gt_officer,
                provider=self.n.sbs_provider,
                country=self.n.gt,
                name_es=f"Servicio {i}",
                locations=[self.n.shelter_location],
                phones=[{"number": "+502 2412 8100"}],
            )
        large = {url: count(url) for url in urls}
        self.assertEqual(small, large)
