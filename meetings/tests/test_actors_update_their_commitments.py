"""Each actor updates its own commitments: a country's officers, the PPT, an organization's staff; the TS all."""

import io

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from core.testing import api_client, signed_in
from core.tests.upload_corpus import MINIMAL_PDF
from meetings import services
from meetings.models import ActorKind, CommitmentStatus

from .helpers import build_rcm, commitment, import_seed


class CountryOfficerTest(TestCase):
    """An officer of Mexico marks a Mexico commitment done and is refused on an IOM one (page and API)."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.agreement = cls.meeting.reports.get().agreements.get(number="6", letter="")
        cls.mexico_commitment = services.create_commitment(
            cls.agreement,
            acting_user=cls.n.ts,
            actors=services.actors_from_codes(["MX"]),
            action_en="share the Tabasco project's evaluation",
            due="2018-Q2",
        )
        cls.iom_commitment = commitment(cls.meeting, "4e")

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_on_the_page(self):
        client = signed_in(self.n.mx_officer)
        page = client.get(self.mexico_commitment.get_absolute_url(), headers={"accept-language": "en"})
        self.assertContains(page, "Change the status")
        response = client.post(
            self.mexico_commitment.get_absolute_url(),
            {"status": "done", "note": "Evaluation shared.", "evidence_link": "https://example.org/eval"},
        )
        self.assertRedirects(response, self.mexico_commitment.get_absolute_url())
        self.mexico_commitment.refresh_from_db()
        self.assertEqual(self.mexico_commitment.status, CommitmentStatus.DONE)
        change = self.mexico_commitment.status_changes.get()
        self.assertEqual(
            (change.from_status, change.to_status, change.changed_by), ("pending", "done", self.n.mx_officer)
        )
        self.assertIsNotNone(change.changed_at)

        page = client.get(self.iom_commitment.get_absolute_url(), headers={"accept-language": "en"})
        self.assertEqual(page.status_code, 200)  # a member sees it…
        self.assertNotContains(page, "Change the status")  # …but may not change it
        refused = client.post(self.iom_commitment.get_absolute_url(), {"status": "done"})
        self.assertEqual(refused.status_code, 403)
        self.iom_commitment.refresh_from_db()
        self.assertEqual(self.iom_commitment.status, CommitmentStatus.PENDING)
        self.assertTrue(AuditEntry.objects.filter(action="refused", actor=self.n.mx_officer).exists())

    def test_through_the_api(self):
        api = api_client(self.n.mx_officer)
        url = f"/api/v1/commitments/{self.mexico_commitment.pk}/status-changes"
        response = api.post(url, {"status": "done", "note": "Done."}, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["to_status"], "done")
        self.assertEqual(response.json()["changed_by"], self.n.mx_officer.email)
        history = api.get(url).json()
        self.assertEqual([(c["from_status"], c["to_status"]) for c in history], [("pending", "done")])

        refused = api.post(
            f"/api/v1/commitments/{self.iom_commitment.pk}/status-changes",
            {"status": "done"},
            content_type="application/json",
        )
        self.assertEqual(refused.status_code, 403)
        self.iom_commitment.refresh_from_db()
        self.assertEqual(self.iom_commitment.status, CommitmentStatus.PENDING)

    def test_bad_status_and_link_are_named(self):
        api = api_client(self.n.mx_officer)
        url = f"/api/v1/commitments/{self.mexico_commitment.pk}/status-changes"
        bad_status = api.post(url, {"status": "finished"}, content_type="application/json")
        self.assertEqual(bad_status.status_code, 400)
        self.assertIn("status", bad_status.json()["errors"])
        bad_link = api.post(url, {"status": "done", "evidence_link": "ftp://x"}, content_type="application/json")
        self.assertEqual(bad_link.status_code, 400)
        self.assertIn("evidence_link", bad_link.json()["errors"])
        self.assertEqual(self.mexico_commitment.status_changes.count(), 0)

    def test_another_country_is_refused_on_mexico(self):
        with self.assertRaises(PermissionDenied):
            services.change_commitment_status(self.mexico_commitment, "done", acting_user=self.n.gt_officer)
        self.assertEqual(
            signed_in(self.n.gt_officer)
            .post(self.mexico_commitment.get_absolute_url(), {"status": "done"})
            .status_code,
            403,
        )


class OtherActorsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_the_ppt_updates_the_ppt_commitment(self):
        ppt_commitment = commitment(self.meeting, "2a", ActorKind.PPT)
        services.change_commitment_status(ppt_commitment, "in_progress", acting_user=self.n.pa_officer)
        with self.assertRaises(PermissionDenied):
            services.change_commitment_status(ppt_commitment, "done", acting_user=self.n.hn_officer)

    def test_each_member_country_updates_the_national_commitment(self):
        national = commitment(self.meeting, "2a", ActorKind.COUNTRY)
        services.change_commitment_status(
            national, "in_progress", acting_user=self.n.hn_officer, note="Honduras started"
        )
        services.change_commitment_status(national, "done", acting_user=self.n.gt_officer, note="Guatemala done")
        self.assertEqual(national.status_changes.count(), 2)

    def test_an_organization_updates_its_own(self):
        unicef = commitment(self.meeting, "5")
        services.change_commitment_status(unicef, "in_progress", acting_user=self.n.partner)
        with self.assertRaises(PermissionDenied):
            services.change_commitment_status(commitment(self.meeting, "4c"), "done", acting_user=self.n.partner)

    def test_the_ts_updates_every_commitment_with_a_file_as_evidence(self):
        iom = commitment(self.meeting, "4c")
        evidence = SimpleUploadedFile("Informe del curso.pdf", MINIMAL_PDF)
        services.change_commitment_status(iom, "done", acting_user=self.n.ts, evidence_file=evidence)
        iom.refresh_from_db()
        self.assertTrue(iom.evidence_file.name.endswith(".pdf"))
        response = signed_in(self.n.gt_officer).get(reverse("meetings:evidence", args=[iom.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), MINIMAL_PDF)
        self.assertEqual(self.client.get(reverse("meetings:evidence", args=[iom.pk])).status_code, 302)

    def test_a_hostile_evidence_file_is_refused(self):
        client = signed_in(self.n.ts)
        iom = commitment(self.meeting, "4c")
        upload = io.BytesIO(b"MZ\x90\x00 program")
        upload.name = "evidence.pdf"
        response = client.post(iom.get_absolute_url(), {"status": "done", "evidence_file": upload})
        self.assertEqual(response.status_code, 400)
        iom.refresh_from_db()
        self.assertEqual(iom.status, "pending")

    def test_the_public_sees_no_commitment(self):
        iom = commitment(self.meeting, "4c")
        self.assertEqual(self.client.get(iom.get_absolute_url()).status_code, 302)
        self.assertEqual(api_client().get(f"/api/v1/commitments/{iom.pk}").status_code, 404)
        self.assertEqual(api_client().get("/api/v1/commitments").json()["items"], [])
        self.assertEqual(signed_in(self.n.outsider).get(iom.get_absolute_url()).status_code, 403)
