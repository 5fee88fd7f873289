"""The report is drafted (add, edit, reorder), approved and locked; corrections make a new version and keep the old."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.testing import api_client, give_totp, make_user, signed_in
from meetings import services
from meetings.models import Agreement, ReportStatus
from network import services as network_services
from network.models import AppointmentRole

from .helpers import build_rcm, commitment, import_seed


class ReportVersionsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_approving_locks_the_version(self):
        meeting = import_seed(self.n)
        version = meeting.reports.get()
        self.assertEqual(version.status, ReportStatus.APPROVED)
        self.assertEqual(version.approved_by, self.n.ts)
        agreement = version.agreements.get(number="1", letter="")
        with self.assertRaises(PermissionDenied):
            services.update_agreement(agreement, acting_user=self.n.ts, revision=agreement.revision, text_en="Changed")
        with self.assertRaises(PermissionDenied):
            services.add_agreement(version, acting_user=self.n.ts, text_en="More")
        agreement.refresh_from_db()
        self.assertTrue(agreement.text_en.startswith("To thank the delegations"))

    def test_a_correction_is_a_new_version_and_the_old_one_is_kept(self):
        meeting = import_seed(self.n)
        first = meeting.reports.get()
        tracked = commitment(meeting, "4e")
        services.change_commitment_status(tracked, "in_progress", acting_user=self.n.ts, note="Started")
        draft = services.start_correction(meeting, acting_user=self.n.ts, note="Typo in 6")
        self.assertEqual((draft.number, draft.status), (2, ReportStatus.DRAFT))
        copied = [(a.ref, a.parent.ref if a.parent else None) for a in draft.agreements.in_order()]
        original = [(a.ref, a.parent.ref if a.parent else None) for a in first.agreements.in_order()]
        self.assertEqual(copied, original)
        six = draft.agreements.get(number="6", letter="")
        services.update_agreement(
            six, acting_user=self.n.ts, revision=six.revision, text_en="To thank UNICEF (corrected)."
        )
        services.approve_report(draft, acting_user=self.n.ts)
        first.refresh_from_db()
        self.assertEqual(first.status, ReportStatus.SUPERSEDED)
        self.assertTrue(first.agreements.get(number="6", letter="").text_en.startswith("To thank UNICEF for their"))
        self.assertEqual(draft.agreements.get(number="6", letter="").text_en, "To thank UNICEF (corrected).")
        # The commitment follows the current report and keeps its history.
        tracked.refresh_from_db()
        self.assertEqual(tracked.agreement.version, draft)
        self.assertEqual(tracked.status_changes.count(), 1)
        # Both versions can be read.
        client = signed_in(self.n.gt_officer)
        old = client.get(reverse("meetings:version", args=[meeting.pk, 1]))
        self.assertContains(old, "To thank UNICEF for their presentation")
        self.assertContains(old, "earlier version")
        self.assertContains(client.get(meeting.get_absolute_url()), "To thank UNICEF (corrected).")

    def test_a_recommendation_carries_the_rcgm_decision_in_every_version(self):
        meeting = import_seed(self.n)
        rcgm_meeting = services.create_meeting(
            acting_user=self.n.ts,
            body=self.n.rcgm,
            title_en="XXIII RCGM",
            start_date=meeting.start_date.replace(year=2018),
        )
        seven = meeting.reports.get().agreements.get(number="7")
        with self.assertRaises(ValidationError):
            services.record_rcgm_decision(seven, acting_user=self.n.ts, decision="approved")
        with self.assertRaises(ValidationError):
            services.record_rcgm_decision(seven, acting_user=self.n.ts, decision="approved", rcgm_meeting=meeting)
        with self.assertRaises(PermissionDenied):
            services.record_rcgm_decision(
                seven, acting_user=self.n.mx_officer, decision="approved", rcgm_meeting=rcgm_meeting
            )
        one = meeting.reports.get().agreements.get(number="1")
        with self.assertRaises(PermissionDenied):
            services.record_rcgm_decision(one, acting_user=self.n.ts, decision="approved", rcgm_meeting=rcgm_meeting)
        draft = services.start_correction(meeting, acting_user=self.n.ts)
        services.record_rcgm_decision(seven, acting_user=self.n.ts, decision="approved", rcgm_meeting=rcgm_meeting)
        for copy in Agreement.objects.filter(key=seven.key):
            self.assertEqual((copy.rcgm_decision, copy.rcgm_meeting), ("approved", rcgm_meeting))
        self.assertEqual(Agreement.objects.filter(key=seven.key, version=draft).count(), 1)

    def test_drafting_live_adds_reorders_and_renumbers(self):
        meeting = services.create_meeting(
            acting_user=self.n.ts, body=self.n.network, title_en="II Virtual Meeting", start_date=self.n.ppt.start_date
        )
        draft = services.start_report(meeting, acting_user=self.n.ts)
        first = services.add_agreement(draft, acting_user=self.n.ts, kind="thanks", text_en="To thank Mexico.")
        second = services.add_agreement(draft, acting_user=self.n.ts, kind="takes_note", text_es="Tomar nota del plan.")
        item = services.add_agreement(
            draft, acting_user=self.n.ts, parent=second, kind="agrees", text_en="The TS will send it."
        )
        self.assertEqual((first.number, second.number, item.ref), ("1", "2", "2a"))
        services.move_agreement(second, -1, acting_user=self.n.ts)
        refs = [(a.ref, a.kind) for a in draft.agreements.in_order()]
        self.assertEqual(refs, [("1", "takes_note"), ("1a", "agrees"), ("2", "thanks")])
        services.delete_agreement(Agreement.objects.get(pk=first.pk), acting_user=self.n.ts)
        self.assertEqual([a.ref for a in draft.agreements.in_order()], ["1", "1a"])
        with self.assertRaises(ValidationError):
            services.add_agreement(draft, acting_user=self.n.ts, kind="thanks")

    def test_an_agreement_with_commitments_is_not_deleted(self):
        meeting = import_seed(self.n, approve=False)
        four_e = meeting.reports.get().agreements.get(number="4", letter="e")
        with self.assertRaisesMessage(ValidationError, "Commitments come from this agreement"):
            services.delete_agreement(four_e, acting_user=self.n.ts)
        self.assertTrue(Agreement.objects.filter(pk=four_e.pk).exists())


class ConflictingEditsTest(TestCase):
    """Two people edit one agreement: the second is told, and nothing is lost."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        person = network_services.create_person(
            acting_user=cls.n.ts,
            given_names="Segunda",
            family_names="Secretaría",
            email="ts2@example.org",
            appointment={"organization": cls.n.ts_org, "role": AppointmentRole.STAFF, "body": cls.n.network},
        )
        cls.ts2 = make_user("ts2@example.org", person)
        give_totp(cls.ts2)  # TS staff use a second factor

    def setUp(self):
        self.enterContext(translation.override("en"))
        self.meeting = import_seed(self.n, approve=False)
        self.agreement = self.meeting.reports.get().agreements.get(number="6", letter="")

    def test_the_service_refuses_a_stale_revision(self):
        read_by_both = self.agreement.revision
        services.update_agreement(self.agreement, acting_user=self.n.ts, revision=read_by_both, text_en="First edit.")
        with self.assertRaises(services.EditConflict) as caught:
            services.update_agreement(
                self.agreement, acting_user=self.ts2, revision=read_by_both, text_en="Second edit."
            )
        self.assertEqual(caught.exception.current.text_en, "First edit.")
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.text_en, "First edit.")

    def test_the_page_tells_the_second_and_keeps_both_texts(self):
        first, second = signed_in(self.n.ts), signed_in(self.ts2)
        url = reverse("meetings:agreement_edit", args=[self.agreement.pk])
        form = {"kind": "thanks", "text_es": self.agreement.text_es, "revision": self.agreement.revision}
        response = first.post(url, {**form, "text_en": "Edited by the first."}, headers={"hx-request": "true"})
        self.assertContains(response, "Edited by the first.")
        response = second.post(url, {**form, "text_en": "Edited by the second."}, headers={"hx-request": "true"})
        self.assertContains(response, "Someone else changed this agreement")
        self.assertContains(response, "Edited by the first.")  # what is saved
        self.assertContains(response, "Edited by the second.")  # what they typed, still in the form
        self.assertContains(response, f'name="revision" value="{self.agreement.revision + 1}"')
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.text_en, "Edited by the first.")
        # Saving again after reading the other's text is deliberate, and works.
        second.post(url, {**form, "revision": self.agreement.revision, "text_en": "Merged."})
        self.agreement.refresh_from_db()
        self.assertEqual(self.agreement.text_en, "Merged.")

    def test_the_api_answers_409_with_the_saved_version(self):
        url = f"/api/v1/agreements/{self.agreement.pk}"
        revision = self.agreement.revision
        first = api_client(self.n.ts).patch(
            url, {"revision": revision, "text_en": "API first."}, content_type="application/json"
        )
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first.json()["revision"], revision + 1)
        second = api_client(self.ts2).patch(
            url, {"revision": revision, "text_en": "API second."}, content_type="application/json"
        )
        self.assertEqual(second.status_code, 409)
        self.assertEqual(second.json()["current"]["text_en"], "API first.")
        refused = api_client(self.n.mx_officer).patch(
            url, {"revision": revision + 1, "text_en": "Mexico edit."}, content_type="application/json"
        )
        self.assertEqual(refused.status_code, 403)


class EditorPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def test_the_editor_adds_moves_and_approves_with_htmx(self):
        meeting = services.create_meeting(
            acting_user=self.n.ts, body=self.n.network, title_en="Live meeting", start_date=self.n.ppt.start_date
        )
        client = signed_in(self.n.ts)
        client.post(reverse("meetings:report_start", args=[meeting.pk]))
        add = reverse("meetings:agreement_add", args=[meeting.pk])
        htmx = {"hx-request": "true", "accept-language": "en"}
        client.post(add, {"kind": "thanks", "text_en": "To thank Panama."}, headers=htmx)
        response = client.post(add, {"kind": "agrees", "text_en": "To agree on the plan."}, headers=htmx)
        self.assertContains(response, 'id="agreements"')
        self.assertNotContains(response, "<html")
        second = Agreement.objects.get(text_en="To agree on the plan.")
        response = client.post(reverse("meetings:agreement_move", args=[second.pk]), {"direction": "up"}, headers=htmx)
        second.refresh_from_db()
        self.assertEqual(second.number, "1")
        draft = services.draft_of(meeting)
        confirm = client.post(reverse("meetings:report_approve", args=[draft.pk]), headers={"accept-language": "en"})
        self.assertContains(confirm, "The report is locked")
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")  # not before it is confirmed
        response = client.post(reverse("meetings:report_approve", args=[draft.pk]), {"confirmed": "1"})
        self.assertRedirects(response, meeting.get_absolute_url())
        draft.refresh_from_db()
        self.assertEqual(draft.status, "approved")

    def test_only_the_ts_opens_the_editor(self):
        meeting = import_seed(self.n, approve=False)
        self.assertEqual(
            signed_in(self.n.gt_officer).get(reverse("meetings:editor", args=[meeting.pk])).status_code, 403
        )
        agreement = meeting.reports.get().agreements.first()
        response = signed_in(self.n.gt_officer).post(
            reverse("meetings:agreement_edit", args=[agreement.pk]), {"kind": "thanks", "text_en": "x", "revision": 1}
        )
        self.assertEqual(response.status_code, 403)
