"""The demo directory loads twice without duplicates; every change to a service is in the audit trail."""

import io

from django.test import TestCase
from django.urls import reverse

from core.models import AuditEntry
from core.testing import signed_in
from directory import demo, services
from directory.models import Location, Provider, Service
from network import demo as network_demo

from .helpers import build_directory, reference_data


class DemoTest(TestCase):
    def test_the_demo_directory_is_idempotent_and_marked_demo(self):
        reference_data()
        network_demo.load(io.StringIO())
        demo.load(io.StringIO())
        counts = (Service.objects.count(), Location.objects.count(), Provider.objects.count())
        demo.load(io.StringIO())
        self.assertEqual(counts, (Service.objects.count(), Location.objects.count(), Provider.objects.count()))
        self.assertGreaterEqual(counts[0], 40)
        self.assertFalse(Service.objects.filter(is_demo=False).exists())
        self.assertEqual(
            set(Service.objects.values_list("country__code", flat=True)),
            {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"},
        )
        self.assertTrue(Location.objects.filter(is_confidential=True).exists())


class AuditTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def test_changes_are_recorded_with_who_and_before_and_after(self):
        services.update_service(self.n.office_service, acting_user=self.n.gt_officer, maximum_age=12)
        entry = AuditEntry.objects.for_object(self.n.office_service).filter(action="update").first()
        self.assertEqual(entry.actor, self.n.gt_officer)
        self.assertEqual(entry.changes["maximum_age"], [17, 12])
        page = signed_in(self.n.ts).get(reverse("directory:service", args=[self.n.office_service.pk]))
        self.assertContains(page, 'class="history"')
        self.assertContains(page, "gt@example.org")
        self.assertNotContains(
            signed_in(self.n.gt_officer).get(reverse("directory:service", args=[self.n.office_service.pk])),
            'class="history"',
        )

    def test_a_refusal_on_a_service_is_recorded_against_that_service(self):
        from core.testing import api_client

        url = f"/api/v1/directory/services/{self.n.office_service.pk}/verify"
        self.assertEqual(api_client(self.n.hn_officer).post(url).status_code, 403)
        refusal = AuditEntry.objects.for_object(self.n.office_service).get(action="refused")
        self.assertEqual((refusal.actor, refusal.note), (self.n.hn_officer, "verify"))
