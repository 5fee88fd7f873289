"""The demo loads the seed report in both languages, approved, with commitments in several states; twice is once."""

import io

from django.test import TestCase

from meetings import demo as meetings_demo
from meetings.models import Commitment, Consultation, Meeting
from network import demo as network_demo


class DemoTest(TestCase):
    def test_it_loads_once_and_marks_everything_demo(self):
        network_demo.load(io.StringIO())
        meetings_demo.load(io.StringIO())
        meetings_demo.load(io.StringIO())
        seed = Meeting.objects.get(source_name="seed_report_en.txt")
        self.assertTrue(seed.is_demo)
        self.assertEqual((seed.ordinal, seed.status), (3, "published"))
        self.assertEqual(seed.title_es, "I Reunión Virtual")
        version = seed.reports.get()
        self.assertEqual(version.status, "approved")
        self.assertFalse(version.agreements.filter(text_es="").exists())
        self.assertFalse(version.agreements.filter(text_en="").exists())
        statuses = set(seed.commitments.values_list("status", flat=True))
        self.assertEqual(statuses, {"pending", "in_progress", "done"})
        self.assertTrue(all(Commitment.objects.values_list("is_demo", flat=True)))
        self.assertEqual(Meeting.objects.count(), 4)  # the seed report's, an RCGM one, an upcoming one, one consulted
        consultation = Consultation.objects.get()
        self.assertTrue(consultation.is_demo and consultation.is_open and consultation.circular.is_demo)
        self.assertEqual(consultation.remarks.count(), 2)
        self.assertTrue(all(Meeting.objects.values_list("is_demo", flat=True)))
        decided = version.agreements.filter(kind="recommends_to_rcgm").values_list("rcgm_decision", flat=True)
        self.assertEqual(set(decided), {"approved"})
