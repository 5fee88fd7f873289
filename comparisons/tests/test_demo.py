"""The demo analysis loads after the demo network, twice without duplicates, with Guatemala left to answer."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import User
from comparisons import queries
from comparisons.models import Analysis, Answer, Column, ColumnStatus, Question, Round, Section
from core.mywork import items_for

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MODELS = (Analysis, Section, Question, Round, Column, Answer)


@override_settings(TASKS=IMMEDIATE)
class DemoAnalysisTest(TestCase):
    def test_load_demo_twice_makes_one_demo_analysis_with_two_rounds(self):
        call_command("load_demo", stdout=StringIO())
        counts = [model.objects.count() for model in MODELS]
        call_command("load_demo", stdout=StringIO())
        self.assertEqual(counts, [model.objects.count() for model in MODELS])
        analysis = Analysis.objects.get()
        self.assertEqual(analysis.title_en, "Assisted voluntary return of migrant children: practices and procedures")
        self.assertEqual(
            analysis.title_es,
            "Retorno voluntario asistido de niñas, niños y adolescentes migrantes: prácticas y procedimientos",
        )
        self.assertEqual(analysis.lead_organization.acronym_en, "IOM")
        self.assertTrue(15 <= analysis.questions.count() <= 25)
        for model in MODELS:
            self.assertFalse(model.objects.filter(is_demo=False).exists(), model)
        for question in Question.objects.all():
            question.full_clean()
            self.assertTrue(question.text_es and question.text_en)

        statuses = dict(Column.objects.filter(round__number=2).values_list("country__code", "status"))
        self.assertEqual(
            {code: statuses[code] for code in ("HN", "CR", "MX", "PA", "SV", "GT")},
            {
                "HN": ColumnStatus.VALIDATED,
                "CR": ColumnStatus.VALIDATED,
                "MX": ColumnStatus.SUBMITTED,
                "PA": ColumnStatus.RETURNED,
                "SV": ColumnStatus.DRAFT,
                "GT": ColumnStatus.DRAFT,
            },
        )
        self.assertFalse(Answer.objects.filter(column__country__code="GT").exists())
        self.assertTrue(Answer.objects.filter(column__round__number=2, column__country__code="SV", carried_over=True))
        second = Round.objects.get(number=2)
        found = queries.changes(None, second)
        self.assertTrue(
            any(c.kind == "changed" and c.column.country.code.code == "HN" for _q, cs in found.by_question for c in cs)
        )
        self.assertTrue(queries.matrix(None, second, view="gaps").rows)
        self.assertTrue(queries.matrix(None, second, view="differences").rows)

    def test_the_demo_member_finds_guatemala_s_column_to_answer(self):
        call_command("load_demo", stdout=StringIO())
        guatemala = User.objects.get(email="guatemala@enlace.example")
        items = [item for item in items_for(guatemala) if "comparisons" in item.url]
        self.assertEqual(len(items), 1)
        self.client.force_login(guatemala)
        self.assertEqual(self.client.get(items[0].url).status_code, 200)
        from django.apps import apps

        for page in apps.get_app_config("comparisons").main_pages():
            client = self.client if page["audience"] == "member" else self.client_class()
            self.assertEqual(client.get(page["path"]).status_code, 200, page)
        self.assertEqual(self.client.get(reverse("comparisons:list")).status_code, 200)
