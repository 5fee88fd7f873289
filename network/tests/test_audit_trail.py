"""Every change to network records keeps who, when, and the values before and after."""

import json

from django.test import TestCase
from django.urls import reverse

from core.models import AuditAction, AuditEntry
from core.testing import api_client, build_network, signed_in
from network import services
from network.models import Person


class AuditTrailTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_an_email_change_shows_both_values_and_the_editor_to_the_ts(self):
        services.update_person(self.n.gt_alt_person, acting_user=self.n.gt_officer, email="lucia.morales@example.org")
        entry = AuditEntry.objects.for_object(self.n.gt_alt_person).get(
            action=AuditAction.UPDATE, changes__has_key="email"
        )
        self.assertEqual(entry.actor, self.n.gt_officer)
        self.assertEqual(entry.changes["email"], ["gt.alt@example.org", "lucia.morales@example.org"])
        page = signed_in(self.n.ts).get(reverse("network:person", args=[self.n.gt_alt_person.pk]))
        self.assertContains(page, "Change history")
        self.assertContains(page, "gt.alt@example.org")
        self.assertContains(page, "lucia.morales@example.org")
        self.assertContains(page, "gt@example.org")  # the editor

    def test_the_history_is_for_the_ts_only(self):
        services.update_person(self.n.gt_alt_person, acting_user=self.n.gt_officer, email="lucia.morales@example.org")
        page = signed_in(self.n.gt_officer).get(reverse("network:person", args=[self.n.gt_alt_person.pk]))
        self.assertNotContains(page, "Change history")

    def test_an_api_change_is_attributed_to_the_token_owner(self):
        response = api_client(self.n.hn_officer).patch(
            f"/api/v1/people/{self.n.hn_person.pk}",
            data=json.dumps({"honorific": "Dr.", "revision": Person.objects.get(pk=self.n.hn_person.pk).revision}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200)
        entry = AuditEntry.objects.for_object(self.n.hn_person).get(
            action=AuditAction.UPDATE, changes__has_key="honorific"
        )
        self.assertEqual(entry.actor, self.n.hn_officer)
        self.assertEqual(entry.changes, {"honorific": ["", "Dr."]})

    def test_a_term_ending_and_its_creation_are_recorded(self):
        term = self.n.gt_alt_person.appointments.get()
        services.end_appointment(term, acting_user=self.n.gt_officer)
        entries = AuditEntry.objects.for_object(term)
        self.assertEqual([e.action for e in entries], [AuditAction.UPDATE, AuditAction.CREATE])
        self.assertIn("end_date", entries[0].changes)
        self.assertEqual(entries[1].actor, self.n.ts)

    def test_a_refused_change_is_recorded_and_changes_nothing(self):
        response = api_client(self.n.gt_officer).patch(
            f"/api/v1/people/{self.n.hn_person.pk}",
            data=json.dumps({"honorific": "Dr.", "revision": Person.objects.get(pk=self.n.hn_person.pk).revision}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)
        entries = AuditEntry.objects.for_object(self.n.hn_person)
        self.assertFalse(entries.filter(action=AuditAction.UPDATE, changes__has_key="honorific").exists())
        refusal = entries.get(action=AuditAction.REFUSED)
        self.assertEqual((refusal.actor, refusal.note), (self.n.gt_officer, "change"))
