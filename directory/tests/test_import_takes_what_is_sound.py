"""Others' HSDS packages are imperfect: the sound rows are imported, the rest repaired or skipped with a
reason per row; --strict refuses the whole; a second import updates instead of duplicating."""

import io
import tempfile

from django.core.management import CommandError, call_command
from django.test import TestCase

from directory.models import Location, Provider, Schedule, Service

from .helpers import reference_data
from .test_import_refuses_bad_input import LOCATION, ORG, SERVICE, package

ELSEWHERE = "11111111-2222-4333-8444-555555555555"  # in neither the package nor Enlace
ORPHAN = "2c9f3a10-5b1e-4c2a-9d3e-7f6a5b4c3d2e"
ORPHAN_SCHEDULE = "0b4b4a5e-2222-4222-8222-222222222222"


def imperfect(folder):
    """Open Referral's example has these faults: a location at latitude 100, longitude 101, and rows that
    name an organization the package does not hold."""
    return package(
        folder,
        location=[{"id": LOCATION, "location_type": "physical", "latitude": "100", "longitude": "101"}],
        service=[
            {"id": SERVICE, "organization_id": ORG, "name": "Albergue", "status": "active"},
            {"id": ORPHAN, "organization_id": ELSEWHERE, "name": "Huérfano", "status": "active"},
            {"id": "not-a-uuid", "organization_id": ORG, "name": "Roto", "status": "active"},
        ],
        schedule=[{"id": ORPHAN_SCHEDULE, "service_id": ORPHAN, "freq": "WEEKLY", "byday": "MO"}],
    )


class ImportTakesWhatIsSoundTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from core.testing import build_network

        reference_data()
        build_network()

    def run_import(self, folder, *options):
        out = io.StringIO()
        call_command("import_hsds", str(folder), *options, stdout=out)
        return out.getvalue()

    def test_the_sound_rows_are_imported_and_each_other_row_is_repaired_or_skipped_with_its_reason(self):
        with tempfile.TemporaryDirectory() as folder:
            out = self.run_import(imperfect(folder))
        self.assertEqual(list(Service.objects.values_list("name_es", flat=True)), ["Albergue"])
        self.assertEqual(Provider.objects.filter(pk=ORG).count(), 1)
        location = Location.objects.get(pk=LOCATION)
        self.assertEqual((location.latitude, location.longitude), (None, None))  # kept, without a map point
        self.assertFalse(Schedule.objects.exists())  # it belonged to the skipped service
        self.assertIn("Repaired: location: 1.", out)
        self.assertIn("locations.csv, row 2: latitude 100 is impossible: kept without a map point", out)
        self.assertIn("Skipped: service: 2, schedule: 1.", out)
        self.assertIn(f"services.csv, row 3: organization_id: {ELSEWHERE} is not in organization", out)
        self.assertIn("services.csv, row 4: id: “not-a-uuid” is not a UUID.", out)
        self.assertIn(f"schedules.csv, row 2: service_id: {ORPHAN} is not in service", out)

    def test_strict_refuses_the_whole_package_and_writes_nothing(self):
        with tempfile.TemporaryDirectory() as folder, self.assertRaises(CommandError) as caught:
            self.run_import(imperfect(folder), "--strict")
        self.assertIn("latitude: 100 is not between -90 and 90.", str(caught.exception))
        self.assertFalse(Service.objects.exists())
        self.assertFalse(Location.objects.exists())

    def test_a_dry_run_reports_the_same_and_writes_nothing(self):
        with tempfile.TemporaryDirectory() as folder:
            out = self.run_import(imperfect(folder), "--dry-run")
        self.assertIn("Checked (dry run): ", out)
        self.assertIn("Skipped: service: 2, schedule: 1.", out)
        self.assertFalse(Service.objects.exists())

    def test_a_second_import_of_the_same_package_updates_instead_of_duplicating(self):
        with tempfile.TemporaryDirectory() as folder:
            self.run_import(imperfect(folder))
        with tempfile.TemporaryDirectory() as folder:
            renamed = [{"id": SERVICE, "organization_id": ORG, "name": "Albergue temporal", "status": "active"}]
            self.run_import(package(folder, service=renamed))
        self.assertEqual(list(Service.objects.values_list("name_es", flat=True)), ["Albergue temporal"])
        self.assertEqual(Location.objects.count(), 1)
        self.assertEqual(Location.objects.get().latitude, 14.6)  # the corrected package gives it its point

    def test_an_import_leaves_an_entry_in_the_audit_trail_saying_what_it_brought(self):
        from core.models import AuditEntry

        before = AuditEntry.objects.count()
        with tempfile.TemporaryDirectory() as folder:
            self.run_import(imperfect(folder))
        notes = list(AuditEntry.objects.order_by("pk")[before:].values_list("note", flat=True))
        self.assertIn("HSDS import: 1 services", notes)
