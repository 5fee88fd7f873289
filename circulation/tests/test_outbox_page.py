"""An SMTP failure leaves the e-mail queued, retried, then failed, and always visible to the TS (and only to the TS)."""

import datetime

import time_machine
from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from circulation import services
from core.testing import build_network, signed_in
from messaging import outbox
from messaging.models import EmailState, Notification, OutboundEmail

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DOWN = {"default": {"BACKEND": "circulation.tests.failingmail.ServerDownBackend"}}
UP = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@override_settings(TASKS=IMMEDIATE)
class OutboxTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def queue(self):
        with self.captureOnCommitCallbacks(execute=True):
            email, _ = outbox.queue_email(
                to="gt@example.org", subject="Circular", body="Text", language="es", dedupe_key="k:1"
            )
        return email

    def test_a_failure_keeps_it_queued_with_its_error_on_the_ts_outbox_page(self):
        with override_settings(MAILERS=DOWN):
            email = self.queue()
        email.refresh_from_db()
        self.assertEqual((email.state, email.attempts), (EmailState.QUEUED, 1))
        self.assertIn("SMTPServerDisconnected", email.last_error)
        page = signed_in(self.n.ts).get(reverse("circulation:outbox"), {"state": "queued"})
        self.assertContains(page, "gt@example.org")
        self.assertContains(page, "SMTPServerDisconnected")
        for user in (self.n.gt_officer, self.n.pa_officer, self.n.partner):
            self.assertEqual(signed_in(user).get(reverse("circulation:outbox")).status_code, 403)
        # The server is back; when the retry is due, the sweep sends it.
        with override_settings(MAILERS=UP), self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(outbox.sweep()["requeued"], 0)  # not due yet
            with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
                outbox.sweep()
        email.refresh_from_db()
        self.assertEqual(email.state, EmailState.SENT)
        self.assertEqual(len(mail.outbox), 1)

    def test_after_the_last_attempt_it_fails_the_ts_is_told_and_may_send_it_again(self):
        with override_settings(MAILERS=DOWN):
            email = self.queue()
            for _ in range(outbox.MAX_ATTEMPTS - 1):
                OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
                outbox.deliver(email.pk)
        email.refresh_from_db()
        self.assertEqual((email.state, email.attempts), (EmailState.FAILED, outbox.MAX_ATTEMPTS))
        told = Notification.objects.get(user=self.n.ts, kind="outbox_problem")
        self.assertIsNone(told.email)  # about e-mail trouble: in Enlace only
        client = signed_in(self.n.ts)
        self.assertContains(client.get(reverse("circulation:outbox"), {"state": "problems"}), "gt@example.org")
        with override_settings(MAILERS=UP), self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("circulation:outbox_action", args=[email.pk]), {"action": "retry"})
        self.assertEqual(response.status_code, 302)
        email.refresh_from_db()
        self.assertEqual(email.state, EmailState.SENT)

    def test_the_ts_may_mark_an_unconfirmed_email_as_sent_and_others_may_not(self):
        email = self.queue()
        OutboundEmail.objects.filter(pk=email.pk).update(state=EmailState.UNCONFIRMED)
        self.assertEqual(
            signed_in(self.n.gt_officer)
            .post(reverse("circulation:outbox_action", args=[email.pk]), {"action": "confirm"})
            .status_code,
            403,
        )
        services.confirm_email_sent(email, acting_user=self.n.ts)
        email.refresh_from_db()
        self.assertEqual(email.state, EmailState.SENT)

    def test_queueing_the_same_key_twice_queues_once(self):
        first = self.queue()
        second = self.queue()
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(len(mail.outbox), 1)
