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
