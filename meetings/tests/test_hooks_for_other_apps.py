"""What other apps use: a circular fulfils a commitment, my work lists commitments due, a signal announces them."""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import translation

from core import fulfilment, mywork
from core.testing import signed_in
from meetings import services
from meetings.models import Commitment
from meetings.signals import commitment_assigned
from network.models import Organization

from .helpers import build_rcm, commitment, import_seed


class FulfilmentTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def test_a_circular_fulfils_a_commitment(self):
        # Any record will do as the circular: an organization has a URL and a name.
        circular = Organization.objects.get(pk=self.n.unicef.pk)
        target = commitment(self.meeting, "3")
        self.assertTrue(fulfilment.can_be_fulfilled(target))
        result = fulfilment.fulfil(target, by=circular, acting_user=self.n.ts)
        self.assertEqual(result.status, "done")
        target.refresh_from_db()
        self.assertEqual((target.fulfilled_by_id, target.fulfilled_by_label), (circular.pk, str(circular)))
        # The commitment links to it at today's address; no address is stored in the record.
        self.assertEqual(target.fulfilled_by_url(), circular.get_absolute_url())
        self.assertEqual(target.evidence_link, "")
        change = target.status_changes.get()
        self.assertEqual((change.to_status, change.changed_by), ("done", self.n.ts))
        self.assertIn(str(circular), change.note)

    def test_fulfilling_follows_the_same_rules(self):
        with self.assertRaises(PermissionDenied):
            fulfilment.fulfil(commitment(self.meeting, "3"), by=self.n.unicef, acting_user=self.n.mx_officer)


class MyWorkTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def test_each_actor_gets_its_open_commitments_overdue_first(self):
        with translation.override("en"):
            ts_items = [i for i in mywork.items_for(self.n.ts) if i.kind == "Commitment"]
            mexico = [i for i in mywork.items_for(self.n.mx_officer) if i.kind == "Commitment"]
            outsider = mywork.items_for(self.n.outsider)
        self.assertEqual(len(ts_items), 4)
        self.assertTrue(ts_items[0].overdue)  # 8, due 2018-Q1
        self.assertIn("extraordinary meeting", ts_items[0].title)
        self.assertEqual(len(mexico), 1)
        self.assertIn("monitor the activities", mexico[0].title)
        self.assertEqual(outsider, [])
        services.change_commitment_status(
            commitment(self.meeting, "2a", "country"), "done", acting_user=self.n.mx_officer
        )
        with translation.override("en"):
            self.assertEqual([i for i in mywork.items_for(self.n.mx_officer) if i.kind == "Commitment"], [])


class SignalTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def test_commitment_assigned_is_sent_when_imported_and_created(self):
        received = []

        def listener(sender, commitment, actors, acting_user, **kwargs):
            received.append(SimpleNamespace(commitment=commitment, codes=[a.code for a in actors], by=acting_user))

        commitment_assigned.connect(listener)
        self.addCleanup(commitment_assigned.disconnect, listener)
        with self.captureOnCommitCallbacks(execute=True):
            meeting = import_seed(self.n, approve=False, spanish=False)
        self.assertEqual(len(received), 9)
        self.assertEqual(received[0].codes, ["PPT", "TS"])
        self.assertEqual(received[0].by, self.n.ts)
        with self.captureOnCommitCallbacks(execute=True):
            services.create_commitment(
                meeting.reports.get().agreements.get(number="1"),
                acting_user=self.n.ts,
                actors=services.actors_from_codes(["CA"]),
                action_en="send the report",
            )
        self.assertEqual(received[-1].codes, ["CA"])
        self.assertIsInstance(received[-1].commitment, Commitment)


class CircularFulfilsCommitmentTest(TestCase):
    """End to end with the circulation app: sending a circular marks the commitment it fulfils done."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def test_sending_the_circular_marks_the_commitment_done(self):
        from circulation import services as circulation

        target = commitment(self.meeting, "3")
        circular = circulation.create_circular(
            acting_user=self.n.ts,
            countries=[self.n.gt, self.n.mx],
            fulfils=circulation.resolve_target(f"meetings.commitment:{target.pk}", self.n.ts),
            title_en="Child Fund contact points",
            body_en="Please find the contact points and the information note.",
        )
        with self.captureOnCommitCallbacks(execute=True):
            circulation.send_circular(circular, acting_user=self.n.ts)
        target.refresh_from_db()
        self.assertEqual(target.status, "done")
        self.assertEqual(target.fulfilled_by_id, circular.pk)
        self.assertEqual(target.fulfilled_by_url(), circular.get_absolute_url())
        self.assertEqual(target.status_changes.get().changed_by, self.n.ts)
        page = signed_in(self.n.ts).get(target.get_absolute_url())
        self.assertContains(page, f'href="{circular.get_absolute_url()}"')
