"""A Guatemala officer edits Guatemala's contacts and is refused on Honduras's (page and API)."""

import json

from django.test import TestCase
from django.urls import reverse

from core.testing import api_client, build_network, signed_in
from network.models import Person


def person_form_data(person, **changes):
    data = {
        "honorific": person.honorific,
        "given_names": person.given_names,
        "family_names": person.family_names,
        "email": person.email,
        "phone_office": person.phone_office.as_international if person.phone_office else "",
        "phone_mobile": "",
        "languages": ["es"],
        "visibility": person.visibility,
    }
    data.update(changes)
    return data


class PageEditsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_it_lets_a_guatemala_officer_edit_a_guatemala_contact(self):
        client = signed_in(self.n.gt_officer)
        url = reverse("network:person_edit", args=[self.n.gt_alt_person.pk])
        self.assertEqual(client.get(url).status_code, 200)
        response = client.post(url, person_form_data(self.n.gt_alt_person, phone_mobile="+502 5555 1234"))
        self.assertRedirects(response, self.n.gt_alt_person.get_absolute_url())
        self.n.gt_alt_person.refresh_from_db()
        self.assertEqual(self.n.gt_alt_person.phone_mobile.as_e164, "+50255551234")

    def test_it_refuses_a_guatemala_officer_on_a_honduras_contact(self):
        client = signed_in(self.n.gt_officer)
        url = reverse("network:person_edit", args=[self.n.hn_person.pk])
        self.assertEqual(client.get(url).status_code, 403)
        response = client.post(url, person_form_data(self.n.hn_person, family_names="Changed"))
        self.assertEqual(response.status_code, 403)
        self.n.hn_person.refresh_from_db()
        self.assertEqual(self.n.hn_person.family_names, "Alvarado")

    def test_it_refuses_a_partner_member_on_both_countries(self):
        client = signed_in(self.n.partner)
        for person in (self.n.gt_alt_person, self.n.hn_person):
            url = reverse("network:person_edit", args=[person.pk])
            self.assertEqual(client.get(url).status_code, 403)
            self.assertEqual(client.post(url, person_form_data(person, family_names="X")).status_code, 403)
            person.refresh_from_db()
            self.assertNotEqual(person.family_names, "X")

    def test_it_refuses_a_guatemala_officer_on_a_honduras_term(self):
        client = signed_in(self.n.gt_officer)
        term = self.n.hn_person.appointments.get()
        url = reverse("network:appointment_edit", args=[self.n.hn_person.pk, term.pk])
        self.assertEqual(client.get(url).status_code, 403)

    def test_it_lets_people_correct_their_own_record_but_not_its_visibility(self):
        client = signed_in(self.n.partner)
        url = reverse("network:person_edit", args=[self.n.partner_person.pk])
        response = client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("visibility", response.context["form"].fields)
        response = client.post(
            url, person_form_data(self.n.partner_person, family_names="Méndez Ruiz", visibility="public")
        )
        self.assertEqual(response.status_code, 302)
        self.n.partner_person.refresh_from_db()
        self.assertEqual(self.n.partner_person.family_names, "Méndez Ruiz")
        self.assertEqual(self.n.partner_person.visibility, "members")

    def test_it_lets_an_officer_add_a_contact_only_for_their_country(self):
        client = signed_in(self.n.gt_officer)
        form = client.get(reverse("network:person_create")).context["appointment_form"]
        self.assertEqual(set(form.fields["country"].queryset), {self.n.gt})
        self.assertEqual(set(form.fields["organization"].queryset), {self.n.sbs})
        data = {
            "person-given_names": "Nuevo",
            "person-family_names": "Contacto",
            "person-email": "nuevo@example.org",
            "person-visibility": "members",
            "term-organization": self.n.dinaf.pk,
            "term-role": "alternate",
            "term-body": self.n.network.pk,
            "term-start_date": "2026-01-01",
        }
        response = client.post(reverse("network:person_create"), data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Person.objects.filter(email="nuevo@example.org").exists())
        data["term-organization"] = self.n.sbs.pk
        response = client.post(reverse("network:person_create"), data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Person.objects.get(email="nuevo@example.org").appointments.filter(country=self.n.gt).exists())


class ApiEditsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def patch(self, user, person, data):
        data = {"revision": Person.objects.get(pk=person.pk).revision, **data}  # as read by a GET
        return api_client(user).patch(
            f"/api/v1/people/{person.pk}", data=json.dumps(data), content_type="application/json"
        )

    def test_it_lets_a_guatemala_officer_patch_a_guatemala_contact(self):
        response = self.patch(self.n.gt_officer, self.n.gt_alt_person, {"phone_mobile": "+502 5555 1234"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["phone_mobile"], "+50255551234")

    def test_it_refuses_a_guatemala_officer_on_a_honduras_contact(self):
        response = self.patch(self.n.gt_officer, self.n.hn_person, {"family_names": "Changed"})
        self.assertEqual(response.status_code, 403)
        self.n.hn_person.refresh_from_db()
        self.assertEqual(self.n.hn_person.family_names, "Alvarado")

    def test_it_refuses_a_partner_member_on_both_countries(self):
        for person in (self.n.gt_alt_person, self.n.hn_person):
            self.assertEqual(self.patch(self.n.partner, person, {"family_names": "X"}).status_code, 403)

    def test_it_refuses_an_officer_creating_a_contact_in_another_country(self):
        payload = {
            "given_names": "Otro",
            "family_names": "País",
            "email": "otro@example.org",
            "appointment": {"organization_id": self.n.dinaf.pk, "role": "alternate", "body": "child-protection"},
        }
        response = api_client(self.n.gt_officer).post(
            "/api/v1/people", data=json.dumps(payload), content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Person.objects.filter(email="otro@example.org").exists())

    def test_it_refuses_an_officer_moving_a_term_to_another_country(self):
        term = self.n.gt_alt_person.appointments.get()
        response = api_client(self.n.gt_officer).patch(
            f"/api/v1/appointments/{term.pk}",
            data=json.dumps({"organization_id": self.n.dinaf.pk}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)
        term.refresh_from_db()
        self.assertEqual(term.organization, self.n.sbs)

    def test_it_asks_anonymous_writers_to_sign_in(self):
        response = api_client().patch(
            f"/api/v1/people/{self.n.gt_person.pk}",
            data=json.dumps({"family_names": "X", "revision": self.n.gt_person.revision}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 401)
