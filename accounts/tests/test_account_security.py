"""Second factor for the TS, lockout, session limits, password rules, security headers."""

import datetime

import time_machine
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditAction, AuditEntry
from core.testing import PASSWORD, api_client, build_network, make_user, signed_in, totp_code
from network import services
from network.models import Appointment, AppointmentRole, Person


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


class SecondFactorTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        person = Person.objects.create(given_names="Nuevo", family_names="Secretario", email="ts2@example.org")
        Appointment.objects.create(
            person=person, organization=cls.n.ts_org, role=AppointmentRole.STAFF, start_date=datetime.date(2020, 1, 1)
        )
        cls.new_ts = make_user("ts2@example.org", person)

    def test_a_ts_account_without_second_factor_reaches_only_its_set_up(self):
        client = Client()
        sign_in(client, "ts2@example.org")
        for url in ["/", "/contacts/", "/admin/", "/account/tokens/", "/countries/gt/"]:
            response = client.get(url)
            self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False, msg_prefix=url)
        self.assertEqual(client.get("/api/v1/me").status_code, 403)
        self.assertEqual(api_client(self.new_ts).get("/api/v1/me").status_code, 401)
        self.assertIn(client.get(reverse("mfa_activate_totp")).status_code, (200, 302))

    def test_activating_the_second_factor_opens_the_pages(self):
        client = Client()
        sign_in(client, "ts2@example.org")
        response = client.get("/contacts/")
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
        # The password just typed to sign in counts: no second prompt in the next minutes ...
        self.assertEqual(client.get(reverse("mfa_activate_totp")).status_code, 200)
        # ... but later allauth asks for it again before a second factor is activated. (The clock stands
        # still there, so that the code's 30-second window cannot turn before it is checked.)
        with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=6), tick=False):
            response = client.get(reverse("mfa_activate_totp"))
            self.assertIn(reverse("account_reauthenticate"), response["Location"])
            client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
            client.get(reverse("mfa_activate_totp"))
            secret = client.session["mfa.totp.secret"]
            response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
            self.assertEqual(response.status_code, 302)
        self.assertEqual(client.get("/contacts/").status_code, 200)
        self.assertTrue(self.new_ts.authenticator_set.filter(type="recovery_codes").exists())

    def test_signing_in_asks_for_the_code_before_any_page(self):
        client = Client()
        response = sign_in(client, "ts@example.org")
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        # Without the code the account is not signed in.
        self.assertEqual(client.get("/contacts/").status_code, 302)
        self.assertIn(reverse("account_login"), client.get("/contacts/")["Location"])
        # The clock stands still from working out the code to checking it: allauth accepts the current
        # 30-second window only, which could otherwise turn in between.
        with time_machine.travel(timezone.now(), tick=False):
            code = totp_code(self.n.ts_totp_secret)
            wrong = f"{(int(code) + 1) % 1_000_000:06d}"  # never the right code ("000000" is, once in a million)
            response = client.post(reverse("mfa_authenticate"), {"code": wrong})
            self.assertEqual(response.status_code, 200)
            response = client.post(reverse("mfa_authenticate"), {"code": code})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.get("/contacts/").status_code, 200)

    def test_other_roles_may_sign_in_with_a_password_only(self):
        client = Client()
        self.assertEqual(sign_in(client, "gt@example.org")["Location"], "/circulars/my-work/")  # their landing page
        self.assertEqual(client.get("/contacts/").status_code, 200)


class LockoutTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_ten_wrong_passwords_lock_the_account_from_that_address_for_fifteen_minutes(self):
        client = Client(REMOTE_ADDR="203.0.113.7")
        for _ in range(9):
            self.assertEqual(sign_in(client, "gt@example.org", "wrong-password").status_code, 200)
        self.assertEqual(sign_in(client, "gt@example.org", "wrong-password").status_code, 429)
        response = sign_in(client, "gt@example.org")
        self.assertEqual(response.status_code, 429)
        self.assertFalse(client.get("/contacts/").status_code == 200)
        locked = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT)
        self.assertTrue(locked.exists())
        self.assertEqual({(e.object_repr, e.note) for e in locked}, {("gt@example.org", "203.0.113.7")})
        # Ten wrong passwords, then the refused attempt during the lockout.
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).count(), 11)
        # Another address is not locked out.
        self.assertEqual(sign_in(Client(REMOTE_ADDR="198.51.100.2"), "gt@example.org").status_code, 302)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
            self.assertEqual(sign_in(client, "gt@example.org").status_code, 302)

    def test_nine_wrong_passwords_do_not_lock(self):
        client = Client(REMOTE_ADDR="203.0.113.8")
        for _ in range(9):
            sign_in(client, "hn@example.org", "wrong-password")
        self.assertEqual(sign_in(client, "hn@example.org").status_code, 302)


class SessionLimitsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_an_idle_session_ends_after_an_hour(self):
        client = Client()
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            sign_in(client, "gt@example.org")
            self.assertEqual(client.get("/contacts/").status_code, 200)
        with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
            self.assertEqual(client.get("/contacts/").status_code, 200)
        with time_machine.travel(start + datetime.timedelta(minutes=59 + 61), tick=False):
            self.assertEqual(client.get("/contacts/").status_code, 302)

    def test_an_active_session_ends_twelve_hours_after_sign_in(self):
        client = Client()
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            sign_in(client, "gt@example.org")
        for minutes in range(50, 12 * 60, 50):
            with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
                self.assertEqual(client.get("/contacts/").status_code, 200, minutes)
        with time_machine.travel(start + datetime.timedelta(hours=12, minutes=10), tick=False):
            self.assertEqual(client.get("/contacts/").status_code, 302)


class PasswordTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_changing_the_password_signs_out_other_sessions(self):
        laptop, phone = Client(), Client()
        sign_in(laptop, "gt@example.org")
        sign_in(phone, "gt@example.org")
        response = laptop.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "Otra-clave-segura-2026", "password2": "Otra-clave-segura-2026"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(laptop.get("/contacts/").status_code, 200)
        self.assertEqual(phone.get("/contacts/").status_code, 302)

    def test_a_common_password_is_refused(self):
        client = signed_in(self.n.gt_officer)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "password123", "password2": "password123"},
        )
        self.assertEqual(response.status_code, 200)
        self.n.gt_officer.refresh_from_db()
        self.assertTrue(self.n.gt_officer.check_password(PASSWORD))


class RoleChangeAuditTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_role_changes_are_in_the_audit_trail(self):
        term = self.n.gt_alt_person.appointments.get()
        services.update_appointment(term, acting_user=self.n.gt_officer, role=AppointmentRole.PRINCIPAL)
        entry = AuditEntry.objects.for_object(term).get(action=AuditAction.UPDATE)
        self.assertEqual(entry.changes["role"], ["alternate", "principal"])
        user = User.objects.get(email="outsider@example.org")
        user.is_superuser = True
        user.save()
        self.assertTrue(AuditEntry.objects.for_object(user).filter(changes__has_key="is_superuser").exists())


class HeadersTest(TestCase):
    def test_pages_carry_a_strict_policy(self):
        response = self.client.get("/")
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self' 'nonce-", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        # The only inline script is htmx's, and it carries the nonce.
        html = response.content.decode()
        nonce = csp.split("'nonce-")[1].split("'")[0]
        scripts = [part.split(">", 1)[0] for part in html.split("<script")[1:]]
        self.assertTrue(scripts)
        for attrs in scripts:
            self.assertTrue(f'nonce="{nonce}"' in attrs or "src=" in attrs, attrs)
