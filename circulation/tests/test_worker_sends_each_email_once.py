"""E-mails go out through the real worker process (`manage.py db_worker`), once each, even when it dies.

These tests start other processes on the test database (see tests/worker.py) and take a few
seconds each; they run on SQLite and on PostgreSQL.
"""

import datetime
import tempfile
from collections import Counter

from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from circulation import services
from circulation.testing import circulate, seed_countries, seed_meeting_officers
from core.testing import build_network
from messaging import outbox
from messaging.models import EmailState, Notification, NotificationKind, OutboundEmail

from .mailbackend import delivered
from .worker import OtherProcesses, wait_until

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DATABASE_QUEUE)
class WorkerTest(TransactionTestCase):
    def setUp(self):
        self.mail_dir = tempfile.mkdtemp(prefix="enlace-mail-")
        self.n = build_network()

    def queue(self, count):
        emails = []
        for i in range(count):
            email, _ = outbox.queue_email(
                to=f"person{i}@example.org",
                subject=f"Message {i}",
                body="Hello",
                language="en",
                dedupe_key=f"test:{i}",
            )
            emails.append(email)
        return emails

    def test_the_overdue_countrys_officers_get_their_reminders_through_the_worker(self):
        officers = seed_meeting_officers(self.n)
        deadline = timezone.localdate() + datetime.timedelta(days=10)
        circular = circulate(
            acting_user=self.n.ts, countries=seed_countries(), title_en="Information note", reply_deadline=deadline
        )
        recipients = {r.country.code.code: r for r in circular.recipients.select_related("country")}
        for code in ("GT", "MX"):
            services.reply_to_circular(circular, acting_user=officers[code], text="Our reply.")
        later = deadline + datetime.timedelta(days=20)
        for code in ("CA", "CR", "SV", "HN", "NI"):
            services.extend_deadline(recipients[code], later, acting_user=self.n.ts)
        # The day after the deadline: Panama has neither replied nor an extension.
        services.send_reminders(today=deadline + datetime.timedelta(days=1))
        with OtherProcesses(self.mail_dir) as others:
            others.run_worker_batch()
        sent = Counter(delivered(self.mail_dir))
        panama = {"pa@example.org"}
        officer_addresses = {user.email for user in officers.values()}
        self.assertEqual(set(sent), officer_addresses | {self.n.gt_alternate.email, self.n.ts.email})
        self.assertEqual(max(sent.values()), 2)  # the circular, then the reminder; nobody twice the same
        reminded = set(
            Notification.objects.filter(kind=NotificationKind.DEADLINE_PASSED, user__person__isnull=False)
            .exclude(user=self.n.ts)
            .values_list("user__email", flat=True)
        )
        self.assertEqual(reminded, panama)
        self.assertEqual(sent["pa@example.org"], 2)
        self.assertEqual(sent["gt@example.org"], 1)
        self.assertFalse(OutboundEmail.objects.exclude(state=EmailState.SENT).exists())

    def test_after_a_sigkill_mid_run_every_pending_email_goes_out_and_none_twice(self):
        emails = self.queue(6)
        # The "mail server" takes a second to confirm each message: the kill lands in that second.
        with OtherProcesses(self.mail_dir, ENLACE_TEST_MAIL_DELAY="1") as others:
            worker = others.start_worker()
            wait_until(lambda: len(delivered(self.mail_dir)) >= 2)
            others.kill(worker)
            others.pull()
            states = Counter(OutboundEmail.objects.values_list("state", flat=True))
            in_flight = states[EmailState.SENDING]
            self.assertEqual(in_flight, 1, states)  # the second one, handed over, never confirmed
            self.assertEqual(states[EmailState.SENT] + in_flight + states[EmailState.QUEUED], 6)
            self.assertEqual(len(delivered(self.mail_dir)), states[EmailState.SENT] + in_flight)
            handed_over = OutboundEmail.objects.get(state=EmailState.SENDING)
            stuck = DBTaskResult.objects.get(status="RUNNING")
            # Before the timeout nothing is touched; after it, the task is retried and the
            # unconfirmed hand-off is flagged to the TS instead of being sent again.
            self.assertEqual(outbox.sweep(), {"tasks_retried": 0, "tasks_failed": 0, "unconfirmed": 0, "requeued": 0})
            later = timezone.now() + datetime.timedelta(seconds=601)
            with override_settings(OUTBOX_UNCONFIRMED_AFTER=600, TASK_STALE_AFTER=600):
                swept = outbox.sweep(now=later)
            self.assertEqual((swept["tasks_retried"], swept["unconfirmed"]), (1, 1))
            others.push()
            others.run_worker_batch()
        sent = Counter(delivered(self.mail_dir))
        self.assertEqual(set(sent), {email.to for email in emails})
        self.assertEqual(set(sent.values()), {1})  # every pending e-mail went out, none twice
        states = dict(OutboundEmail.objects.values_list("to", "state"))
        self.assertEqual(states.pop(handed_over.to), EmailState.UNCONFIRMED)
        self.assertEqual(set(states.values()), {EmailState.SENT})
        stuck.refresh_from_db()
        self.assertEqual(stuck.status, "SUCCESSFUL")
        self.assertEqual(len(stuck.worker_ids), 2)
        flagged = Notification.objects.get(kind=NotificationKind.OUTBOX_PROBLEM, user=self.n.ts)
        self.assertIn(handed_over.to, flagged.subject)

    def test_a_task_left_running_is_retried_after_the_timeout(self):
        emails = self.queue(3)
        # A worker claimed the first task and died before it could even claim the e-mail.
        task = DBTaskResult.objects.order_by("enqueued_at").first()
        task.claim("a-worker-that-died")
        with OtherProcesses(self.mail_dir) as others:
            others.manage("sweep_outbox", TASK_STALE_AFTER=3600)
            others.run_worker_batch()
            others.pull()
            self.assertEqual(sorted(delivered(self.mail_dir)), ["person1@example.org", "person2@example.org"])
            task.refresh_from_db()
            self.assertEqual(task.status, "RUNNING")
            others.manage("sweep_outbox", TASK_STALE_AFTER=0)
            others.run_worker_batch()
        self.assertEqual(sorted(delivered(self.mail_dir)), sorted(email.to for email in emails))
        task.refresh_from_db()
        self.assertEqual(task.status, "SUCCESSFUL")
        self.assertEqual(task.worker_ids[0], "a-worker-that-died")

    def test_a_hand_off_never_confirmed_is_flagged_to_the_ts_and_not_sent_again(self):
        (email,) = self.queue(1)
        OutboundEmail.objects.filter(pk=email.pk).update(
            state=EmailState.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1), attempts=1
        )
        with OtherProcesses(self.mail_dir) as others:
            others.manage("sweep_outbox", OUTBOX_UNCONFIRMED_AFTER=60)
            others.run_worker_batch()
        self.assertEqual(delivered(self.mail_dir), [])
        email.refresh_from_db()
        self.assertEqual(email.state, EmailState.UNCONFIRMED)
        self.assertTrue(Notification.objects.filter(kind=NotificationKind.OUTBOX_PROBLEM, user=self.n.ts).exists())
        # The TS decides to send it again: it goes, once.
        services.retry_email(email, acting_user=self.n.ts)
        with OtherProcesses(self.mail_dir) as others:
            others.run_worker_batch()
        self.assertEqual(delivered(self.mail_dir), ["person0@example.org"])

    def test_a_refused_email_stays_queued_with_its_error_and_goes_when_the_server_accepts_it(self):
        self.queue(2)
        with OtherProcesses(self.mail_dir) as others:
            others.run_worker_batch(ENLACE_TEST_MAIL_REFUSE="person0@example.org")
            others.pull()
            refused = OutboundEmail.objects.get(to="person0@example.org")
            self.assertEqual(refused.state, EmailState.QUEUED)
            self.assertEqual(refused.attempts, 1)
            self.assertIn("SMTPRecipientsRefused", refused.last_error)
            self.assertGreater(refused.next_attempt_at, timezone.now())
            # Its retry waits in the queue, deferred; make it due now.
            OutboundEmail.objects.filter(pk=refused.pk).update(next_attempt_at=timezone.now())
            DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
            others.push()
            others.run_worker_batch()
        self.assertEqual(sorted(delivered(self.mail_dir)), ["person0@example.org", "person1@example.org"])
        refused.refresh_from_db()
        self.assertEqual((refused.state, refused.attempts), (EmailState.SENT, 2))
