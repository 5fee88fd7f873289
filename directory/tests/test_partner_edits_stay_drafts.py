"""Partners' edits are drafts until a country officer or the TS approves; verification; the to-verify list."""

import datetime

from django.core.exceptions import PermissionDenied
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from core import access
from core.testing import form_values, signed_in
from directory import queries, services
from directory.models import EditStatus, Service, ServiceEdit

from .helpers import build_directory


class PartnerDraftsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def test_a_partner_named_on_a_service_proposes_a_draft_the_public_does_not_see(self):
        n = self.n
        services.name_partner(n.office_service, n.partner, acting_user=n.gt_officer)
        draft = services.update_service(n.office_service, acting_user=n.partner, name_es="Nombre propuesto")
        self.assertIsInstance(draft, ServiceEdit)
        self.assertEqual(Service.objects.get(pk=n.office_service.pk).name_es, "Atención a niñez retornada")
        page = Client().get(reverse("directory:service", args=[n.office_service.pk])).content.decode()
        self.assertNotIn("Nombre propuesto", page)
        api = Client().get(f"/api/hsds/services/{n.office_service.pk}").content.decode()
        self.assertNotIn("Nombre propuesto", api)
        # Another country's officer may not approve; Guatemala's officer may.
        with self.assertRaises(PermissionDenied):
            services.approve_edit(draft, acting_user=n.hn_officer)
        with self.assertRaises(PermissionDenied):
            services.approve_edit(draft, acting_user=n.partner)
        services.approve_edit(draft, acting_user=n.gt_officer)
        self.assertEqual(ServiceEdit.objects.get(pk=draft.pk).status, EditStatus.APPROVED)
        page = Client().get(reverse("directory:service", args=[n.office_service.pk])).content.decode()
        self.assertIn("Nombre propuesto", page)

    def test_the_staff_of_the_providers_organization_propose_drafts_too(self):
        draft = services.update_service(self.n.unicef_service, acting_user=self.n.partner, status="inactive")
        self.assertIsInstance(draft, ServiceEdit)
        services.reject_edit(draft, acting_user=self.n.ts, note="no")
        self.assertEqual(Service.objects.get(pk=self.n.unicef_service.pk).status, "active")

    def test_a_partner_not_named_is_refused_and_officers_of_other_countries_too(self):
        with self.assertRaises(PermissionDenied):
            services.update_service(self.n.office_service, acting_user=self.n.partner, name_es="x")
        with self.assertRaises(PermissionDenied):
            services.update_service(self.n.office_service, acting_user=self.n.hn_officer, name_es="x")
        with self.assertRaises(PermissionDenied):
            services.verify_service(self.n.office_service, acting_user=self.n.mx_officer)

    def test_the_countrys_officer_edits_directly(self):
        result = services.update_service(self.n.office_service, acting_user=self.n.gt_officer, maximum_age=15)
        self.assertIsInstance(result, Service)
        self.assertEqual(Service.objects.get(pk=self.n.office_service.pk).maximum_age, 15)

    def test_a_partners_new_entry_is_unpublished_until_approved(self):
        n = self.n
        service = services.create_service(
            acting_user=n.partner, provider=n.unicef_provider, country=n.gt, name_es="Nuevo servicio", locations=[]
        )
        self.assertFalse(service.is_published)
        self.assertEqual(Client().get(reverse("directory:service", args=[service.pk])).status_code, 403)
        self.assertNotIn(service, access.restrict(Service.objects.all(), None))
        self.assertEqual(signed_in(n.partner).get(reverse("directory:service", args=[service.pk])).status_code, 200)
        self.assertIn(service, queries.pending_services(n.gt_officer, n.gt))
        services.publish_service(service, acting_user=n.gt_officer)
        self.assertEqual(Client().get(reverse("directory:service", args=[service.pk])).status_code, 200)

    def test_verified_today_sets_the_assured_date_and_the_to_verify_list_flags_old_entries(self):
        n = self.n
        old = timezone.localdate() - datetime.timedelta(days=400)
        Service.objects.filter(pk=n.shelter.pk).update(assured_date=old)
        Service.objects.filter(pk=n.unicef_service.pk).update(assured_date=timezone.localdate())
        flagged = set(queries.to_verify(n.gt_officer, n.gt))
        self.assertIn(Service.objects.get(pk=n.shelter.pk), flagged)
        self.assertIn(Service.objects.get(pk=n.office_service.pk), flagged)  # never verified
        self.assertNotIn(Service.objects.get(pk=n.unicef_service.pk), flagged)
        response = signed_in(n.gt_officer).post(reverse("directory:service_verify", args=[n.shelter.pk]))
        self.assertEqual(response.status_code, 302)
        shelter = Service.objects.get(pk=n.shelter.pk)
        self.assertEqual(shelter.assured_date, timezone.localdate())
        self.assertEqual(shelter.assurer_email, "gt@example.org")
        self.assertNotIn(shelter, set(queries.to_verify(n.gt_officer, n.gt)))
        page = signed_in(n.gt_officer).get(reverse("directory:review", args=["gt"]))
        self.assertContains(page, "Care for returned children")
        self.assertEqual(signed_in(n.hn_officer).get(reverse("directory:review", args=["gt"])).status_code, 403)
        self.assertEqual(Client().post(reverse("directory:service_verify", args=[n.shelter.pk])).status_code, 302)
        officer = signed_in(n.gt_officer)
        url = reverse("directory:service_verify", args=[n.shelter.pk])
        for elsewhere in ("https://evil.example/phish", "//evil.example/", "javascript:alert(1)"):
            with self.subTest(next=elsewhere):  # back to a page of this site only, never to another
                self.assertEqual(officer.post(url, {"next": elsewhere})["Location"], n.shelter.get_absolute_url())
        back = reverse("directory:review", args=["gt"]) + "?verify=2"
        self.assertEqual(officer.post(url, {"next": back})["Location"], back)

    def test_the_edit_page_sends_a_partners_change_for_approval(self):
        n = self.n
        client = signed_in(n.partner)
        url = reverse("directory:service_edit", args=[n.unicef_service.pk])
        page = client.get(url)
        self.assertEqual(page.status_code, 200)
        response = client.post(url, form_values(page, name_es="Espacio renovado", languages=["es", "en"]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ServiceEdit.objects.pending().get().changes["name_es"], "Espacio renovado")
        self.assertEqual(Service.objects.get(pk=n.unicef_service.pk).name_es, "Espacio amigable para la niñez")
        self.assertEqual(signed_in(n.hn_officer).get(url).status_code, 403)
