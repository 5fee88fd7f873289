"""Hostile queries get a 200 with a sane result or a 400 with a message — never a 500."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import translation

from core.testing import api_client, build_network
from practices import search

from .helpers import published_practice

HOSTILE = [
    '"',
    '"niñez',
    "*",
    "**",
    "retorno*",
    "NEAR",
    "NEAR(niñez retorno)",
    "AND(",
    "niñez AND( OR NOT",
    "niñez) OR (1=1",
    "title:niñez",
    "^niñez",
    "-niñez +retorno",
    "'; DROP TABLE practices_practice; --",
    "\\\\ \\x00",
    "ñ" * 199,
    "日本語 Ελληνικά",
    "a",
    "de la y el",
    "%_%",
]


class HostileQueryTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.practice = published_practice(cls.n)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_fts_operators_are_plain_text(self):
        for text in HOSTILE:
            with self.subTest(text=text):
                results = search.search(AnonymousUser(), text)
                # One practice is published: found or not, and the engine, the API and its hits agree.
                self.assertIn(results.total, (0, 1))
                self.assertEqual(len(results.hits), results.total)
                response = api_client().get("/api/v1/practices/search", {"q": text})
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response.json()["count"], results.total)
                page = self.client.get("/practices/", {"q": text})
                self.assertEqual(page.status_code, 200)
        self.assertEqual(search.search(AnonymousUser(), '"niñez').total, 1)
        self.assertEqual(search.search(AnonymousUser(), "NEAR(niñez retornos)").total, 0)  # "near" is a word

    def test_a_query_of_ten_thousand_characters_gets_a_400_with_a_message(self):
        text = "niñez " * 2000
        with self.assertRaises(ValidationError):
            search.search(AnonymousUser(), text)
        response = api_client().get("/api/v1/practices/search", {"q": text}, headers={"Accept-Language": "en"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("200 characters", response.json()["errors"]["q"][0])
        page = self.client.get("/practices/", {"q": text}, headers={"Accept-Language": "en"})
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "200 characters", status_code=400)

    def test_only_common_words_say_so(self):
        results = search.search(AnonymousUser(), "de la y el")
        self.assertEqual(results.total, 0)
        self.assertIn("common", results.note)

    def test_bad_filters_and_pages_are_sane(self):
        for params in (
            {"country": "ZZ"},
            {"theme": "x" * 500},
            {"year": "abc"},
            {"axis": "-1"},
            {"page": "0"},
            {"page": "999"},
            {"per_page": "1000"},
            {"type": ["practice"] * 50},
        ):
            with self.subTest(params=params):
                response = api_client().get("/api/v1/practices/search", {"q": "niñez", **params})
                self.assertIn(response.status_code, (200, 400, 422), response.content)
                page = self.client.get("/practices/", {"q": "niñez", **params})
                self.assertEqual(page.status_code, 200)
