"""The handover page, its DOCX and its API are for the TS and the officers of both presidencies; only the
TS keeps a commitment with the outgoing country, with a reason; bad input writes nothing."""

import io
import json

import docx
from django.test import TestCase
from django.urls import reverse

from core.testing import api_client, signed_in
from meetings.models import ActorKind, CommitmentActor
from presidencies import services
from presidencies.models import Handover, HandoverKeep

from .helpers import build_handover_world


class WhoSeesTheHandoverTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_handover_world()
        cls.page = reverse("presidencies:handover", args=[cls.n.ppt.pk])
        cls.document = reverse("presidencies:handover_docx", args=[cls.n.ppt.pk])
        cls.api = f"/api/v1/presidencies/{cls.n.ppt.pk}/handover"

    def test_the_ts_and_both_presidencies_see_it(self):
        for user in (self.n.ts, self.n.pa_officer, self.n.gt_officer, self.n.gt_alternate):
            with self.subTest(user=user.email):
                client = signed_in(user)
                self.assertEqual(client.get(self.page).status_code, 200)
                self.assertEqual(client.get(self.document).status_code, 200)
                self.assertEqual(api_client(user).get(self.api).status_code, 200)

    def test_another_country_a_partner_an_outsider_and_anonymous_are_refused(self):
        for user in (self.n.hn_officer, self.n.mx_officer, self.n.partner, self.n.outsider):
            with self.subTest(user=user.email):
                client = signed_in(user)
                self.assertEqual(client.get(self.page).status_code, 403)
                self.assertEqual(client.get(self.document).status_code, 403)
                self.assertEqual(api_client(user).get(self.api).status_code, 403)
        self.assertEqual(self.client.get(self.page).status_code, 302)  # to the sign-in page
        self.assertEqual(self.client.get(self.document).status_code, 302)
        self.assertIn(self.client.get(self.api).status_code, (401, 403))

    def test_the_presidencies_page_is_for_network_members(self):
        url = reverse("presidencies:list")
        page = signed_in(self.n.hn_officer).get(url)
        self.assertContains(page, "Panama")
        self.assertNotContains(page, self.page)  # Honduras sees the list, not the handover
        self.assertContains(signed_in(self.n.gt_officer).get(url), self.page)
        self.assertEqual(signed_in(self.n.outsider).get(url).status_code, 403)
        self.assertEqual(api_client(self.n.outsider).get("/api/v1/presidencies").status_code, 403)

    def test_only_the_ts_keeps_a_commitment_with_the_outgoing_country(self):
        body = {"commitment": self.n.to_keep.pk, "reason": "Panamá lo termina."}
        for user in (self.n.pa_officer, self.n.gt_officer, self.n.hn_officer, self.n.partner):
            with self.subTest(user=user.email):
                self.assertEqual(signed_in(user).post(self.page, body).status_code, 403)
                response = api_client(user).post(
                    f"{self.api}/keeps",
                    json.dumps({"commitment_id": self.n.to_keep.pk, "reason": "Panamá lo termina."}),
                    content_type="application/json",
                )
                self.assertEqual(response.status_code, 403)
        self.assertFalse(HandoverKeep.objects.exists())
        response = signed_in(self.n.ts).post(self.page, body)
        self.assertEqual(response.status_code, 302)
        keep = HandoverKeep.objects.get()
        self.assertEqual(
            (keep.commitment, keep.reason, keep.decided_by), (self.n.to_keep, "Panamá lo termina.", self.n.ts)
        )
        self.assertIsNone(keep.applied_at)  # applied on the change date
        self.assertEqual(CommitmentActor.objects.get(commitment=self.n.to_keep).kind, ActorKind.PPT)
        self.assertContains(signed_in(self.n.pa_officer).get(self.page), "To be kept with Panama:")

    def test_a_reason_is_required_and_bad_input_writes_nothing(self):
        ts = signed_in(self.n.ts)
        for body, says in (
            ({"commitment": self.n.to_keep.pk, "reason": "   "}, "This field is required."),
            ({"commitment": self.n.national.pk, "reason": "Porque sí."}, "not one of the PPT&#x27;s open commitments"),
            ({"commitment": self.n.closed.pk, "reason": "Porque sí."}, "not one of the PPT&#x27;s open commitments"),
            ({"commitment": "abc", "reason": "Porque sí."}, "Enter a whole number."),
            ({"commitment": 999999, "reason": "Porque sí."}, "not one of the PPT&#x27;s open commitments"),
        ):
            with self.subTest(body=body):
                response = ts.post(self.page, body)
                self.assertContains(response, says, status_code=400)
        api = api_client(self.n.ts)
        response = api.post(
            f"{self.api}/keeps",
            json.dumps({"commitment_id": self.n.to_keep.pk, "reason": " "}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400, response.content)
        response = api.post(
            f"{self.api}/keeps",
            json.dumps({"commitment_id": self.n.national.pk, "reason": "x"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 404, response.content)
        self.assertIn("commitment", response.json()["errors"])
        self.assertFalse(HandoverKeep.objects.exists())

    def test_a_commitment_is_kept_once_and_the_decision_can_be_withdrawn_until_applied(self):
        api = api_client(self.n.ts)
        body = json.dumps({"commitment_id": self.n.to_keep.pk, "reason": "Lo termina Panamá."})
        response = api.post(f"{self.api}/keeps", body, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(api.post(f"{self.api}/keeps", body, content_type="application/json").status_code, 409)
        kept = [item for item in api.get(self.api).json()["items"] if item["commitment_id"] == self.n.to_keep.pk]
        self.assertEqual(kept[0]["kept"]["reason"], "Lo termina Panamá.")
        keep = HandoverKeep.objects.get()
        self.assertEqual(api_client(self.n.gt_officer).delete(f"{self.api}/keeps/{keep.pk}").status_code, 403)
        self.assertEqual(api.delete(f"{self.api}/keeps/{keep.pk}").status_code, 204)
        self.assertFalse(HandoverKeep.objects.exists())

    def test_a_commitment_the_outgoing_country_already_acts_on_is_not_kept_twice(self):
        from meetings import services as meeting_services

        meeting_services.update_commitment(
            self.n.shared,
            acting_user=self.n.ts,
            actors=[("ppt", None, None), ("country", self.n.mx, None), ("country", self.n.pa, None)],
        )
        response = signed_in(self.n.ts).post(self.page, {"commitment": self.n.shared.pk, "reason": "Panamá."})
        self.assertContains(response, "Panama is already an actor of this commitment", status_code=400)
        self.assertFalse(HandoverKeep.objects.exists())

    def test_the_running_presidency_without_a_known_end_cannot_keep_yet(self):
        period = self.n.next_ppt  # Guatemala's, no end recorded
        self.assertEqual(services.queries.handover_of(period).change_date, None)
        response = api_client(self.n.ts).post(
            f"/api/v1/presidencies/{period.pk}/handover/keeps",
            json.dumps({"commitment_id": self.n.to_keep.pk, "reason": "x"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 409, response.content)
        self.assertFalse(Handover.objects.filter(outgoing=period).exists())


class TheHandoverDocumentTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_handover_world()
        services.keep_with_outgoing(cls.n.ppt, cls.n.to_keep.pk, reason="Panamá lo termina.", acting_user=cls.n.ts)

    def text(self, lang):
        response = signed_in(self.n.gt_officer).get(
            reverse("presidencies:handover_docx", args=[self.n.ppt.pk]), {"lang": lang}
        )
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines += [cell.text for cell in row.cells]
        return "\n".join(lines)

    def test_the_docx_lists_every_open_ppt_item_in_each_language(self):
        english = self.text("en")
        for expected in (
            "Organize the Beta workshop.",
            "Send the Gamma note.",
            "Present the Delta report.",
            "Regional follow-up report",
            "Eta virtual meeting",
            "Theta request",
            "1 of 2 replies pending: Honduras",
            "To be kept with Panama: Panamá lo termina.",
            "Guatemala",
        ):
            self.assertIn(expected, english)
        for absent in ("Share the Epsilon guide.", "Convene the Zeta session."):  # not the PPT's, or closed
            self.assertNotIn(absent, english)
        spanish = self.text("es")
        for expected in (
            "Traspaso de la Presidencia Pro Tempore",
            "Organizar el taller Beta.",
            "Enviar la nota Gamma.",
            "Presentar el informe Delta.",
            "Informe regional de seguimiento",
            "Reunión virtual Eta",
            "Solicitud Theta",
        ):
            self.assertIn(expected, spanish)
        self.assertNotIn("Organize the Beta workshop.", spanish)
