"""Exported services validate against HSDS compiled/service.json; export → import → export is identical."""

import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from directory import hsds
from directory.hsds.importer import load
from directory.hsds.package import read_path
from directory.models import Location, Service

from .helpers import build_directory


def export(folder, *extra):
    call_command("export_hsds", str(folder), *extra, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {p.name: p.read_text(encoding="utf-8") for p in Path(folder).iterdir()}


class HsdsExportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def test_every_exported_service_validates_against_the_compiled_schema(self):
        with tempfile.TemporaryDirectory() as folder:
            files = export(folder)
        services = json.loads(files["services.json"])
        self.assertEqual(len(services), 3)
        for service in services:
            self.assertEqual(hsds.schema_errors("service", service), [], service["id"])
        shelter = next(s for s in services if s["id"] == str(self.n.shelter.pk))
        self.assertEqual(
            shelter["service_at_locations"][0]["location"]["addresses"][0]["address_1"], "Calle Escondida 77"
        )
        self.assertIn("datapackage.json", files)
        package = json.loads(files["datapackage.json"])
        self.assertIn("services.csv", [r["path"] for r in package["resources"]])

    def test_export_then_import_then_export_gives_identical_files(self):
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            before = export(first)
            Service.objects.all().delete()
            Location.objects.all().delete()
            call_command("import_hsds", first, stdout=open("/dev/null", "w"))  # noqa: SIM115
            after = export(second)
        self.assertEqual(sorted(before), sorted(after))
        for name in before:
            self.assertEqual(before[name], after[name], name)
        shelter = Service.objects.get(pk=self.n.shelter.pk)
        self.assertEqual(shelter.name_en, "Shelter for unaccompanied children")
        self.assertTrue(shelter.service_at_locations.get().location.is_confidential)

    def test_hsds_json_imports_back_to_the_same_records(self):
        with tempfile.TemporaryDirectory() as folder:
            files = export(folder)
            Service.objects.all().delete()
            counts = load(read_path(Path(folder) / "services.json"))
            self.assertEqual(counts["service"], 3)
            again = export(Path(folder) / "again")
        self.assertEqual(files["services.csv"], again["services.csv"])
        self.assertEqual(files["locations.csv"], again["locations.csv"])

    def test_the_public_export_hides_the_confidential_address(self):
        with tempfile.TemporaryDirectory() as folder:
            files = export(folder, "--public")
        self.assertNotIn("Calle Escondida", "".join(files.values()))
        self.assertNotIn("14.8512", files["locations.csv"])
