"""List pages and API lists run the same number of queries whatever the number of rows."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import api_client, build_network, signed_in
from network import services
from network.models import AppointmentRole


class QueryCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def add_contacts(self, count, start=0):
        for i in range(start, start + count):
            services.create_person(
                acting_user=self.n.ts,
                given_names=f"Persona{i}",
                family_names=f"Prueba{i}",
                email=f"p{i}@example.org",
                phone_office="+502 2222 0000",
                appointment={"organization": self.n.sbs, "role": AppointmentRole.CONTACT_POINT, "body": self.n.network},
            )

    def count(self, fetch):
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        self.assertEqual(response.status_code, 200)
        return len(queries)

    @override_settings(PAGE_CACHE=False)  # the rendering's own queries, not the page cache's
    def test_pages_and_lists_do_not_grow_with_rows(self):
        client = signed_in(self.n.gt_officer)
        api = api_client(self.n.gt_officer)
        fetches = {
            "directory": lambda: client.get(reverse("network:contacts")),
            "country": lambda: client.get(reverse("network:country", args=["gt"])),
            "organization": lambda: client.get(reverse("network:organization", args=[self.n.sbs.pk])),
            "body": lambda: client.get(reverse("network:body", args=["child-protection"])),
            "csv": lambda: client.get(reverse("network:contacts_export", args=["csv"])),
            "api appointments": lambda: api.get("/api/v1/appointments?limit=100"),
            "api people": lambda: api.get("/api/v1/people?limit=100"),
            "search": lambda: client.get(reverse("search"), {"q": "Prueba"}),
        }
        self.add_contacts(3)
        for fetch in fetches.values():
            fetch()  # warm caches (content types, the token's last use)
        small = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.add_contacts(40, start=3)
        large = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.assertEqual(small, large)
