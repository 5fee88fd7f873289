"""Benchmark the directory map: clustered answers against every point as GeoJSON; HSDS import rate.

    python -m bench.map --points 50000 [--import-services 10000]

Runs on a throwaway SQLite database in a temporary folder (or, with --postgres, in a database it
creates and drops on that server). Builds the cluster pyramid and times it; sends --viewports
requests per filter kind (none, one of each kind, a country and a type — the pyramid answers
them — and two filters without a country, which read the points and are reported apart); moves
1,000 locations one transaction each.
Prints the figures and ends with: map points=N p95_ms=… p95_kb=… two_filters_p95_ms=…
build_s=… edit_ms=… naive_ms=… naive_kb=…
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path


def p95(values):
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def setup_database(tmp, server_url=None):
    """Use a throwaway database: an SQLite file in `tmp`, or a new database on a PostgreSQL server."""
    if server_url:
        import psycopg

        name = f"enlace_bench_{os.getpid()}"
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + name
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


FILTER_KINDS = ("none", "country", "type", "profile", "language", "status", "age", "country+type", "two")


def _filters(kind, rng):
    """Query parameters of one map request: no filter, one of each kind, or two (read from the points)."""
    from directory.models import TaxonomyTerm
    from directory.taxonomies import PROFILES, SERVICE_TYPES

    if kind == "country":
        return {"country": rng.choice(["GT", "HN", "MX", "SV", "PA", "CR"])}
    if kind in ("type", "profile"):
        code = SERVICE_TYPES if kind == "type" else PROFILES
        return {
            kind: str(rng.choice(list(TaxonomyTerm.objects.filter(taxonomy__code=code).values_list("pk", flat=True))))
        }
    if kind == "language":
        return {"language": rng.choice(["es", "en", "mam", "ht"])}
    if kind == "status":
        return {"status": rng.choice(["active", "inactive"])}
    if kind == "age":
        return {"age": rng.choice([3, 9, 15])}
    if kind == "country+type":
        return {**_filters("country", rng), **_filters("type", rng)}
    if kind == "two":  # a pair without a country: read from the points
        return {"status": "active", "language": rng.choice(["es", "en"])}
    return {}


def _vacuum(connection):
    """What autovacuum does on a server after a bulk load: planner statistics, and on PostgreSQL the
    visibility map that index-only scans need."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def bench_map(points, viewports, rng):
    from django.db import connection, transaction
    from django.test import Client

    from directory import indexing, pyramid, queries, synthetic

    started = time.perf_counter()
    synthetic.create(points, build=False)
    print(f"created {points} synthetic locations in {time.perf_counter() - started:.1f} s")
    _vacuum(connection)
    started = time.perf_counter()
    cells = pyramid.rebuild()
    build_s = time.perf_counter() - started
    print(f"pyramid: {cells} cells built in {build_s:.1f} s")
    _vacuum(connection)
    from directory.models import Location, MapPoint

    client = Client()
    client.get("/map/data.json?bbox=-120,5,-60,50&zoom=4")  # warm up
    # Viewports centred where the data is (a map user looks at places with services).
    centres = list(MapPoint.objects.order_by("?").values_list("latitude", "longitude")[:viewports])
    times, sizes, markers = [], [], []
    by_kind = {kind: [] for kind in FILTER_KINDS}
    by_zoom = {"pyramid (zoom 3-9)": [], "points (zoom 10-14)": []}
    for index in range(viewports * len(FILTER_KINDS)):
        kind = FILTER_KINDS[index % len(FILTER_KINDS)]
        zoom = rng.randint(3, 14)
        lat, lon = centres[index % len(centres)]
        # A 1400×900-pixel viewport at this zoom, in degrees.
        width = 1400 * 360 / (256 * 2**zoom)
        height = 900 * 170 / (256 * 2**zoom)
        bbox = f"{lon - width / 2:.5f},{lat - height / 2:.5f},{lon + width / 2:.5f},{lat + height / 2:.5f}"
        params = {"bbox": bbox, "zoom": zoom, **_filters(kind, rng)}
        t0 = time.perf_counter()
        response = client.get("/map/data.json", params)
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.status_code
        by_kind[kind].append(elapsed)
        if kind == "two":
            continue  # two filters read the points: reported apart
        times.append(elapsed)
        by_zoom["pyramid (zoom 3-9)" if zoom <= 9 else "points (zoom 10-14)"].append(elapsed)
        sizes.append(len(response.content) / 1024)
        data = json.loads(response.content)
        markers.append(len(data["clusters"]) + len(data["points"]))
    # 1,000 edits, each in its own transaction as a service does it: a location moved, its map
    # points indexed again (which updates the pyramid).
    moved = list(Location.objects.order_by("?").values_list("pk", "latitude", "longitude")[:1000])
    started = time.perf_counter()
    for pk, lat, lon in moved:
        with transaction.atomic():
            Location.objects.filter(pk=pk).update(latitude=lat + 0.05, longitude=lon - 0.05)
            indexing.reindex(
                MapPoint.objects.filter(service_at_location__location_id=pk).values_list("service_id", flat=True)
            )
    edits_ms = (time.perf_counter() - started) * 1000 / max(1, len(moved))
    # The last edit is on the next answer: the pyramid and the points agree where it moved.
    lat, lon = moved[-1][1] + 0.05, moved[-1][2] - 0.05
    box = queries.BBox.parse(f"{lon - 3},{lat - 2},{lon + 3},{lat + 2}")
    fresh = queries.clusters(None, queries.MapFilters(), box, 6)
    slow = queries.clusters(None, queries.MapFilters(), box, 6, use_pyramid=False)
    assert fresh["total"] == slow["total"], (fresh["total"], slow["total"])
    print(f"edits: {len(moved)} locations moved, {edits_ms:.1f} ms each (pyramid kept in the same transaction)")
    t0 = time.perf_counter()
    naive = json.dumps(queries.naive_geojson(None)).encode()
    naive_ms = (time.perf_counter() - t0) * 1000
    print(
        f"clustered ({connection.vendor}, no filter, one, or a country and one): "
        f"p50 {statistics.median(times):.1f} ms, "
        f"p95 {p95(times):.1f} ms, max {max(times):.1f} ms; "
        f"size p95 {p95(sizes):.1f} KB, max {max(sizes):.1f} KB; markers p95 {p95(markers)}, max {max(markers)}"
    )
    print("  p95 by filter: " + ", ".join(f"{kind} {p95(values):.1f} ms" for kind, values in by_kind.items()))
    print("  p95 by zoom: " + ", ".join(f"{band} {p95(values):.1f} ms" for band, values in by_zoom.items() if values))
    print(f"naive (every point as GeoJSON): {naive_ms:.0f} ms, {len(naive) / 1024:.0f} KB")
    return {
        "p95_ms": p95(times),
        "p95_kb": p95(sizes),
        "two_filters_p95_ms": p95(by_kind["two"]),
        "build_s": build_s,
        "edit_ms": edits_ms,
        "naive_ms": naive_ms,
        "naive_kb": len(naive) / 1024,
    }


def bench_import(count, tmp, rng):
    from directory.hsds.importer import load
    from directory.hsds.package import read_path
    from directory.hsds.tables import TABLES
    from directory.models import Place, PlaceKind

    folder = tmp / "package"
    folder.mkdir()
    place = Place.objects.filter(kind=PlaceKind.MUNICIPALITY, country_code="GT").first()
    org = str(uuid.uuid4())
    rows = {"organization": [{"id": org, "name": "Importado", "description": "x"}]}
    rows["service"], rows["location"], rows["service_at_location"], rows["attribute"] = [], [], [], []
    country_term = str(__import__("directory.hsds.tables", fromlist=["FIELD_TERMS"]).FIELD_TERMS["enlace:country"])
    for i in range(count):
        sid, lid = str(uuid.uuid4()), str(uuid.uuid4())
        rows["service"].append(
            {"id": sid, "organization_id": org, "name": f"Servicio importado {i}", "status": "active"}
        )
        rows["location"].append(
            {
                "id": lid,
                "location_type": "physical",
                "latitude": place.latitude + rng.uniform(-1, 1),
                "longitude": place.longitude + rng.uniform(-1, 1),
            }
        )
        rows["service_at_location"].append({"id": str(uuid.uuid4()), "service_id": sid, "location_id": lid})
        for link in (sid, lid):
            rows["attribute"].append(
                {
                    "id": str(uuid.uuid4()),
                    "link_id": link,
                    "taxonomy_term_id": country_term,
                    "link_entity": "x",
                    "value": "GT",
                }
            )
    for table, items in rows.items():
        path, columns = TABLES[table]
        with open(folder / path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(items)
    t0 = time.perf_counter()
    counts = load(read_path(folder))
    seconds = time.perf_counter() - t0
    records = sum(counts.values())
    print(
        f"HSDS import: {count} services ({records} records) in {seconds:.1f} s = "
        f"{count / seconds:.0f} services/s, {records / seconds:.0f} records/s"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50000)
    parser.add_argument("--viewports", type=int, default=100)
    parser.add_argument("--import-services", type=int, default=10000, help="0 to skip the import benchmark")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server's maintenance database (postgres://user@host/postgres): "
        "the benchmark creates and drops its own database there",
    )
    args = parser.parse_args(argv)
    rng = random.Random(42)
    with tempfile.TemporaryDirectory(prefix="enlace-bench-") as name:
        tmp = Path(name)
        setup_database(tmp, args.postgres)
        figures = bench_map(args.points, args.viewports, rng)
        if args.import_services:
            bench_import(args.import_services, tmp, rng)
        from django.db import connections

        connections.close_all()
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "enlace_bench_{os.getpid()}"')
    print(
        f"map points={args.points} p95_ms={figures['p95_ms']:.1f} p95_kb={figures['p95_kb']:.1f} "
        f"two_filters_p95_ms={figures['two_filters_p95_ms']:.1f} build_s={figures['build_s']:.1f} "
        f"edit_ms={figures['edit_ms']:.1f} naive_ms={figures['naive_ms']:.0f} naive_kb={figures['naive_kb']:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
