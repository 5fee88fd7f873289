"""The map's answers are bounded; 'near a place' orders by distance; the page's JavaScript stays light."""

import gzip
import json
import re

from django.contrib.staticfiles import finders
from django.test import Client, TestCase
from django.urls import reverse

from directory import queries, synthetic

from .helpers import build_directory, municipality


class MapAnswersTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        synthetic.create(3000, seed=3)

    def test_any_viewport_gives_at_most_400_clusters_and_points(self):
        for bbox, zoom in (
            ("-180,-85,180,85", 20),
            ("-180,-85,180,85", 2),
            ("-92,13,-88,16", 9),
            ("-91,14,-90,15", 18),
        ):
            data = json.loads(Client().get(reverse("directory:map_data"), {"bbox": bbox, "zoom": zoom}).content)
            self.assertLessEqual(len(data["clusters"]) + len(data["points"]), queries.MAX_CELLS)
            self.assertEqual(sum(c[2] for c in data["clusters"]) + len(data["points"]) <= data["total"], True)
        whole = json.loads(Client().get(reverse("directory:map_data"), {"bbox": "-180,-85,180,85", "zoom": 3}).content)
        self.assertEqual(whole["total"], 3003)

    def test_bad_map_parameters_fall_back_without_error(self):
        for params in ({"bbox": "x"}, {"zoom": "many"}, {"bbox": "10,10,0,0"}, {"age": "-4"}, {"country": "ZZ"}):
            self.assertEqual(Client().get(reverse("directory:map_data"), params).status_code, 200)

    def test_near_a_municipality_lists_the_closest_first(self):
        quetzal = municipality("quetzaltenango")
        found = queries.nearest(None, queries.MapFilters(), quetzal.latitude, quetzal.longitude, limit=50)
        distances = [km for _point, km in found]
        self.assertEqual(distances, sorted(distances))
        self.assertTrue(any(p.service_id == self.n.shelter.pk for p, _km in found))
        page = Client().get(reverse("directory:map"), {"near": quetzal.pk}, headers={"HX-Request": "true"})
        self.assertContains(page, " km")

    def test_filters_narrow_the_map(self):
        shelter_term = self.n.shelter.terms.get(taxonomy__code="service-type")
        for params, filters in (
            ({"type": shelter_term.pk}, queries.MapFilters(terms=[shelter_term.pk])),
            ({"language": "mam"}, queries.MapFilters(language="mam")),
            ({"age": 3}, queries.MapFilters(age=3)),
        ):
            data = json.loads(
                Client().get(reverse("directory:map_data"), {"bbox": "-180,-85,180,85", "zoom": 3, **params}).content
            )
            expected = queries.map_points(None, filters).count()
            self.assertEqual(data["total"], expected, params)
            self.assertLess(0, expected)
            self.assertLess(expected, 3003)

    def test_the_map_page_javascript_stays_under_250_kb_compressed(self):
        html = Client().get(reverse("directory:map")).content.decode()
        total = 0
        for src in re.findall(r'<script[^>]* src="/static/([^"]+)"', html):
            with open(finders.find(src), "rb") as handle:
                total += len(gzip.compress(handle.read()))
        self.assertGreater(total, 30_000)  # Leaflet, htmx and ours are all there
        self.assertLessEqual(total, 250 * 1024)
        self.assertNotIn("<script>", html)  # no inline script without a nonce
