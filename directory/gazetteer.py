"""Our gazetteer: first-level divisions and main municipalities of the member countries.

`data/places.csv` was written for Enlace (approximate centroids, city-level precision: enough to
order services by distance and to place a confidential shelter at its municipality).
"""

import csv
from pathlib import Path

PLACES_CSV = Path(__file__).resolve().parent / "data" / "places.csv"


def rows():
    with open(PLACES_CSV, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def install(Place):
    """Create or refresh the places (used by the data migration)."""
    divisions = {}
    data = list(rows())
    for row in data:
        if row["kind"] == "division":
            place, _created = Place.objects.update_or_create(
                country_code=row["country"],
                kind="division",
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                },
            )
            divisions[row["code"]] = place
    for row in data:
        if row["kind"] == "municipality":
            Place.objects.update_or_create(
                country_code=row["country"],
                kind="municipality",
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "parent": divisions[row["parent"]],
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                },
            )
