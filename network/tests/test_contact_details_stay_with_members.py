"""Anonymous visitors never get an official's e-mail or phone: pages, API, exports, search."""

from datetime import date, timedelta

from django.test import TestCase
from django.urls import reverse

from core.models import Visibility
from core.testing import api_client, build_network, signed_in
from network import services

SECRETS = ("gt@example.org", "hn@example.org", "2412", "+50224128000", "2232")


class AnonymousVisitorTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        # Even a person whose name is public keeps their contact details private.
        services.update_person(cls.n.gt_person, acting_user=cls.n.ts, visibility=Visibility.PUBLIC)

    def assertNoSecrets(self, content):
        text = content.decode() if isinstance(content, bytes) else content
        for secret in SECRETS:
            self.assertNotIn(secret, text)

    def test_pages_show_no_contact_details(self):
        urls = [
            reverse("network:home"),
            reverse("network:country", args=["gt"]),
            reverse("network:country", args=["hn"]),
            reverse("network:organization", args=[self.n.sbs.pk]),
            reverse("network:organization", args=[self.n.unicef.pk]),
            reverse("network:body", args=["child-protection"]),
            reverse("network:person", args=[self.n.gt_person.pk]),
        ]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNoSecrets(response.content)
        # The public name is shown, without contact details.
        self.assertContains(self.client.get(reverse("network:country", args=["gt"])), "Carlos Estrada")

    def test_members_only_people_are_not_shown_at_all(self):
        response = self.client.get(reverse("network:person", args=[self.n.hn_person.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(self.client.get(reverse("network:country", args=["hn"])), "Alvarado")

    def test_directory_exports_and_vcards_need_a_member(self):
        for url in [
            reverse("network:contacts"),
            reverse("network:contacts_export", args=["csv"]),
            reverse("network:contacts_export", args=["xlsx"]),
            reverse("network:contacts_export", args=["vcf"]),
            reverse("network:person_vcard", args=[self.n.gt_person.pk]),
        ]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("account_login"), response["Location"])
        outsider = signed_in(self.n.outsider)
        for url in [reverse("network:contacts"), reverse("network:contacts_export", args=["csv"])]:
            self.assertEqual(outsider.get(url).status_code, 403)

    def test_api_gives_null_contact_fields(self):
        client = api_client()
        people = client.get("/api/v1/people").json()["items"]
        self.assertEqual([p["family_names"] for p in people], ["Estrada"])
        self.assertIsNone(people[0]["email"])
        self.assertIsNone(people[0]["phone_office"])
        self.assertNoSecrets(client.get(f"/api/v1/people/{self.n.gt_person.pk}").content)
        self.assertEqual(client.get(f"/api/v1/people/{self.n.hn_person.pk}").status_code, 404)
        directory = client.get("/api/v1/appointments").content
        self.assertNoSecrets(directory)

    def test_search_neither_shows_nor_matches_contact_details(self):
        response = self.client.get(reverse("search"), {"q": "Estrada"})
        self.assertContains(response, "Carlos Estrada")
        self.assertNoSecrets(response.content)
        # Searching by e-mail must not reveal who owns it.
        response = self.client.get(reverse("search"), {"q": "gt@example.org"})
        self.assertNotContains(response, "Estrada")
        response = self.client.get(reverse("search"), {"q": "Alvarado"})
        self.assertNotContains(response, "Alvarado</a>")


class MemberTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_a_partner_member_sees_contact_details(self):
        client = signed_in(self.n.partner)
        response = client.get(reverse("network:country", args=["hn"]))
        self.assertContains(response, "hn@example.org")
        people = api_client(self.n.partner).get("/api/v1/people?q=Alvarado").json()["items"]
        self.assertEqual(people[0]["email"], "hn@example.org")
        self.assertEqual(people[0]["phone_office"], "+50422321000")

    def test_a_member_finds_a_contact_by_e_mail(self):
        response = signed_in(self.n.gt_officer).get(reverse("search"), {"q": "hn@example.org"})
        self.assertContains(response, "José Alvarado")

    def test_a_closed_account_loses_member_access(self):
        term = self.n.partner_person.appointments.get()
        services.end_appointment(term, acting_user=self.n.ts, end_date=date.today() - timedelta(days=1))
        self.n.partner.refresh_from_db()
        self.assertFalse(self.n.partner.is_active)
        response = api_client(self.n.partner).get("/api/v1/people?q=Alvarado")
        self.assertEqual(response.status_code, 401)
