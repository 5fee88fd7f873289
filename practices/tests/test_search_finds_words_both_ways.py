"""Search in Spanish and English, with or without accents, with stems and prefixes, ranked, highlighted.

These tests run on the database of the suite: SQLite FTS5 by default, PostgreSQL full-text
search when DATABASE_URL names one (CI runs the suite on both).
"""

import os

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import TestCase
from django.utils import translation

from core.testing import api_client, build_network
from practices import search
from practices.api.schemas import SearchOut

from .helpers import axis, published_practice, theme


class BilingualSearchTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.returns = published_practice(
            cls.n,
            title_es="Atención a la niñez migrante en sus retornos",
            summary_es="Las niñas y los niños migrantes reciben acompañamiento tras los retornos.",
            description_es="Coordinación entre municipios y escuelas.",
        )
        cls.foster = published_practice(
            cls.n,
            author=cls.n.gt_officer,
            title_es="",
            summary_es="",
            description_es="",
            title_en="Foster families for unaccompanied children",
            summary_en="Trained families receive children while their families are traced.",
            description_en="Families are assessed and supported every week.",
            original_language="en",
            countries=[cls.n.hn, cls.n.gt],
            themes=[theme("alternative-care")],
            axis=axis(3),
            start_year=2021,
        )
        cls.school = published_practice(
            cls.n,
            title_es="Escuelas protectoras",
            summary_es="Docentes formados en prevención.",
            description_es="La deserción escolar bajó. Una sola mención del retorno al final del texto.",
            themes=[theme("prevention")],
        )

    def setUp(self):
        self.enterContext(translation.override("en"))

    def found(self, text, user=None, filters=None):
        return [hit.object_id for hit in search.search(user or AnonymousUser(), text, filters).hits]

    def test_unaccented_words_find_accented_text_and_back(self):
        self.assertIn(self.returns.pk, self.found("ninez"))
        self.assertIn(self.returns.pk, self.found("niñez"))
        self.assertIn(self.returns.pk, self.found("NIÑEZ"))
        self.assertIn(self.returns.pk, self.found("atencion"))

    def test_ninez_migrante_retorno_finds_ninez_migrantes_retornos(self):
        self.assertEqual(self.found("ninez migrante retorno"), [self.returns.pk])
        self.assertEqual(search.search(AnonymousUser(), "ninez migrante retorno").total, 1)

    def test_english_words_are_stemmed_too(self):
        self.assertEqual(self.found("family trace"), [self.foster.pk])
        self.assertEqual(self.found("trained family"), [self.foster.pk])

    def test_a_word_ending_in_a_star_is_a_prefix(self):
        self.assertEqual(set(self.found("retor*")), {self.returns.pk, self.school.pk})
        self.assertEqual(self.found("unaccomp*"), [self.foster.pk])

    def test_every_word_must_match(self):
        self.assertEqual(self.found("niñez foster"), [])

    def test_matches_in_the_title_rank_first(self):
        self.assertEqual(self.found("retorno"), [self.returns.pk, self.school.pk])

    def test_snippets_and_titles_highlight_the_words_found(self):
        hit = search.search(AnonymousUser(), "ninez retorno").hits[0]
        self.assertIn("<mark>niñez</mark>", hit.title)
        self.assertIn("<mark>retornos</mark>", hit.title)
        self.assertIn("<mark>", hit.snippet)

    def test_highlighting_escapes_the_text(self):
        practice = published_practice(self.n, title_es="Retorno <script>alert(1)</script> seguro")
        hit = next(h for h in search.search(AnonymousUser(), "retorno").hits if h.object_id == practice.pk)
        self.assertNotIn("<script>", hit.title)
        self.assertIn("&lt;script&gt;", hit.title)

    def test_facets_count_the_matches_and_filters_narrow_them(self):
        results = search.search(AnonymousUser(), "")
        facets = {facet.name: {v.value: v.count for v in facet.values} for facet in results.facets}
        self.assertEqual(facets["type"], {"practice": 3})
        self.assertEqual(facets["country"], {"GT": 3, "HN": 1})
        self.assertEqual(facets["theme"], {"return-reintegration": 1, "alternative-care": 1, "prevention": 1})
        self.assertEqual(facets["language"], {"es": 2, "en": 1})
        self.assertEqual(facets["axis"], {"4": 2, "3": 1})
        self.assertEqual(facets["year"], {"2019": 2, "2021": 1})
        self.assertEqual(self.found("", filters={"country": ["HN"]}), [self.foster.pk])
        self.assertEqual(self.found("", filters={"theme": ["prevention"], "year": ["2019"]}), [self.school.pk])
        self.assertEqual(self.found("", filters={"axis": ["3", "4"], "language": ["en"]}), [self.foster.pk])
        self.assertEqual(self.found("retorno", filters={"type": ["guide"]}), [])

    def test_the_api_returns_results_and_facets(self):
        response = api_client().get("/api/v1/practices/search", {"q": "ninez migrante retorno", "country": "GT"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 1)
        self.assertEqual(body["results"][0]["id"], self.returns.pk)
        self.assertEqual({f["name"] for f in body["facets"]}, set(search.FACETS))
        country = next(f for f in body["facets"] if f["name"] == "country")
        self.assertEqual(country["values"], [{"value": "GT", "label": "Guatemala", "count": 1, "selected": True}])
        SearchOut.model_validate(body)  # what the endpoint returns is what its schema documents

    def test_the_search_page_searches_as_you_type(self):
        page = self.client.get("/practices/", {"q": "ninez"}, headers={"HX-Request": "true"})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "<html")
        self.assertContains(page, 'id="results"')
        self.assertContains(page, "<mark>niñez</mark>")

    def test_rebuilding_the_index_gives_the_same_results(self):
        from django.core.management import call_command

        before = self.found("ninez migrante retorno") + self.found("foster")
        call_command("rebuild_practice_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
        self.assertEqual(self.found("ninez migrante retorno") + self.found("foster"), before)

    def test_it_runs_on_the_engine_of_the_database_in_use(self):
        from practices.models import SearchEntry

        backend = search.get_backend()
        self.assertEqual(backend.vendor, connection.vendor)
        entry_ids = [pk for pk, _score in backend.raw(search.parse("ninez migrantes retornos"), limit=5)]
        found = SearchEntry.objects.filter(pk__in=entry_ids).values_list("object_id", flat=True)
        self.assertEqual(list(found), [self.returns.pk])
