"""Wrong second-factor codes lock the account from that address, as wrong passwords do, and are audited."""

import datetime

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.second_factor import REFUSED_CODE_NOTE, WRONG_CODE_NOTE
from core.models import AuditAction, AuditEntry
from core.testing import PASSWORD, build_network, give_totp, signed_in, totp_code

ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.2"


def wrong(secret):
    """A code that is not the right one now."""
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"


class CodeLockoutCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.gt_secret = give_totp(cls.n.gt_officer)

    def setUp(self):
        # allauth remembers used TOTP codes and sign-ins per address in the cache; start afresh.
        cache.clear()
        self.addCleanup(cache.clear)
        # Time stands still, so a computed code stays right (and a wrong one wrong) for the test.
        traveller = time_machine.travel(timezone.now(), tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)

    def at_code_page(self, address=ADDRESS, email="ts@example.org", **extra):
        client = Client(REMOTE_ADDR=address, **extra)
        response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        return client

    def send_code(self, client, code):
        return client.post(reverse("mfa_authenticate"), {"code": code})

    def is_signed_in(self, client):
        return client.get("/contacts/").status_code == 200

    def lock(self, client, secret=None):
        secret = secret or self.n.ts_totp_secret
        for attempt in range(1, 10):
            self.assertEqual(self.send_code(client, wrong(secret)).status_code, 200, attempt)
        self.assertEqual(self.send_code(client, wrong(secret)).status_code, 429)

    def entries(self, action, **filters):
        return AuditEntry.objects.filter(action=action, **filters)


class SecondFactorLockoutTest(CodeLockoutCase):
    def test_ten_wrong_codes_lock_the_account_from_that_address_even_for_the_right_code(self):
        client = self.at_code_page(HTTP_ACCEPT_LANGUAGE="en")
        self.lock(client)
        response = self.send_code(client, totp_code(self.n.ts_totp_secret))
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many wrong second-factor codes", status_code=429)
        self.assertFalse(self.is_signed_in(client))

    def test_each_wrong_code_is_one_audit_entry_naming_the_account_and_address(self):
        client = self.at_code_page()
        before = AuditEntry.objects.count()
        self.send_code(client, wrong(self.n.ts_totp_secret))
        self.assertEqual(AuditEntry.objects.count(), before + 1)
        entry = AuditEntry.objects.latest("id")
        self.assertEqual(
            (entry.action, entry.actor, entry.object_id, entry.remote_addr, entry.note),
            (AuditAction.SIGN_IN_FAILED, self.n.ts, str(self.n.ts.pk), ADDRESS, WRONG_CODE_NOTE),
        )

    def test_the_lockout_is_audited_once_and_each_refused_code_once(self):
        client = self.at_code_page()
        self.lock(client)
        for _ in range(3):
            self.send_code(client, totp_code(self.n.ts_totp_secret))
        self.assertEqual(self.entries(AuditAction.SIGN_IN_FAILED, note=WRONG_CODE_NOTE, actor=self.n.ts).count(), 10)
        self.assertEqual(self.entries(AuditAction.SIGN_IN_FAILED, note=REFUSED_CODE_NOTE, actor=self.n.ts).count(), 3)
        locked = self.entries(AuditAction.LOCKED_OUT)
        self.assertEqual(
            [(e.actor, e.object_id, e.remote_addr) for e in locked], [(self.n.ts, str(self.n.ts.pk), ADDRESS)]
        )

    def test_another_address_and_another_account_are_not_locked(self):
        self.lock(self.at_code_page())
        elsewhere = self.at_code_page(OTHER_ADDRESS)
        self.assertEqual(self.send_code(elsewhere, totp_code(self.n.ts_totp_secret)).status_code, 302)
        self.assertTrue(self.is_signed_in(elsewhere))
        colleague = self.at_code_page(email="gt@example.org")
        self.assertEqual(self.send_code(colleague, totp_code(self.gt_secret)).status_code, 302)
        self.assertTrue(self.is_signed_in(colleague))

    def test_after_the_cool_off_the_right_code_works(self):
        self.lock(self.at_code_page())
        self.clock.shift(datetime.timedelta(minutes=14))
        client = self.at_code_page()
        self.assertEqual(self.send_code(client, totp_code(self.n.ts_totp_secret)).status_code, 429)
        self.clock.shift(datetime.timedelta(minutes=16))
        client = self.at_code_page()
        self.assertEqual(self.send_code(client, totp_code(self.n.ts_totp_secret)).status_code, 302)
        self.assertTrue(self.is_signed_in(client))

    def test_a_right_code_after_a_few_failures_resets_the_count(self):
        client = self.at_code_page()
        for _ in range(9):
            self.send_code(client, wrong(self.n.ts_totp_secret))
        self.assertEqual(self.send_code(client, totp_code(self.n.ts_totp_secret)).status_code, 302)
        client.post(reverse("account_logout"))
        self.clock.shift(datetime.timedelta(seconds=30))  # the next code
        client = self.at_code_page()
        for attempt in range(1, 10):
            self.assertEqual(self.send_code(client, wrong(self.n.ts_totp_secret)).status_code, 200, attempt)
        self.assertEqual(self.send_code(client, totp_code(self.n.ts_totp_secret)).status_code, 302)

    def test_recovery_codes_count_as_codes_and_are_refused_while_locked(self):
        recovery = RecoveryCodes.activate(self.n.ts)
        code = recovery.get_unused_codes()[0]
        client = self.at_code_page()
        for _ in range(5):
            self.send_code(client, wrong(self.n.ts_totp_secret))
        for attempt in range(4):
            self.assertEqual(self.send_code(client, f"wrong{attempt:03d}").status_code, 200)
        self.assertEqual(self.send_code(client, "wrong999").status_code, 429)
        self.assertEqual(self.send_code(client, code).status_code, 429)
        self.assertFalse(self.is_signed_in(client))
        self.assertIn(code, RecoveryCodes(Authenticator.objects.get(pk=recovery.instance.pk)).get_unused_codes())

    def test_wrong_codes_and_wrong_passwords_are_counted_apart(self):
        client = Client(REMOTE_ADDR=ADDRESS)
        for _ in range(9):
            client.post(reverse("account_login"), {"login": "ts@example.org", "password": "wrong-password"})
        client = self.at_code_page()
        for attempt in range(1, 10):
            self.assertEqual(self.send_code(client, wrong(self.n.ts_totp_secret)).status_code, 200, attempt)
        self.assertEqual(self.send_code(client, totp_code(self.n.ts_totp_secret)).status_code, 302)

    def test_the_lockout_page_speaks_the_readers_language(self):
        client = self.at_code_page(HTTP_ACCEPT_LANGUAGE="es")
        self.lock(client)
        response = self.send_code(client, totp_code(self.n.ts_totp_secret))
        self.assertContains(response, "Demasiados códigos", status_code=429)
        self.assertContains(response, "15 minutos", status_code=429)

    def test_a_posted_code_is_not_kept_in_the_lockout_records(self):
        client = self.at_code_page()
        code = wrong(self.n.ts_totp_secret)
        self.send_code(client, code)
        attempt = AccessAttempt.objects.get(username=f"second-factor:{self.n.ts.pk}")
        self.assertEqual((attempt.ip_address, attempt.failures_since_start), (ADDRESS, 1))
        self.assertNotIn(code, attempt.post_data)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_the_client_address_counts_not_the_proxys(self):
        proxy = "10.0.0.5"
        client = self.at_code_page(proxy, HTTP_X_FORWARDED_FOR=ADDRESS)
        self.lock(client)
        self.assertEqual(self.entries(AuditAction.LOCKED_OUT).get().remote_addr, ADDRESS)
        # Another client through the same proxy is not locked.
        other = self.at_code_page(proxy, HTTP_X_FORWARDED_FOR=OTHER_ADDRESS)
        self.assertEqual(self.send_code(other, totp_code(self.n.ts_totp_secret)).status_code, 302)

    def test_asking_a_signed_in_account_for_its_code_again_is_limited_too(self):
        client = signed_in(self.n.ts)
        for attempt in range(1, 10):
            response = client.post(reverse("mfa_reauthenticate"), {"code": wrong(self.n.ts_totp_secret)})
            self.assertEqual(response.status_code, 200, attempt)
        response = client.post(reverse("mfa_reauthenticate"), {"code": wrong(self.n.ts_totp_secret)})
        self.assertEqual(response.status_code, 429)
        response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(self.n.ts_totp_secret)})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.entries(AuditAction.LOCKED_OUT).count(), 1)
