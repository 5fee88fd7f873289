"""Acceptance: a Panama officer answers and submits Panama's column and cannot edit Costa Rica's
(page and API); the lead returns it with a comment, then validates it."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from comparisons import services
from comparisons.models import Answer, ColumnEvent, ColumnStatus
from comparisons.testing import add_costa_rica_officer, build_analysis, column, full_answers
from core.models import AuditAction, AuditEntry
from core.mywork import items_for
from core.testing import api_client, build_network, signed_in
from messaging.models import Notification, NotificationKind

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def form_data(a, values, **extra):
    """The answer page's POST: one value per question, blank basis fields."""
    data = {}
    for question, value in values.items():
        data[f"q{question.pk}_value"] = value
        for part in ("basis_instrument", "basis_article", "basis_url", "note"):
            data[f"q{question.pk}_{part}"] = ""
    data.update(extra)
    return data


@override_settings(TASKS=IMMEDIATE)
class PanamaAnswersAndTheLeadReviewsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        add_costa_rica_officer(cls.n)
        cls.a = build_analysis(cls.n)
        cls.round = services.start_round(cls.a.analysis, acting_user=cls.n.lead, label_en="2026")

    def url(self, name, code, **kwargs):
        return reverse(f"comparisons:{name}", args=[self.a.analysis.pk, self.round.number, code])

    def test_the_whole_path_on_the_pages(self):
        panama = signed_in(self.n.pa_officer)
        page = panama.get(self.url("answer", "pa"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, f'name="q{self.a.heard.pk}_value"')

        values = full_answers(self.a)
        values[self.a.services] = ["health", "psy"]
        data = form_data(self.a, values)
        data[f"q{self.a.heard.pk}_basis_instrument"] = "Ley de Protección Integral"
        data[f"q{self.a.heard.pk}_basis_article"] = "Art. 12"
        data[f"q{self.a.heard.pk}_basis_url"] = "https://example.org/ley"
        data[f"q{self.a.heard.pk}_note"] = "Entrevista con psicología."
        data["submit"] = "1"
        response = panama.post(self.url("answer", "pa"), data)
        self.assertRedirects(response, self.url("country", "pa"))
        col = column(self.round, "PA")
        self.assertEqual(col.status, ColumnStatus.SUBMITTED)
        heard = Answer.objects.get(column=col, question=self.a.heard)
        self.assertEqual(
            (heard.choice, heard.basis_instrument, heard.basis_article, heard.basis_url, heard.note),
            ("yes", "Ley de Protección Integral", "Art. 12", "https://example.org/ley", "Entrevista con psicología."),
        )
        self.assertIsNotNone(heard.confirmed_at)
        self.assertEqual(Answer.objects.get(column=col, question=self.a.services).selected, ["health", "psy"])

        # The lead and the TS learn it was submitted; it waits in the lead's My work.
        self.assertTrue(Notification.objects.filter(user=self.n.lead, kind=NotificationKind.REVIEW_REQUESTED).exists())
        self.assertIn(str(self.a.analysis), [item.title for item in items_for(self.n.lead)])

        # Once submitted, Panama cannot change it.
        response = panama.get(self.url("answer", "pa"))
        self.assertRedirects(response, self.url("country", "pa"))

        lead = signed_in(self.n.lead)
        response = lead.post(self.url("return", "pa"), {"return-comment": "Indiquen la base legal de 1.2."})
        self.assertRedirects(response, self.url("country", "pa"))
        col.refresh_from_db()
        self.assertEqual((col.status, col.review_comment), (ColumnStatus.RETURNED, "Indiquen la base legal de 1.2."))
        notice = Notification.objects.get(user=self.n.pa_officer, kind=NotificationKind.REPORT_RETURNED)
        self.assertEqual(notice.body, "Indiquen la base legal de 1.2.")
        page = panama.get(self.url("answer", "pa"))
        self.assertContains(page, "Indiquen la base legal de 1.2.")
        with translation.override("en"):
            self.assertIn("Comparison to revise", [item.kind for item in items_for(self.n.pa_officer)])

        data[f"q{self.a.bid.pk}_basis_instrument"] = "Protocolo de determinación"
        response = panama.post(self.url("answer", "pa"), data)
        self.assertEqual(column(self.round, "PA").status, ColumnStatus.SUBMITTED)

        response = lead.post(self.url("validate", "pa"), {"validate-comment": ""})
        self.assertRedirects(response, self.url("country", "pa"))
        col.refresh_from_db()
        self.assertEqual(col.status, ColumnStatus.VALIDATED)
        self.assertEqual(col.reviewed_by, self.n.lead)
        self.assertTrue(Notification.objects.filter(user=self.n.pa_officer, kind=NotificationKind.REPORT_APPROVED))
        steps = list(ColumnEvent.objects.filter(column=col).values_list("kind", flat=True))
        self.assertEqual(steps, ["submitted", "returned", "submitted", "validated"])
        profile = panama.get(self.url("country", "pa"))
        self.assertContains(profile, "Indiquen la base legal de 1.2.")

    def test_panama_cannot_edit_costa_rica_on_the_page(self):
        panama = signed_in(self.n.pa_officer)
        before = Answer.objects.count()
        self.assertEqual(panama.get(self.url("answer", "cr")).status_code, 403)
        response = panama.post(self.url("answer", "cr"), form_data(self.a, {self.a.heard: "no"}))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(panama.post(self.url("submit", "cr")).status_code, 403)
        self.assertEqual(panama.post(self.url("confirm", "cr")).status_code, 403)
        self.assertEqual(Answer.objects.count(), before)
        # Not even once Costa Rica's column is validated and Panama may read it.
        cr = self.n.cr_officer
        col = column(self.round, "CR")
        services.save_answers(col, {q.pk: {"value": v} for q, v in full_answers(self.a).items()}, acting_user=cr)
        services.submit_column(col, acting_user=cr)
        services.validate_column(col, acting_user=self.n.lead)
        self.assertEqual(panama.get(self.url("country", "cr")).status_code, 200)
        self.assertEqual(panama.get(self.url("answer", "cr")).status_code, 403)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.REFUSED, actor=self.n.pa_officer).exists())

    def test_panama_cannot_edit_costa_rica_through_the_api(self):
        client = api_client(self.n.pa_officer)
        base = f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/{self.round.number}/columns"
        body = json.dumps({"value": "no", "revision": 0})
        response = client.put(f"{base}/CR/answers/{self.a.heard.pk}", data=body, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(client.post(f"{base}/CR/submit").status_code, 403)
        self.assertFalse(Answer.objects.filter(column__country__code="CR").exists())
        # Its own column works.
        response = client.put(f"{base}/PA/answers/{self.a.heard.pk}", data=body, content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["answers"][0]["value"], "no")

    def test_the_api_path_submit_return_validate(self):
        panama = api_client(self.n.pa_officer)
        lead = api_client(self.n.lead)
        base = f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/{self.round.number}/columns/PA"
        for question, value in full_answers(self.a).items():
            payload = {"value": value, "basis_instrument": "Ley 1", "basis_url": "https://example.org/l", "revision": 0}
            response = panama.put(
                f"{base}/answers/{question.pk}", data=json.dumps(payload), content_type="application/json"
            )
            self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(panama.post(f"{base}/submit").json()["status"], "submitted")
        # Officers do not review, not even their own column.
        response = panama.post(f"{base}/validate", data="{}", content_type="application/json")
        self.assertEqual(response.status_code, 403)
        response = lead.post(
            f"{base}/return", data=json.dumps({"comment": "Falta 2.3"}), content_type="application/json"
        )
        self.assertEqual(response.json()["status"], "returned")
        self.assertEqual(panama.get(base).json()["review_comment"], "Falta 2.3")
        self.assertEqual(panama.post(f"{base}/submit").json()["status"], "submitted")
        response = lead.post(f"{base}/validate", data="{}", content_type="application/json")
        self.assertEqual(response.json()["status"], "validated")

    def test_a_return_needs_a_comment_and_a_draft_cannot_be_reviewed(self):
        col = column(self.round, "PA")
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.validate_column(col, acting_user=self.n.lead)
        self.assertIn("not been submitted", str(caught.exception))
        col = services.save_answers(col, {self.a.heard.pk: {"value": "yes"}}, acting_user=self.n.pa_officer)
        col = column(self.round, "PA")
        with self.assertRaises(ValidationError):
            services.return_column(col, acting_user=self.n.lead, comment="   ")

    def test_officers_and_partners_do_not_review(self):
        col = column(self.round, "PA")
        services.save_answers(
            col, {q.pk: {"value": v} for q, v in full_answers(self.a).items()}, acting_user=self.n.pa_officer
        )
        services.submit_column(col, acting_user=self.n.pa_officer)
        for user in (self.n.pa_officer, self.n.gt_officer, self.n.partner):
            with self.assertRaises(PermissionDenied):
                services.validate_column(col, acting_user=user)
        # The TS may review any analysis.
        services.validate_column(col, acting_user=self.n.ts)
        self.assertEqual(column(self.round, "PA").status, ColumnStatus.VALIDATED)
