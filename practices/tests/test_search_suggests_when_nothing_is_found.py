"""When a search finds nothing, the page offers searches that do find something: the same words
without the filters, or the query less one word — each with how many it finds — else hints."""

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from core.testing import build_network

from .helpers import TemporaryMedia, published_practice


@override_settings(PAGE_CACHE=False)
class SuggestionsTest(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        published_practice(cls.n)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def get(self, **params):
        return self.client.get(reverse("practices:search"), params, headers={"accept-language": "en"})

    def test_a_word_too_many_is_left_out(self):
        page = self.get(q="retornos zzyzxquux")
        self.assertEqual(page.context["results"].total, 0)
        self.assertEqual([s["text"] for s in page.context["suggestions"]], ["retornos"])
        self.assertContains(page, "Try instead:")
        self.assertContains(page, 'href="?q=retornos"')
        self.assertEqual(self.client.get(reverse("practices:search"), {"q": "retornos"}).context["results"].total, 1)

    def test_filters_that_leave_nothing_are_offered_off(self):
        page = self.get(q="retornos", country="MX")
        self.assertEqual(page.context["results"].total, 0)
        first = page.context["suggestions"][0]
        self.assertEqual((first["text"], first["unfiltered"], first["total"]), ("retornos", True, 1))
        self.assertContains(page, "(without the filters)")

    def test_hints_when_nothing_would_help(self):
        page = self.get(q="zzyzxquux")
        self.assertEqual(page.context["suggestions"], [])
        self.assertContains(page, "Check the spelling")
