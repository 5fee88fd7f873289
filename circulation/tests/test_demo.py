"""The demo circulars load after the demo network, twice without duplicates, with Panama overdue."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from circulation import queries
from circulation.models import Circular, CircularRecipient, Reply
from messaging.models import Notification, OutboundEmail


class DemoCircularsTest(TestCase):
    def test_load_demo_twice_makes_its_demo_circulars_with_replies_and_one_overdue_country(self):
        call_command("load_demo", stdout=StringIO())
        counts = [m.objects.count() for m in (Circular, CircularRecipient, Reply, Notification, OutboundEmail)]
        call_command("load_demo", stdout=StringIO())
        self.assertEqual(
            counts, [m.objects.count() for m in (Circular, CircularRecipient, Reply, Notification, OutboundEmail)]
        )
        # The two circulars of circulation's demo, and the consultation on the demo draft report (meetings).
        self.assertEqual(Circular.objects.filter(is_demo=True, status="sent").exclude(kind="consultation").count(), 2)
        self.assertEqual(Circular.objects.filter(is_demo=True, status="sent", kind="consultation").count(), 1)
        self.assertFalse(Circular.objects.filter(is_demo=False).exists())
        note = Circular.objects.get(kind="information_note")
        rows, summary = queries.board(note)
        self.assertEqual(summary["total"], 8)
        self.assertEqual(summary["replied"], 2)
        self.assertEqual([row.recipient.country.code.code for row in rows if row.overdue], ["PA"])
        self.assertTrue(
            Notification.objects.filter(kind="deadline_passed", user__email="panama@enlace.example").exists()
        )
        for circular in Circular.objects.all():
            circular.full_clean(exclude=["reply_deadline"])
