"""The map's filters are its address: the page rendered from it shows the same filtered list and offers
the chosen country's divisions; htmx asks for those divisions when the country changes; without
JavaScript a note says the map needs it."""

import re

from django.test import TestCase
from django.urls import reverse

from directory.models import Place, PlaceKind

from .helpers import build_directory

HTMX = {"HTTP_HX_REQUEST": "true"}


def options(html, name):
    """The values and labels of a select's options in a page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


class MapAddressTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        cls.url = reverse("directory:map")
        cls.gt_divisions = Place.objects.filter(kind=PlaceKind.DIVISION, country_code="GT")
        cls.honduran = Place.objects.filter(kind=PlaceKind.DIVISION, country_code="HN").first()

    def get(self, query="", **headers):
        self.client.cookies["django_language"] = "en"
        return self.client.get(f"{self.url}?{query}", **headers)

    def test_a_chosen_country_offers_its_own_divisions_only(self):
        chosen = options(self.get("country=GT").content.decode(), "division")
        self.assertEqual({value for value, _label in chosen}, {""} | {str(p.pk) for p in self.gt_divisions})
        self.assertIn("Quetzaltenango", {label for _value, label in chosen})
        every = options(self.get().content.decode(), "division")
        self.assertEqual(len(every), Place.objects.filter(kind=PlaceKind.DIVISION).count() + 1)

    def test_the_country_select_asks_for_its_divisions(self):
        page = self.get().content.decode()
        country = re.search(r'<select name="country"[^>]*>', page).group(0)
        self.assertIn('hx-target="#id_division"', country)
        self.assertIn('hx-push-url="false"', country)
        fragment = self.get("country=HN", HTTP_HX_TARGET="id_division", **HTMX).content.decode()
        self.assertTrue(fragment.lstrip().startswith('<select name="division"'), fragment[:200])
        self.assertIn('id="id_division"', fragment)
        self.assertEqual(
            {value for value, _label in options(fragment, "division")} - {""},
            set(
                map(str, Place.objects.filter(kind=PlaceKind.DIVISION, country_code="HN").values_list("pk", flat=True))
            ),
        )
        self.assertNotIn('id="results"', fragment)

    def test_a_division_left_from_another_country_shows_the_countrys_services(self):
        response = self.get(f"country=GT&division={self.honduran.pk}")
        self.assertEqual(response.context["count"], 3)
        self.assertEqual(
            options(response.content.decode(), "division")[0], ("", "All")
        )  # the select offers Guatemala's, none chosen
        self.assertEqual(self.get(f"division={self.honduran.pk}").context["count"], 0)

    def test_the_form_pushes_its_address_and_the_list_comes_alone(self):
        page = self.get("country=GT").content.decode()
        form = re.search(r'<form id="map-filters"[^>]*>', page).group(0)
        self.assertIn('hx-push-url="true"', form)
        self.assertIn(f'action="{self.url}"', form)
        fragment = self.get("country=GT", HTTP_HX_TARGET="results", **HTMX).content.decode()
        self.assertTrue(fragment.lstrip().startswith('<section id="results"'), fragment[:200])

    def test_back_to_an_address_htmx_did_not_keep_gets_the_whole_page(self):
        response = self.get("country=GT", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
        page = response.content.decode()
        self.assertIn('<form id="map-filters"', page)
        self.assertIn('id="map"', page)
        self.assertEqual(response.context["count"], 3)

    def test_without_javascript_a_note_says_the_list_holds_the_same_services(self):
        page = self.get().content.decode()
        note = re.search(r'<div id="map".*?</div>', page, re.S).group(0)
        self.assertRegex(
            note, r"<noscript><p[^>]*>The map needs JavaScript\. The list beside or below it holds the same services\."
        )
        self.assertIn("map-noscript.css", page)
