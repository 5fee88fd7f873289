"""When a term ends the account closes and the contact leaves current lists; history keeps it."""

import datetime

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from core import access
from core.testing import build_network, signed_in
from network import services
from network.models import AppointmentRole


class TermEndTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        term = cls.n.hn_person.appointments.get()
        services.update_appointment(
            term, acting_user=cls.n.ts, end_date=datetime.date.today() + datetime.timedelta(days=10)
        )

    def test_the_daily_command_closes_the_account_once_the_term_is_over(self):
        call_command("close_ended_terms", stdout=open("/dev/null", "w"))
        self.n.hn_officer.refresh_from_db()
        self.assertTrue(self.n.hn_officer.is_active)
        with time_machine.travel(datetime.date.today() + datetime.timedelta(days=12)):
            call_command("close_ended_terms", stdout=open("/dev/null", "w"))
            self.n.hn_officer.refresh_from_db()
            self.assertFalse(self.n.hn_officer.is_active)
            page = self.client.get(reverse("network:country", args=["hn"]))
            self.assertNotIn(self.n.hn_person, [a.person for a in page.context["current"]])
            history = signed_in(self.n.ts).get(reverse("network:country", args=["hn"])).context["past"]
            self.assertIn(self.n.hn_person, [a.person for a in history])

    def test_rights_end_with_the_term_even_before_the_command_runs(self):
        with time_machine.travel(datetime.date.today() + datetime.timedelta(days=12)):
            self.assertFalse(access.principal_for(self.n.hn_officer).is_member)

    def test_a_new_term_reopens_the_account(self):
        term = self.n.hn_person.appointments.get()
        services.update_appointment(term, acting_user=self.n.ts, end_date=term.start_date)
        self.n.hn_officer.refresh_from_db()
        self.assertFalse(self.n.hn_officer.is_active)
        services.create_appointment(
            self.n.hn_person,
            acting_user=self.n.ts,
            organization=self.n.dinaf,
            role=AppointmentRole.ALTERNATE,
            body=self.n.network,
        )
        self.n.hn_officer.refresh_from_db()
        self.assertTrue(self.n.hn_officer.is_active)


class PptRightsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_ppt_rights_follow_the_current_period(self):
        self.assertTrue(access.principal_for(self.n.pa_officer).is_ppt)
        self.assertFalse(access.principal_for(self.n.gt_officer).is_ppt)
        services.start_ppt_period(self.n.conference, self.n.gt, datetime.date.today(), acting_user=self.n.ts)
        access.forget_principal(self.n.pa_officer)
        access.forget_principal(self.n.gt_officer)
        self.assertFalse(access.principal_for(self.n.pa_officer).is_ppt)
        self.assertTrue(access.principal_for(self.n.gt_officer).is_ppt)

    def test_only_the_ts_hands_over_the_presidency(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            services.start_ppt_period(
                self.n.conference, self.n.gt, datetime.date.today(), acting_user=self.n.pa_officer
            )


class PasswordResetTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_a_password_reset_link_arrives_by_e_mail(self):
        response = self.client.post(reverse("account_reset_password"), {"email": "gt@example.org"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(mail.outbox[-1].to, ["gt@example.org"])
        self.assertIn("/accounts/password/reset/key/", mail.outbox[-1].body)


class LanguageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_switching_language_keeps_the_page(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/countries/gt/?x=1"})
        self.assertRedirects(response, "/countries/gt/?x=1", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/countries/gt/").headers["Content-Language"], "en")
        self.client.post(reverse("set_language"), {"language": "es", "next": "/countries/gt/"})
        self.assertEqual(self.client.get("/countries/gt/").headers["Content-Language"], "es")

    def test_a_signed_in_user_keeps_their_language_on_any_device(self):
        client = signed_in(self.n.gt_officer)
        client.post(reverse("set_language"), {"language": "es", "next": "/"})
        self.n.gt_officer.refresh_from_db()
        self.assertEqual(self.n.gt_officer.language, "es")
        other_device = signed_in(self.n.gt_officer)
        response = other_device.get("/", headers={"Accept-Language": "en"})
        self.assertEqual(response.headers["Content-Language"], "es")

    def test_an_outside_next_is_not_followed(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
        self.assertEqual(response["Location"], "/")


class ApiTokenTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_a_token_is_shown_once_and_works_until_revoked(self):
        client = signed_in(self.n.gt_officer)
        response = client.post(reverse("accounts:api_tokens"), {"name": "hoja de cálculo"})
        key = response.context["new_key"]
        self.assertTrue(key.startswith("enl_"))
        self.assertNotContains(client.get(reverse("accounts:api_tokens")), key)
        api = self.client_class(headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(api.get("/api/v1/me").json()["officer_countries"], ["GT"])
        token = self.n.gt_officer.api_tokens.get()
        client.post(reverse("accounts:revoke_api_token", args=[token.pk]))
        self.assertEqual(api.get("/api/v1/me").status_code, 401)

    def test_a_wrong_token_is_refused_even_for_reads(self):
        api = self.client_class(headers={"Authorization": "Bearer enl_wrong"})
        self.assertEqual(api.get("/api/v1/countries").status_code, 401)
