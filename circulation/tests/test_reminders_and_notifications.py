"""Reminders 7 and 1 days before a deadline and after it, from an idempotent daily command; notify() for every app."""

import datetime
import io
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from circulation import services
from circulation.testing import circulate
from core.testing import build_network, signed_in
from messaging.models import Delivery, Notification, NotificationKind, OutboundEmail
from messaging.notifications import notify

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
TZ = ZoneInfo("America/Costa_Rica")
DAY0 = datetime.date(2027, 3, 1)  # the day the circular is sent: the tests travel to it and the days after


def at(day, hour=7):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@override_settings(TASKS=IMMEDIATE)
class RemindersTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Terms dated back from DAY0, not from the real today: current on the days travelled to, whatever the year.
        cls.n = build_network(today=DAY0)

    def setUp(self):
        self.day0 = DAY0
        self.deadline = self.day0 + datetime.timedelta(days=20)
        with time_machine.travel(at(self.day0), tick=False), self.captureOnCommitCallbacks(execute=True):
            self.circular = circulate(
                acting_user=self.n.ts,
                countries=[self.n.gt, self.n.hn],
                title_en="Call for practices",
                reply_deadline=self.deadline,
            )
            services.reply_to_circular(self.circular, acting_user=self.n.hn_officer, text="Honduras replies.")
        mail.outbox.clear()

    def run_on(self, day):
        with time_machine.travel(at(day), tick=False), self.captureOnCommitCallbacks(execute=True):
            call_command("send_reminders", stdout=io.StringIO())
        sent = sorted((m.to[0], m.subject) for m in mail.outbox)
        mail.outbox.clear()
        return sent

    def test_reminders_come_seven_and_one_days_before_and_after_the_deadline_once_each(self):
        gt = ["gt.alt@example.org", "gt@example.org"]
        self.assertEqual(self.run_on(self.deadline - datetime.timedelta(days=8)), [])
        week = self.run_on(self.deadline - datetime.timedelta(days=7))
        self.assertEqual([to for to, _s in week], gt)
        self.assertIn("Reply due within a week: CRM/ST/", week[0][1])
        self.assertIn(" · Call for practices", week[0][1])
        self.assertEqual(self.run_on(self.deadline - datetime.timedelta(days=7)), [])  # the same day again
        self.assertEqual(self.run_on(self.deadline - datetime.timedelta(days=6)), [])  # and the day after
        day = self.run_on(self.deadline - datetime.timedelta(days=1))
        self.assertEqual([to for to, _s in day], gt)
        self.assertIn("Reply due tomorrow or today", day[0][1])
        self.assertEqual(self.run_on(self.deadline), [])
        passed = self.run_on(self.deadline + datetime.timedelta(days=1))
        self.assertEqual([to for to, _s in passed], sorted([*gt, "ts@example.org"]))
        self.assertEqual(self.run_on(self.deadline + datetime.timedelta(days=1)), [])
        self.assertEqual(self.run_on(self.deadline + datetime.timedelta(days=2)), [])
        self.assertEqual(OutboundEmail.objects.count(), OutboundEmail.objects.values("dedupe_key").distinct().count())

    def test_a_missed_day_is_caught_up_the_next_day(self):
        week = self.run_on(self.deadline - datetime.timedelta(days=5))  # the timer did not run for two days
        self.assertEqual(len(week), 2)

    def test_the_country_that_replied_is_not_reminded(self):
        self.run_on(self.deadline - datetime.timedelta(days=7))
        self.assertFalse(Notification.objects.filter(user=self.n.hn_officer, kind="deadline_soon").exists())

    def test_a_reminder_reads_in_each_officers_language(self):
        self.n.gt_officer.language = "es"
        self.n.gt_officer.save()
        week = dict(self.run_on(self.deadline - datetime.timedelta(days=7)))
        self.assertIn("La respuesta vence en menos de una semana", week["gt@example.org"])
        self.assertIn("Reply due", week["gt.alt@example.org"])

    def test_digest_readers_get_one_email_a_day_and_off_readers_none(self):
        services.set_notification_preferences(acting_user=self.n.gt_officer, default=Delivery.DIGEST)
        services.set_notification_preferences(
            acting_user=self.n.gt_alternate,
            default=Delivery.IMMEDIATE,
            per_kind={NotificationKind.DEADLINE_SOON: Delivery.OFF},
        )
        week_day = self.deadline - datetime.timedelta(days=7)
        sent = self.run_on(week_day)
        # The digest of that day holds the reminder; the alternate turned reminders off.
        self.assertEqual([to for to, _s in sent], ["gt@example.org"])
        self.assertIn("1 notification", sent[0][1])
        self.assertEqual(self.run_on(week_day), [])
        self.assertTrue(Notification.objects.filter(user=self.n.gt_alternate, kind="deadline_soon").exists())


@override_settings(TASKS=IMMEDIATE)
class NotifyTest(TestCase):
    """The function other apps call: meetings (commitments), plan (reports), practices (reviews)."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_each_reader_gets_it_once_in_their_language(self):
        self.n.hn_officer.language = "es"
        self.n.hn_officer.save()
        users = [self.n.gt_officer, self.n.hn_officer]
        with self.captureOnCommitCallbacks(execute=True):
            for _ in range(2):
                notify(
                    users,
                    "commitment_assigned",
                    subject={"es": "Compromiso asignado", "en": "Commitment assigned"},
                    body=lambda lang: "Agreement 3" if lang == "en" else "Acuerdo 3",
                    url="/meetings/1/",
                    dedupe_key="commitment:3:assigned",
                )
        self.assertEqual(Notification.objects.count(), 2)
        subjects = {m.to[0]: (m.subject, m.body) for m in mail.outbox}
        self.assertEqual(subjects["gt@example.org"][0], "[Enlace] Commitment assigned")
        self.assertIn("Agreement 3", subjects["gt@example.org"][1])
        self.assertIn("http://127.0.0.1:8000/meetings/1/", subjects["gt@example.org"][1])
        self.assertEqual(subjects["hn@example.org"][0], "[Enlace] Compromiso asignado")

    def test_an_unknown_kind_is_an_error_for_the_programmer(self):
        with self.assertRaises(ValueError):
            notify([self.n.gt_officer], "birthday", subject="x", dedupe_key="x")

    def test_kinds_for_other_apps_exist(self):
        for kind in ("commitment_assigned", "report_returned", "report_approved", "review_requested"):
            self.assertIn(kind, NotificationKind.values)

    def test_the_notification_list_and_unread_count_are_the_users_own(self):
        notify([self.n.gt_officer], "report_returned", subject="Report returned", url="/plan/", dedupe_key="r:1")
        notify([self.n.hn_officer], "report_approved", subject="Report approved", url="/plan/", dedupe_key="r:2")
        client = signed_in(self.n.gt_officer)
        page = client.get(reverse("circulation:notifications"))
        self.assertContains(page, "Report returned")
        self.assertNotContains(page, "Report approved")
        badge = client.get(reverse("circulation:notification_badge"))
        self.assertContains(badge, '<span class="tag"')
        mine = Notification.objects.get(user=self.n.gt_officer)
        other = Notification.objects.get(user=self.n.hn_officer)
        self.assertRedirects(client.get(reverse("circulation:notification", args=[mine.pk])), "/plan/", 302, 200)
        self.assertEqual(client.get(reverse("circulation:notification", args=[other.pk])).status_code, 403)
        mine.refresh_from_db()
        self.assertIsNotNone(mine.read_at)
        self.assertNotContains(client.get(reverse("circulation:notification_badge")), '<span class="tag"')

    def test_preferences_are_saved_from_the_page(self):
        client = signed_in(self.n.gt_officer)
        response = client.post(
            reverse("circulation:preferences"), {"default": "digest", "kind_circular_received": "immediate"}
        )
        self.assertRedirects(response, reverse("circulation:preferences"))
        prefs = dict(self.n.gt_officer.notification_preferences.values_list("kind", "delivery"))
        self.assertEqual(prefs, {"": "digest", "circular_received": "immediate"})
        bad = client.post(reverse("circulation:preferences"), {"default": "hourly"})
        self.assertEqual(bad.status_code, 200)
        self.assertEqual(self.n.gt_officer.notification_preferences.get(kind="").delivery, "digest")
