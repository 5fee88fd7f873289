"""Benchmark the directory map: clustered answers against every point as GeoJSON; HSDS import rate.

    python -m bench.map --points 50000 [--import-services 10000]

Runs on a throwaway SQLite database in a temporary folder (or on DATABASE_URL's server when
--use-database-url is given, in a database it creates and drops). Prints the figures and
ends with: map points=N p95_ms=… p95_kb=… naive_ms=… naive_kb=…
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


def bench_map(points, viewports, rng):
    from django.test import Client

    from directory import queries, synthetic

    started = time.perf_counter()
    synthetic.create(points)
    print(f"created {points} synthetic locations in {time.perf_counter() - started:.1f} s")
    from directory.models import MapPoint

    client = Client()
    client.get("/map/data.json?bbox=-120,5,-60,50&zoom=4")  # warm up
    # Viewports centred where the data is (a map user looks at places with services).
    centres = list(MapPoint.objects.order_by("?").values_list("latitude", "longitude")[:viewports])
    times, sizes, markers = [], [], []
    for index in range(viewports):
        zoom = rng.randint(3, 14)
        lat, lon = centres[index % len(centres)]
        # A 1400×900-pixel viewport at this zoom, in degrees.
        width = 1400 * 360 / (256 * 2**zoom)
        height = 900 * 170 / (256 * 2**zoom)
        bbox = f"{lon - width / 2:.5f},{lat - height / 2:.5f},{lon + width / 2:.5f},{lat + height / 2:.5f}"
        t0 = time.perf_counter()
        response = client.get(f"/map/data.json?bbox={bbox}&zoom={zoom}")
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        sizes.append(len(response.content) / 1024)
        data = json.loads(response.content)
        markers.append(len(data["clusters"]) + len(data["points"]))
    t0 = time.perf_counter()
    naive = json.dumps(queries.naive_geojson(None)).encode()
    naive_ms = (time.perf_counter() - t0) * 1000
    print(
        f"clustered: p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms, max {max(times):.1f} ms; "
        f"size p95 {p95(sizes):.1f} KB, max {max(sizes):.1f} KB; markers p95 {p95(markers)}, max {max(markers)}"
    )
    print(f"naive (every point as GeoJSON): {naive_ms:.0f} ms, {len(naive) / 1024:.0f} KB")
    return p95(times), p95(sizes), naive_ms, len(naive) / 1024


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
        p95_ms, p95_kb, naive_ms, naive_kb = bench_map(args.points, args.viewports, rng)
        if args.import_services:
            bench_import(args.import_services, tmp, rng)
        from django.db import connections

        connections.close_all()
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "enlace_bench_{os.getpid()}"')
    print(
        f"map points={args.points} p95_ms={p95_ms:.1f} p95_kb={p95_kb:.1f} "
        f"naive_ms={naive_ms:.0f} naive_kb={naive_kb:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
