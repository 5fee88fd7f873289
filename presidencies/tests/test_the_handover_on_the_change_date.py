"""On the change date the work of "the PPT" follows the new presidency: Guatemala's officers act on it,
Panama's keep reading it and its history; a commitment the TS kept stays with Panama; the job is safe to
run twice."""

import datetime
import io

import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import access
from core.models import AuditEntry
from core.testing import signed_in
from meetings import services as meeting_services
from meetings.access import UPDATE_STATUS
from meetings.models import ActorKind, CommitmentActor, CommitmentStatusChange
from messaging.models import Notification, NotificationKind
from plan.access import FILL
from presidencies import services
from presidencies.models import Handover, HandoverItem, HandoverKeep, ItemKind

from .helpers import build_handover_world, fresh, ppt_row


def moment(day):
    """Noon of `day` in the network's time zone (a clock for time_machine)."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


class HandoverOnTheChangeDateTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_handover_world()

    def run_job(self):
        out = io.StringIO()
        call_command("hand_over_presidency", stdout=out)
        return out.getvalue()

    def test_the_job_prepares_the_handover_as_soon_as_the_next_presidency_is_recorded(self):
        self.assertIn("Prepared 1 handover(s); carried out 0.", self.run_job())
        handover = Handover.objects.get(outgoing=self.n.ppt)
        self.assertEqual((handover.incoming, handover.change_date), (self.n.next_ppt, self.n.change_date))
        self.assertIsNone(handover.carried_out_at)
        self.assertFalse(handover.items.exists())  # read live until the change
        told = set(
            Notification.objects.filter(kind=NotificationKind.PRESIDENCY_HANDOVER).values_list("user", flat=True)
        )
        self.assertEqual(told, {self.n.ts.pk, self.n.pa_officer.pk, self.n.gt_officer.pk, self.n.gt_alternate.pk})

    def test_recording_the_next_presidency_prepares_its_handover_at_once(self):
        from network import services as network_services

        later = self.n.change_date + datetime.timedelta(days=365)
        with self.captureOnCommitCallbacks(execute=True):
            network_services.start_ppt_period(self.n.conference, self.n.mx, later, acting_user=self.n.ts)
        handover = Handover.objects.get(outgoing=self.n.next_ppt)
        self.assertEqual((handover.incoming.country, handover.change_date), (self.n.mx, later))
        told = Notification.objects.filter(kind=NotificationKind.PRESIDENCY_HANDOVER, user=self.n.mx_officer)
        self.assertEqual(told.count(), 1)
        self.assertIn("Guatemala", told.get().subject)

    def test_before_the_change_panama_acts_for_the_ppt_and_guatemala_does_not(self):
        self.assertTrue(access.can(fresh(self.n.pa_officer), UPDATE_STATUS, ppt_row(self.n.with_ts)))
        self.assertFalse(access.can(fresh(self.n.gt_officer), UPDATE_STATUS, ppt_row(self.n.with_ts)))

    def test_on_the_change_date_ppt_items_move_to_the_new_presidency_and_the_record_stays(self):
        self.run_job()
        services.keep_with_outgoing(
            self.n.ppt, self.n.to_keep.pk, reason="Panamá presenta el informe que preparó.", acting_user=self.n.ts
        )
        with time_machine.travel(moment(self.n.change_date), tick=False):
            self.assertIn("carried out 1.", self.run_job())
            handover = Handover.objects.get(outgoing=self.n.ppt)
            self.assertIsNotNone(handover.carried_out_at)
            self.assertIsNone(handover.carried_out_by)  # the job

            guatemala, panama = fresh(self.n.gt_officer), fresh(self.n.pa_officer)
            # Guatemala's officers now act for the PPT …
            self.assertTrue(access.can(guatemala, UPDATE_STATUS, ppt_row(self.n.with_ts)))
            meeting_services.change_commitment_status(
                self.n.shared, "done", acting_user=guatemala, actor=ppt_row(self.n.shared), note="Taller realizado."
            )
            # … and Panama's no longer do, but keep reading the commitment and its history.
            self.assertFalse(access.can(panama, UPDATE_STATUS, ppt_row(self.n.with_ts)))
            with self.assertRaises(PermissionDenied):
                meeting_services.change_commitment_status(
                    self.n.with_ts, "done", acting_user=panama, actor=ppt_row(self.n.with_ts)
                )
            page = signed_in(self.n.pa_officer).get(self.n.shared.get_absolute_url())
            self.assertEqual(page.status_code, 200)
            self.assertContains(page, "Sede confirmada.")  # Panama's own history entry, with its name
            self.assertContains(page, "Ricardo Castillo")
            self.assertContains(page, "Taller realizado.")

            # The commitment the TS kept is Panama's now, as a country, with its history and the reason.
            rows = CommitmentActor.objects.filter(commitment=self.n.to_keep)
            self.assertEqual([(row.kind, row.country_id) for row in rows], [(ActorKind.COUNTRY, self.n.pa.pk)])
            self.assertTrue(access.can(panama, UPDATE_STATUS, rows[0]))
            self.assertFalse(access.can(guatemala, UPDATE_STATUS, rows[0]))
            note = CommitmentStatusChange.objects.filter(commitment=self.n.to_keep).latest("changed_at").note
            self.assertIn("Panamá presenta el informe que preparó.", note)
            self.assertIsNotNone(HandoverKeep.objects.get(commitment=self.n.to_keep).applied_at)

            # The regional report: Guatemala fills it now; Panama reads it, never fills it.
            self.assertTrue(access.can(guatemala, FILL, self.n.regional))
            self.assertFalse(access.can(panama, FILL, self.n.regional))
            self.assertTrue(access.can(panama, access.VIEW, self.n.regional))
            self.assertEqual(signed_in(self.n.pa_officer).get(self.n.regional.get_absolute_url()).status_code, 200)
            self.assertFalse(access.can(fresh(self.n.hn_officer), access.VIEW, self.n.regional))

            # What was handed over is frozen, with the kept commitment and every open item of the PPT.
            frozen = list(HandoverItem.objects.filter(handover=handover).values_list("kind", "object_id"))
            self.assertEqual(
                frozen,
                [
                    (ItemKind.COMMITMENT, self.n.shared.pk),
                    (ItemKind.COMMITMENT, self.n.with_ts.pk),
                    (ItemKind.COMMITMENT, self.n.to_keep.pk),
                    (ItemKind.REPORT, self.n.regional.pk),
                    (ItemKind.MEETING, self.n.next_meeting.pk),
                    (ItemKind.CIRCULAR, self.n.circular.pk),
                ],
            )
            # Things moved on (the shared commitment is done), the record did not.
            page = signed_in(self.n.pa_officer).get(reverse("presidencies:handover", args=[self.n.ppt.pk]))
            self.assertContains(page, "Organize the Beta workshop.")
            self.assertContains(page, "1 of 2 replies pending: Honduras")

    def test_the_job_run_twice_changes_nothing_and_sends_nothing(self):
        services.keep_with_outgoing(self.n.ppt, self.n.to_keep.pk, reason="Lo termina Panamá.", acting_user=self.n.ts)
        with time_machine.travel(moment(self.n.change_date), tick=False):
            self.run_job()
            counts = (
                AuditEntry.objects.count(),
                Notification.objects.count(),
                HandoverItem.objects.count(),
                CommitmentStatusChange.objects.count(),
                list(CommitmentActor.objects.order_by("pk").values_list("pk", "kind", "country_id", "revision")),
            )
            self.assertIn("Prepared 0 handover(s); carried out 0.", self.run_job())
            services.hand_over_presidencies()
            self.assertEqual(
                counts,
                (
                    AuditEntry.objects.count(),
                    Notification.objects.count(),
                    HandoverItem.objects.count(),
                    CommitmentStatusChange.objects.count(),
                    list(CommitmentActor.objects.order_by("pk").values_list("pk", "kind", "country_id", "revision")),
                ),
            )

    def test_a_presidency_that_ended_long_ago_gets_no_handover(self):
        from plan.testing import add_previous_ppt

        previous = add_previous_ppt(self.n, self.n.hn)
        self.run_job()
        self.assertFalse(Handover.objects.filter(outgoing=previous).exists())

    def test_the_handover_is_told_to_both_presidencies_and_the_ts_once(self):
        with time_machine.travel(moment(self.n.change_date), tick=False):
            self.run_job()
            self.run_job()
        subjects = list(
            Notification.objects.filter(user=self.n.gt_officer, kind=NotificationKind.PRESIDENCY_HANDOVER)
            .order_by("pk")
            .values_list("subject", flat=True)
        )
        self.assertEqual(len(subjects), 2)  # prepared, then carried out: once each
        self.assertIn("Panama", subjects[1])
        self.assertIn("Guatemala", subjects[1])
