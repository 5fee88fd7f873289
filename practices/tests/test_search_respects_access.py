"""Search results and facet counts contain only what the reader may see (core.access)."""

from django.contrib.auth.models import AnonymousUser
from django.test import TestCase

from core.testing import api_client, build_network, signed_in
from practices import search, services

from .helpers import practice_fields, published_practice, theme


def counts(results, facet):
    return {v.value: v.count for f in results.facets if f.name == facet for v in f.values}


class SearchAccessTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.public = published_practice(cls.n, title_es="Acogimiento familiar publicado")
        cls.draft = services.create_practice(
            acting_user=cls.n.gt_officer,
            **practice_fields(
                cls.n, title_es="Acogimiento familiar en borrador", countries=[cls.n.mx], themes=[theme("prevention")]
            ),
        )

    def test_a_draft_is_absent_from_anonymous_results_and_facet_counts(self):
        results = search.search(AnonymousUser(), "acogimiento")
        self.assertEqual([hit.object_id for hit in results.hits], [self.public.pk])
        self.assertEqual(results.total, 1)
        self.assertEqual(counts(results, "country"), {"GT": 1})
        self.assertNotIn("prevention", counts(results, "theme"))
        browse = search.search(AnonymousUser(), "")
        self.assertEqual(browse.total, 1)
        self.assertEqual(counts(browse, "type"), {"practice": 1})

    def test_the_api_hides_it_too(self):
        body = api_client().get("/api/v1/practices/search", {"q": "acogimiento"}).json()
        self.assertEqual([r["id"] for r in body["results"]], [self.public.pk])
        country = next(f for f in body["facets"] if f["name"] == "country")
        self.assertEqual([v["value"] for v in country["values"]], ["GT"])
        self.assertEqual(api_client().get("/api/v1/practices/search", {"q": "borrador"}).json()["count"], 0)

    def test_the_author_and_their_country_find_their_draft_others_do_not(self):
        for user in (self.n.gt_officer, self.n.gt_alternate, self.n.ts):
            found = {hit.object_id for hit in search.search(user, "borrador").hits}
            self.assertEqual(found, {self.draft.pk}, user)
        for user in (self.n.hn_officer, self.n.partner, self.n.outsider):
            self.assertEqual(search.search(user, "borrador").total, 0, user)
            self.assertNotIn("MX", counts(search.search(user, "acogimiento"), "country"))

    def test_the_page_shows_the_same(self):
        self.assertNotContains(self.client.get("/practices/", {"q": "acogimiento"}), "borrador")
        self.assertContains(signed_in(self.n.gt_officer).get("/practices/", {"q": "acogimiento"}), "borrador")

    def test_site_search_includes_the_repository_for_what_the_reader_may_see(self):
        page = self.client.get("/search/", {"q": "acogimiento"})
        self.assertContains(page, self.public.get_absolute_url())
        self.assertNotContains(page, self.draft.get_absolute_url())

    def test_the_public_finds_the_published_text_not_the_authors_unpublished_changes(self):
        services.update_practice(
            self.public, acting_user=self.n.partner, summary_es="Texto nuevo con palabra zanahoria"
        )
        self.assertEqual(search.search(AnonymousUser(), "zanahoria").total, 0)
        self.assertEqual(search.search(AnonymousUser(), "acogimiento").total, 1)
