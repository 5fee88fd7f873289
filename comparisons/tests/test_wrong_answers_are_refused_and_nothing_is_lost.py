"""Bad input on answers: an answer of the wrong type, a submission for another country, an incomplete
column — a clear message naming what is wrong, and nothing written."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from comparisons import services
from comparisons.models import Answer, ColumnStatus
from comparisons.testing import build_analysis, column
from core.testing import api_client, build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class WrongAnswersTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n)
        cls.round = services.start_round(cls.a.analysis, acting_user=cls.n.lead)

    def refused(self, question, value):
        col = column(self.round, "PA")
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.save_answer(col, question, acting_user=self.n.pa_officer, value=value)
        self.assertFalse(Answer.objects.filter(column=col, question=question).exists())
        return caught.exception.message_dict["value"][0]

    def test_each_answer_type_names_what_it_expects(self):
        self.assertEqual(self.refused(self.a.heard, "maybe"), "Answer yes, partly or no.")
        self.assertEqual(self.refused(self.a.heard, 1), "Answer yes, partly or no.")
        self.assertEqual(self.refused(self.a.means, "boat"), "Choose one of: air, land.")
        self.assertIn("Unknown choices: boat", self.refused(self.a.services, ["health", "boat"]))
        self.assertIn("list of choices", self.refused(self.a.services, [1, 2]))
        self.assertEqual(self.refused(self.a.months, "six"), "Give a number, e.g. 12 or 3.5.")
        self.assertEqual(self.refused(self.a.months, True), "Give a number, e.g. 12 or 3.5.")
        self.assertEqual(self.refused(self.a.months, "1e20"), "Give a number, e.g. 12 or 3.5.")
        self.assertEqual(self.refused(self.a.months, "NaN"), "Give a number, e.g. 12 or 3.5.")
        self.assertIn("YYYY-MM-DD", self.refused(self.a.updated, "31/02/2025"))
        self.assertIn("YYYY-MM-DD", self.refused(self.a.updated, "2025-02-31"))
        self.assertEqual(self.refused(self.a.challenges, ["a"]), "Give the answer as text.")
        self.assertIn("at most 5000", self.refused(self.a.challenges, "x" * 5001))

    def test_a_bad_link_to_the_basis_is_refused_with_its_field(self):
        col = column(self.round, "PA")
        with self.assertRaises(ValidationError) as caught:
            services.save_answer(col, self.a.heard, acting_user=self.n.pa_officer, value="yes", basis_url="not a link")
        self.assertIn("basis_url", caught.exception.message_dict)
        self.assertFalse(Answer.objects.filter(column=col).exists())

    def test_one_wrong_answer_in_a_form_saves_none_of_them(self):
        col = column(self.round, "PA")
        entries = {
            self.a.heard.pk: {"value": "yes"},
            self.a.months.pk: {"value": "seis"},
            self.a.means.pk: {"value": "air"},
        }
        with self.assertRaises(ValidationError) as caught:
            services.save_answers(col, entries, acting_user=self.n.pa_officer)
        self.assertEqual(set(caught.exception.message_dict), {f"q{self.a.months.pk}.value"})
        self.assertFalse(Answer.objects.filter(column=col).exists())

    def test_the_answer_page_shows_the_error_beside_its_question_and_keeps_nothing(self):
        data = {f"q{self.a.heard.pk}_value": "yes", f"q{self.a.months.pk}_value": "seis"}
        response = signed_in(self.n.pa_officer).post(
            reverse("comparisons:answer", args=[self.a.analysis.pk, 1, "pa"]), data, headers={"Accept-Language": "en"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give a number, e.g. 12 or 3.5.")
        self.assertContains(response, "Nothing was saved.")
        self.assertEqual(
            response.context["form"].errors[f"q{self.a.months.pk}_value"], ["Give a number, e.g. 12 or 3.5."]
        )
        self.assertFalse(Answer.objects.exists())

    def test_a_question_of_another_analysis_or_round_is_refused(self):
        other = build_analysis(self.n, title_en="Other")
        col = column(self.round, "PA")
        with self.assertRaises(ValidationError) as caught:
            services.save_answer(col, other.heard, acting_user=self.n.pa_officer, value="yes")
        self.assertIn("question", caught.exception.message_dict)

    def test_a_basis_without_an_answer_is_refused(self):
        col = column(self.round, "PA")
        with self.assertRaises(ValidationError) as caught:
            services.save_answers(
                col, {self.a.heard.pk: {"value": "", "basis_instrument": "Ley 5"}}, acting_user=self.n.pa_officer
            )
        self.assertIn(f"q{self.a.heard.pk}.value", caught.exception.message_dict)

    def test_an_incomplete_column_cannot_be_submitted_and_says_which_questions_are_missing(self):
        col = column(self.round, "PA")
        services.save_answer(col, self.a.heard, acting_user=self.n.pa_officer, value="yes")
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.submit_column(col, acting_user=self.n.pa_officer)
        self.assertIn("unanswered: 1.2, 1.3, 2.1, 2.2, 2.3, 2.4, 2.5", caught.exception.messages[0])
        self.assertEqual(column(self.round, "PA").status, ColumnStatus.DRAFT)

    def test_a_submission_for_another_country_is_refused(self):
        col = column(self.round, "GT")
        for user in (self.n.pa_officer, self.n.lead, self.n.partner, self.n.outsider):
            with self.assertRaises(PermissionDenied):
                services.submit_column(col, acting_user=user)
            with self.assertRaises(PermissionDenied):
                services.save_answer(col, self.a.heard, acting_user=user, value="yes")
        self.assertEqual(column(self.round, "GT").status, ColumnStatus.DRAFT)
        # Guatemala's alternate officer answers for Guatemala too.
        services.save_answer(col, self.a.heard, acting_user=self.n.gt_alternate, value="yes")

    def test_the_api_answers_400_with_the_field_for_wrong_values(self):
        client = api_client(self.n.pa_officer)
        base = f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/1/columns/PA/answers"
        for question, value in ((self.a.heard, "maybe"), (self.a.months, "x"), (self.a.services, {"a": 1})):
            response = client.put(
                f"{base}/{question.pk}",
                data=json.dumps({"value": value, "revision": 0}),
                content_type="application/json",
            )
            self.assertEqual(response.status_code, 400, (question, value, response.content))
            self.assertIn("value", response.json()["errors"])
        response = client.put(
            f"{base}/{self.a.heard.pk}",
            data=json.dumps({"value": "yes", "colour": "red", "revision": 0}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("colour", response.json()["errors"])
        response = client.put(
            f"{base}/999999", data=json.dumps({"value": "yes", "revision": 0}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Answer.objects.exists())

    def test_a_submitted_column_cannot_change_until_returned(self):
        col = column(self.round, "PA")
        from comparisons.testing import full_answers

        services.save_answers(
            col, {q.pk: {"value": v} for q, v in full_answers(self.a).items()}, acting_user=self.n.pa_officer
        )
        services.submit_column(col, acting_user=self.n.pa_officer)
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.save_answer(col, self.a.heard, acting_user=self.n.pa_officer, value="no")
        self.assertIn("submitted", caught.exception.messages[0])
        self.assertEqual(Answer.objects.get(column=col, question=self.a.heard).choice, "yes")


class AnswersAreAuditedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n)
        cls.round = services.start_round(cls.a.analysis, acting_user=cls.n.lead)

    def test_each_change_to_an_answer_is_in_the_audit_trail_with_who_made_it(self):
        from core.models import AuditAction, AuditEntry

        col = column(self.round, "PA")
        services.save_answer(col, self.a.heard, acting_user=self.n.pa_officer, value="partly")
        # The TS enters a correction on Panama's behalf: the trail says it was the TS.
        services.save_answer(col, self.a.heard, acting_user=self.n.ts, value="yes", basis_instrument="Ley 1")
        answer = Answer.objects.get(column=col, question=self.a.heard)
        entries = list(AuditEntry.objects.for_object(answer).order_by("at", "pk"))
        self.assertEqual(
            [(e.action, e.actor) for e in entries],
            [
                (AuditAction.CREATE, self.n.pa_officer),
                (AuditAction.UPDATE, self.n.ts),
            ],
        )
        self.assertEqual(entries[1].changes["choice"], ["partly", "yes"])
