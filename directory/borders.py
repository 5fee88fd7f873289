"""The map's offline base layer: country borders served by Enlace itself.

Natural Earth's public-domain country polygons for the region, simplified and committed as
`directory/data/borders.geojson.gz` by `scripts/build_borders.py` (which names its source and how
to run it). Served from the first request with no build step and no geometry package in
production: the compressed bytes as they are to any browser that accepts gzip, unpacked once in
memory for one that does not. No tile server and no internet are needed.
"""

import functools
import gzip
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "data" / "borders.geojson.gz"


@functools.cache
def compressed_bytes():
    return SOURCE.read_bytes()


@functools.cache
def geojson_bytes():
    """The borders as compact GeoJSON bytes (a FeatureCollection with iso, name and member)."""
    return gzip.decompress(compressed_bytes())


@functools.cache
def border_codes():
    """The ISO codes of the countries the borders draw (read once)."""
    import json

    return tuple(feature["properties"]["iso"] for feature in json.loads(geojson_bytes())["features"])


# The member countries' capitals (public facts): ISO code, name in Spanish and English, latitude, longitude.
CAPITALS = (
    ("BZ", "Belmopán", "Belmopan", 17.25, -88.77),
    ("CA", "Ottawa", "Ottawa", 45.42, -75.70),
    ("CR", "San José", "San José", 9.93, -84.08),
    ("DO", "Santo Domingo", "Santo Domingo", 18.49, -69.93),
    ("GT", "Ciudad de Guatemala", "Guatemala City", 14.63, -90.51),
    ("HN", "Tegucigalpa", "Tegucigalpa", 14.07, -87.19),
    ("MX", "Ciudad de México", "Mexico City", 19.43, -99.13),
    ("NI", "Managua", "Managua", 12.11, -86.24),
    ("PA", "Ciudad de Panamá", "Panama City", 8.98, -79.52),
    ("SV", "San Salvador", "San Salvador", 13.69, -89.22),
    ("US", "Washington D. C.", "Washington, D.C.", 38.90, -77.04),
)


def place_names(language):
    """The base map's labels in `language`: every country of the borders by its ISO code (names from
    django-countries, in the reader's language) and the member countries' capitals."""
    from django.utils import translation
    from django_countries import countries

    with translation.override(language):
        names = {code: str(countries.name(code)) for code in border_codes() if countries.name(code)}
    spanish = language.startswith("es")
    capitals = [[es if spanish else en, lat, lon] for _code, es, en, lat, lon in CAPITALS]
    return {"countries": names, "capitals": capitals}
