"""The search page, the search API and the detail pages run the same number of queries at any size."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import api_client, build_network, signed_in
from practices import services

from .helpers import practice_fields, published_practice, theme


class QueryCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def add(self, count, start=0):
        for i in range(start, start + count):
            published_practice(
                self.n,
                title_es=f"Práctica de retorno número {i}",
                countries=[self.n.gt, self.n.hn] if i % 2 else [self.n.mx],
                themes=[theme("return-reintegration"), theme("prevention")],
                start_year=2010 + i % 10,
            )
            services.create_practice(acting_user=self.n.gt_officer, **practice_fields(self.n, title_es=f"Borrador {i}"))

    def count(self, fetch):
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        self.assertEqual(response.status_code, 200, getattr(response, "content", b"")[:300])
        return len(queries)

    @override_settings(PAGE_CACHE=False)  # the rendering's own queries, not the page cache's
    def test_lists_and_pages_do_not_grow_with_rows(self):
        self.add(3)
        first = published_practice(self.n, title_es="Retorno con documentos")
        officer = signed_in(self.n.gt_officer)
        api = api_client(self.n.gt_officer)
        fetches = {
            "search page": lambda: self.client.get(reverse("practices:search"), {"q": "retorno"}),
            "browse page": lambda: officer.get(reverse("practices:search")),
            "facet filter": lambda: self.client.get(reverse("practices:search"), {"q": "retorno", "country": "GT"}),
            "htmx": lambda: officer.get(reverse("practices:search"), {"q": "retor*"}, headers={"HX-Request": "true"}),
            "api search": lambda: api.get("/api/v1/practices/search", {"q": "retorno", "theme": "prevention"}),
            "detail": lambda: self.client.get(first.get_absolute_url()),
            "mine": lambda: officer.get(reverse("practices:mine")),
            "calls": lambda: self.client.get(reverse("practices:calls")),
            "site search": lambda: self.client.get(reverse("search"), {"q": "retorno"}),
        }
        for fetch in fetches.values():
            fetch()  # warm caches (content types, the token's last use)
        small = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.add(25, start=3)
        large = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.assertEqual(small, large)
