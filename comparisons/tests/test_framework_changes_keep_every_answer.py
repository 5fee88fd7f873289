"""Bad input on the framework: a change that would orphan answers is refused with a clear message,
and a question removed from the framework keeps its past answers in the earlier rounds."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from comparisons import queries, services
from comparisons.models import Answer, AnswerType, Question, Section
from comparisons.testing import build_analysis, column, submitted
from core.testing import api_client, build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class RemovedQuestionsKeepTheirAnswersTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n)
        cls.first = services.start_round(cls.a.analysis, acting_user=cls.n.lead)
        services.validate_column(submitted(cls.first, "PA", cls.n.pa_officer, cls.a), acting_user=cls.n.lead)
        services.close_round(cls.first, acting_user=cls.n.lead)
        cls.second = services.start_round(cls.a.analysis, acting_user=cls.n.lead)

    def test_a_question_answered_in_an_earlier_round_is_retired_not_deleted(self):
        outcome = services.remove_question(self.a.detained, acting_user=self.n.lead)
        self.assertEqual(outcome, "retired")
        question = Question.objects.get(pk=self.a.detained.pk)
        self.assertEqual(question.retired_from, 2)
        # Round 1 keeps the question and Panama's answer; round 2 no longer asks it.
        self.assertTrue(Answer.objects.filter(column__round=self.first, question=question).exists())
        self.assertFalse(Answer.objects.filter(column__round=self.second, question=question).exists())
        self.assertNotIn(question, queries.round_questions(self.second))
        self.assertIn(question, queries.round_questions(self.first))
        old = queries.matrix(self.n.ts, self.first)
        cell = next(row for row in old.rows if row.question.pk == question.pk).cells
        self.assertEqual([answer.choice for _column, answer in cell if answer], ["no"])
        # Its page in round 1 still shows the answer; the changes page lists it as removed.
        ts = signed_in(self.n.ts)
        page = ts.get(reverse("comparisons:question", args=[self.a.analysis.pk, 1, question.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'data-country="pa"')
        changes = ts.get(
            reverse("comparisons:changes", args=[self.a.analysis.pk, 2]), headers={"Accept-Language": "en"}
        )
        self.assertContains(changes, "Question removed")
        # Panama can submit round 2 without it.
        pa = column(self.second, "PA")
        services.confirm_answers(pa, acting_user=self.n.pa_officer)
        services.submit_column(pa, acting_user=self.n.pa_officer)

    def test_a_question_answered_in_the_open_round_stays_there_and_leaves_from_the_next(self):
        pa = column(self.second, "PA")
        services.save_answer(pa, self.a.detained, acting_user=self.n.pa_officer, value="partly")
        outcome = services.remove_question(self.a.detained, acting_user=self.n.lead)
        self.assertEqual(outcome, "retired_next")
        question = Question.objects.get(pk=self.a.detained.pk)
        self.assertEqual(question.retired_from, 3)
        self.assertEqual(Answer.objects.get(column=pa, question=question).choice, "partly")
        services.close_round(self.second, acting_user=self.n.lead)
        third = services.start_round(self.a.analysis, acting_user=self.n.lead)
        self.assertNotIn(question, queries.round_questions(third))
        self.assertFalse(Answer.objects.filter(column__round=third, question=question).exists())

    def test_a_question_nobody_answered_is_deleted(self):
        fresh = services.add_question(
            self.a.analysis, acting_user=self.n.lead, section=self.a.before, answer_type="yes_no", text_en="New?"
        )
        self.assertEqual(fresh.introduced_in, 2)
        self.assertEqual(services.remove_question(fresh, acting_user=self.n.lead), "deleted")
        self.assertFalse(Question.objects.filter(pk=fresh.pk).exists())

    def test_the_answer_type_of_an_answered_question_cannot_change(self):
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.update_question(self.a.heard, acting_user=self.n.lead, answer_type=AnswerType.TEXT)
        self.assertIn("answer_type", caught.exception.message_dict)
        self.assertIn("cannot change", caught.exception.message_dict["answer_type"][0])
        self.assertEqual(Question.objects.get(pk=self.a.heard.pk).answer_type, AnswerType.YES_NO)

    def test_a_choice_that_countries_chose_cannot_be_taken_away_but_its_wording_can_change(self):
        kept = [
            {"key": "health", "es": "Salud", "en": "Health care"},
            {"key": "school", "es": "Escuela", "en": "School"},
        ]
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.update_question(self.a.services, acting_user=self.n.lead, choices=kept)
        self.assertIn("Psychosocial", caught.exception.message_dict["choices"][0])
        kept.append({"key": "psy", "es": "Psicosocial", "en": "Psychosocial care"})
        services.update_question(self.a.services, acting_user=self.n.lead, choices=kept, text_en="Services")
        question = Question.objects.get(pk=self.a.services.pk)
        self.assertEqual(question.choice_label("psy", "en"), "Psychosocial care")

    def test_removing_a_section_retires_its_answered_questions(self):
        self.assertEqual(services.remove_section(self.a.before, acting_user=self.n.lead), "retired")
        self.assertTrue(Section.objects.filter(pk=self.a.before.pk).exists())
        self.assertEqual(Answer.objects.filter(column__round=self.first, question__section=self.a.before).count(), 3)
        empty = services.add_section(self.a.analysis, acting_user=self.n.lead, title_en="Empty")
        self.assertEqual(services.remove_section(empty, acting_user=self.n.lead), "deleted")

    def test_the_framework_page_says_what_happened(self):
        lead = signed_in(self.n.lead)
        url = reverse("comparisons:question_remove", args=[self.a.analysis.pk, self.a.detained.pk])
        response = lead.post(url, follow=True, headers={"Accept-Language": "en"})
        self.assertContains(response, "the earlier rounds keep it and its answers")
        self.assertContains(response, "asked in rounds 1 to 1")
        url = reverse("comparisons:question_edit", args=[self.a.analysis.pk, self.a.heard.pk])
        response = lead.post(
            url,
            {"section": self.a.before.pk, "text_en": "Heard?", "answer_type": "text", "order": 1},
            headers={"Accept-Language": "en"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "its answer type cannot change")

    def test_the_api_refuses_a_change_that_would_orphan_answers(self):
        client = api_client(self.n.lead)
        response = client.patch(
            f"/api/v1/comparisons/questions/{self.a.means.pk}",
            data=json.dumps({"answer_type": "multiple"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 409)  # answers exist: the question's state refuses it
        self.assertIn("answer_type", response.json()["errors"])
        response = client.delete(f"/api/v1/comparisons/questions/{self.a.means.pk}")
        self.assertEqual(response.json()["outcome"], "retired")
        framework = client.get(f"/api/v1/comparisons/analyses/{self.a.analysis.pk}").json()
        removed = next(q for q in framework["questions"] if q["id"] == self.a.means.pk)
        self.assertEqual((removed["retired_from"], removed["number"]), (2, ""))

    def test_only_the_lead_and_the_ts_change_the_framework(self):
        for user in (self.n.pa_officer, self.n.partner, self.n.outsider):
            with self.assertRaises(PermissionDenied):
                services.remove_question(self.a.heard, acting_user=user)
            with self.assertRaises(PermissionDenied):
                services.add_section(self.a.analysis, acting_user=user, title_en="X")
        response = signed_in(self.n.pa_officer).get(reverse("comparisons:question_create", args=[self.a.analysis.pk]))
        self.assertEqual(response.status_code, 403)
