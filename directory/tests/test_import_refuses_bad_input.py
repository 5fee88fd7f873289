"""Bad HSDS input gets a message naming the file, row and field, and nothing is written."""

import csv
import io
import os
import tempfile
import zipfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from directory.hsds.tables import FIELD_TERMS, TABLES
from directory.models import Location, Service

from .helpers import reference_data

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"


def package(folder, **overrides):
    rows = {
        "organization": [{"id": ORG, "name": "Org", "description": "x"}],
        "service": [{"id": SERVICE, "organization_id": ORG, "name": "Servicio", "status": "active"}],
        "location": [{"id": LOCATION, "location_type": "physical", "latitude": "14.6", "longitude": "-90.5"}],
        "service_at_location": [
            {"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "service_id": SERVICE, "location_id": LOCATION}
        ],
        "attribute": [
            {
                "id": "5a1b2c3d-0000-4000-8000-000000000001",
                "link_id": SERVICE,
                "taxonomy_term_id": str(FIELD_TERMS["enlace:country"]),
                "link_entity": "service",
                "value": "GT",
            },
            {
                "id": "5a1b2c3d-0000-4000-8000-000000000002",
                "link_id": LOCATION,
                "taxonomy_term_id": str(FIELD_TERMS["enlace:country"]),
                "link_entity": "location",
                "value": "GT",
            },
        ],
        "schedule": [],
    }
    rows.update(overrides)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table, items in rows.items():
        path, columns = TABLES[table]
        with open(folder / path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(items)
    return folder


class ImportRefusesBadInputTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from core.testing import build_network

        reference_data()
        build_network()

    def refused(self, path):
        with self.assertRaises(CommandError) as caught:
            call_command("import_hsds", str(path), "--strict", stdout=io.StringIO())
        self.assertEqual(Service.objects.count(), 0)
        self.assertEqual(Location.objects.count(), 0)
        return str(caught.exception)

    def test_a_good_package_imports(self):
        with tempfile.TemporaryDirectory() as folder:
            out = io.StringIO()
            call_command("import_hsds", str(package(folder)), stdout=out)
        self.assertIn("service: 1", out.getvalue())
        self.assertEqual(Service.objects.get().country.code.code, "GT")

    def test_a_bad_uuid_is_named_with_file_row_and_field(self):
        with tempfile.TemporaryDirectory() as folder:
            bad = [{"id": "not-a-uuid", "organization_id": ORG, "name": "S", "status": "active"}]
            message = self.refused(package(folder, service=bad))
        self.assertIn("services.csv, row 2, id: “not-a-uuid” is not a UUID.", message)

    def test_a_latitude_of_200_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            bad = [{"id": LOCATION, "location_type": "physical", "latitude": "200", "longitude": "-90.5"}]
            message = self.refused(package(folder, location=bad))
        self.assertIn("locations.csv, row 2, latitude: 200 is not between -90 and 90.", message)

    def test_a_schedule_that_is_not_a_valid_rule_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            bad = [
                {"id": "0b4b4a5e-1111-4111-8111-111111111111", "service_id": SERVICE, "freq": "WEEKLY", "byday": "XX"}
            ]
            message = self.refused(package(folder, schedule=bad))
        self.assertIn("schedules.csv, row 2, byday:", message)
        with tempfile.TemporaryDirectory() as folder:
            bad = [{"id": "0b4b4a5e-1111-4111-8111-111111111111", "service_id": SERVICE, "freq": "HOURLY"}]
            self.assertIn("schedules.csv, row 2, freq:", self.refused(package(folder, schedule=bad)))

    def test_a_reference_to_nothing_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            bad = [
                {
                    "id": SERVICE,
                    "organization_id": "11111111-2222-4333-8444-555555555555",
                    "name": "S",
                    "status": "active",
                }
            ]
            message = self.refused(package(folder, service=bad))
        self.assertIn("services.csv, row 2, organization_id:", message)

    def test_a_zip_with_a_thousand_nested_folders_is_refused_before_extraction(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "deep.zip"
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("/".join(["d"] * 1000) + "/services.csv", "id\n")
            message = self.refused(path)
        self.assertIn("deep.zip", message)
        self.assertIn("nested 1001 folders deep", message)

    def test_a_500_mb_json_is_refused_without_reading_it(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "huge.json"
            with open(path, "wb") as handle:
                handle.truncate(500 * 1024 * 1024)  # sparse: takes no disk, would take memory if read
            message = self.refused(path)
        self.assertIn("huge.json: 500 MB is more than", message)

    def test_json_that_breaks_the_hsds_schema_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "services.json"
            path.write_text('[{"id": "x", "name": "S", "status": "open"}]', encoding="utf-8")
            message = self.refused(path)
        self.assertIn("services.json, service 1, status:", message)
        self.assertIn("services.json, service 1, id:", message)

    def test_a_file_that_is_not_a_package_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "notes.txt"
            path.write_text("hello")
            self.assertIn("notes.txt", self.refused(path))
            self.assertIn("no such file", self.refused(os.path.join(folder, "missing")))
