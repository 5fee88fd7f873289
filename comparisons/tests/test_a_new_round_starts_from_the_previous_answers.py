"""Acceptance: a second round starts from the first round's answers, and the differences between
rounds are shown (page and API). Carried-over answers are marked until confirmed."""

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from comparisons import services
from comparisons.models import Answer, ColumnStatus
from comparisons.testing import build_analysis, column, submitted
from core.testing import api_client, build_network, signed_in

EN = {"Accept-Language": "en"}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class SecondRoundTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n)
        lead = cls.n.lead
        cls.first = services.start_round(cls.a.analysis, acting_user=lead, label_en="2025")
        for code, user, heard in (("PA", cls.n.pa_officer, "no"), ("HN", cls.n.hn_officer, "partly")):
            services.validate_column(submitted(cls.first, code, user, cls.a, heard=heard), acting_user=lead)
        services.close_round(cls.first, acting_user=lead)
        cls.first_confirmed = Answer.objects.get(
            column__round=cls.first, column__country__code="PA", question=cls.a.heard
        )
        cls.second = services.start_round(cls.a.analysis, acting_user=lead, label_en="2026")

    def test_the_new_columns_start_from_the_previous_answers_marked_as_carried_over(self):
        pa = column(self.second, "PA")
        answers = {a.question_id: a for a in pa.answers.all()}
        self.assertEqual(len(answers), 8)
        heard = answers[self.a.heard.pk]
        self.assertEqual(heard.choice, "no")
        self.assertTrue(heard.carried_over)
        self.assertEqual(heard.carried_from, self.first_confirmed)
        self.assertEqual(heard.confirmed_at, self.first_confirmed.confirmed_at)
        self.assertEqual(pa.status, ColumnStatus.DRAFT)
        # Countries that had not answered start empty.
        self.assertFalse(column(self.second, "GT").answers.exists())
        # The first round is untouched.
        self.assertEqual(Answer.objects.filter(column__round=self.first).count(), 16)
        self.assertFalse(Answer.objects.filter(column__round=self.first, carried_over=True).exists())

    def test_the_answer_page_shows_what_was_carried_over_and_when_it_was_last_confirmed(self):
        page = signed_in(self.n.pa_officer).get(
            reverse("comparisons:answer", args=[self.a.analysis.pk, 2, "pa"]), headers={"Accept-Language": "en"}
        )
        self.assertContains(page, "Carried over from the previous round, not confirmed yet.", count=8)
        self.assertContains(page, "8 answers were carried over from the previous round")
        self.assertContains(page, f'name="q{self.a.heard.pk}_confirm"')

    def test_submitting_needs_the_carried_over_answers_confirmed_or_changed(self):
        pa = column(self.second, "PA")
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.submit_column(pa, acting_user=self.n.pa_officer)
        self.assertIn("carried over", str(caught.exception))
        services.save_answer(pa, self.a.heard, acting_user=self.n.pa_officer, value="yes")
        changed = Answer.objects.get(column=pa, question=self.a.heard)
        self.assertFalse(changed.carried_over)
        self.assertGreater(changed.confirmed_at, self.first_confirmed.confirmed_at)
        self.assertEqual(services.confirm_answers(pa, acting_user=self.n.pa_officer), 7)
        self.assertEqual(services.submit_column(pa, acting_user=self.n.pa_officer).status, ColumnStatus.SUBMITTED)

    def test_confirming_unchanged_keeps_the_value_and_dates_the_confirmation(self):
        pa = column(self.second, "PA")
        services.save_answer(pa, self.a.bid, acting_user=self.n.pa_officer, value="partly", confirm=True)
        answer = Answer.objects.get(column=pa, question=self.a.bid)
        self.assertEqual(answer.choice, "partly")
        self.assertFalse(answer.carried_over)
        self.assertEqual(answer.confirmed_by, self.n.pa_officer)

    def test_the_changes_page_shows_what_changed_between_the_rounds(self):
        pa = column(self.second, "PA")
        services.save_answer(pa, self.a.heard, acting_user=self.n.pa_officer, value="yes")
        services.save_answer(pa, self.a.months, acting_user=self.n.pa_officer, value="6", basis_instrument="Ley 9")
        services.confirm_answers(pa, acting_user=self.n.pa_officer)
        services.validate_column(services.submit_column(pa, acting_user=self.n.pa_officer), acting_user=self.n.lead)
        page = signed_in(self.n.gt_officer).get(
            reverse("comparisons:changes", args=[self.a.analysis.pk, 2]), headers={"Accept-Language": "en"}
        )
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn(f'data-question="{self.a.heard.pk}" data-country="pa" data-kind="changed"', html)
        self.assertIn(f'data-question="{self.a.months.pk}" data-country="pa" data-kind="basis"', html)
        self.assertIn("answer changed", html)
        # Honduras's 2026 column is not validated: another country's officer sees no change of it.
        self.assertNotIn('data-country="hn"', html)
        # The TS follows every column: Honduras's answers, carried over and unconfirmed, are counted.
        page = signed_in(self.n.ts).get(reverse("comparisons:changes", args=[self.a.analysis.pk, 2]), headers=EN)
        self.assertContains(page, "Carried over, not confirmed yet")
        self.assertRegex(page.content.decode(), r'data-carried="hn">.*Honduras</a>: 8 answers</li>')

    def test_the_api_lists_the_changes(self):
        pa = column(self.second, "PA")
        services.save_answer(pa, self.a.heard, acting_user=self.n.pa_officer, value="partly")
        response = api_client(self.n.pa_officer).get(
            f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/2/changes"
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["previous_round"], 1)
        self.assertEqual(body["carried_over"], [{"country": "PA", "count": 7}])
        changed = [c for c in body["changes"] if c["kind"] == "changed"]
        self.assertEqual(len(changed), 1)
        self.assertEqual(
            (changed[0]["country"], changed[0]["before"]["value"], changed[0]["after"]["value"]), ("PA", "no", "partly")
        )

    def test_only_one_round_is_open_at_a_time(self):
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.start_round(self.a.analysis, acting_user=self.n.lead)
        self.assertIn("still open", str(caught.exception))

    def test_a_closed_round_no_longer_changes(self):
        pa = column(self.first, "PA")
        with self.assertRaises(ValidationError) as caught, translation.override("en"):
            services.save_answer(pa, self.a.heard, acting_user=self.n.ts, value="yes")
        self.assertIn("closed", str(caught.exception))
        self.assertEqual(Answer.objects.get(column=pa, question=self.a.heard).choice, "no")
