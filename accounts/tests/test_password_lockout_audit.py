"""A password lockout is written to the audit trail once, however many attempts it refuses."""

import datetime

import time_machine
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import AuditAction, AuditEntry
from core.testing import build_network

ADDRESS = "203.0.113.7"


class PasswordLockoutAuditTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        # allauth's own limit on sign-ins per address (30 a minute) lives in the cache; start afresh.
        cache.clear()
        self.addCleanup(cache.clear)

    def wrong_password(self, client):
        return client.post(reverse("account_login"), {"login": "gt@example.org", "password": "wrong-password"})

    def check_one_lockout_entry(self):
        client = Client(REMOTE_ADDR=ADDRESS)
        for _ in range(10):
            self.wrong_password(client)
        for _ in range(3):
            self.assertEqual(self.wrong_password(client).status_code, 429)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).count(), 13)
        locked = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT)
        expected = [("gt@example.org", ADDRESS, ADDRESS)]
        self.assertEqual([(e.object_repr, e.note, e.remote_addr) for e in locked], expected)

    def test_a_password_lockout_is_audited_once_however_many_attempts_it_refuses(self):
        self.check_one_lockout_entry()

    @override_settings(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT=False)
    def test_a_password_lockout_is_audited_once_when_refused_attempts_do_not_extend_it(self):
        self.check_one_lockout_entry()

    def test_a_new_lockout_after_the_cool_off_is_audited_again(self):
        self.check_one_lockout_entry()
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
            client = Client(REMOTE_ADDR=ADDRESS)
            for _ in range(10):
                self.wrong_password(client)
            self.assertEqual(AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).count(), 2)
