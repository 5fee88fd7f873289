"""The demo plan loads on top of the demo network, twice without duplicates, with reports at every step."""

from io import StringIO

from django.test import TestCase, override_settings
from django.utils import translation

from accounts.models import User
from core import access
from network import demo as network_demo
from network.models import Country, Person
from plan import demo, queries
from plan.models import (
    Evidence,
    FollowUpLine,
    FollowUpReport,
    Indicator,
    IndicatorValue,
    Node,
    Plan,
    ReportAction,
    ReportEvent,
    ReportStatus,
    Scope,
)

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MODELS = (Plan, Node, Indicator, IndicatorValue, FollowUpReport, FollowUpLine, Evidence, ReportEvent)


@override_settings(TASKS=IMMEDIATE)
class DemoPlanTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        network_demo.load(StringIO())
        cls.countries = Country.objects.count()
        cls.people = Person.objects.count()
        demo.load(StringIO())

    def setUp(self):
        self.english = translation.override("en")
        self.english.__enter__()
        self.addCleanup(self.english.__exit__, None, None, None)

    def test_loading_again_duplicates_nothing(self):
        counts = [model.objects.count() for model in MODELS]
        out = StringIO()
        demo.load(out)
        network_demo.load(StringIO())
        demo.load(out)
        self.assertEqual(counts, [model.objects.count() for model in MODELS])
        self.assertIn("already loaded", out.getvalue())
        # The network's countries and people are reused, never created again.
        self.assertEqual((Country.objects.count(), Person.objects.count()), (self.countries, self.people))

    def test_the_plan_has_five_axes_of_objectives_and_activities_in_both_languages(self):
        plan = Plan.objects.get()
        self.assertEqual((plan.title_es, plan.title_en), ("Plan Estratégico 2017–2022", "Strategic Plan 2017–2022"))
        self.assertEqual((plan.start_year, plan.end_year, plan.body.slug), (2017, 2022, "child-protection"))
        self.assertIn("Demonstration", plan.description_en)
        axes = Node.objects.filter(plan=plan, parent=None).order_by("order")
        self.assertEqual([axis.code for axis in axes], ["1", "2", "3", "4", "5"])
        self.assertEqual(axes[1].title_en, "Consular protection in detection and reception")
        for axis in axes:
            objectives = list(axis.children.all())
            self.assertTrue(2 <= len(objectives) <= 3, axis)
            for objective in objectives:
                self.assertTrue(2 <= objective.children.count() <= 4, objective)
        activities = Node.objects.filter(plan=plan).exclude(scope="")
        self.assertTrue(activities.filter(scope=Scope.REGIONAL).exists())
        self.assertTrue(activities.filter(scope=Scope.NATIONAL).exists())
        self.assertTrue(activities.filter(priority=True).exists())
        self.assertTrue(activities.exclude(weight=1).exists())
        for node in Node.objects.filter(plan=plan):
            node.full_clean()
            self.assertTrue(node.title_es and node.title_en, node)
        for model in MODELS:
            self.assertFalse(model.objects.filter(is_demo=False).exists(), model)
        self.assertEqual(Indicator.objects.count(), 4)
        self.assertTrue(IndicatorValue.objects.filter(kind="target").exists())
        self.assertTrue(IndicatorValue.objects.filter(kind="actual", country__isnull=False).exists())

    def test_two_years_of_follow_up_in_every_state(self):
        def states(year):
            rows = FollowUpReport.objects.filter(year=year).values_list("country__code", "status")
            return {code or "regional": status for code, status in rows}

        self.assertEqual(
            states(2018),
            dict.fromkeys(["HN", "GT", "PA", "CR", "SV", "MX", "regional"], ReportStatus.APPROVED),
        )
        self.assertEqual(
            states(2019),
            {
                "MX": ReportStatus.APPROVED,
                "PA": ReportStatus.APPROVED,
                "HN": ReportStatus.SUBMITTED,
                "GT": ReportStatus.RETURNED,
                "CR": ReportStatus.DRAFT,
                "regional": ReportStatus.DRAFT,
            },
        )
        returned = ReportEvent.objects.get(report__year=2019, report__country__code="GT", action=ReportAction.RETURNED)
        self.assertIn("4.1.1", returned.comment)
        self.assertEqual(returned.by.email, "ts@enlace.example")
        mexico = FollowUpReport.objects.get(year=2018, country__code="MX")
        self.assertEqual(
            list(mexico.events.values_list("action", flat=True)),
            ["submitted", "approved", "reopened", "submitted", "approved"],
        )
        # The steps are dated after the year they report on, in order.
        self.assertEqual(mexico.approved_at.year, 2019)
        self.assertEqual(
            list(mexico.events.values_list("at", flat=True)), sorted(mexico.events.values_list("at", flat=True))
        )
        # Honduras's own officer filled and submitted its report.
        honduras = FollowUpReport.objects.get(year=2019, country__code="HN")
        self.assertEqual(honduras.events.get().by.email, "honduras@enlace.example")
        self.assertTrue(Evidence.objects.filter(line__report__country__code="HN").exists())

    def test_the_tree_and_the_matrix_show_the_demo_progress(self):
        plan = Plan.objects.get()
        member = User.objects.get(email="guatemala@enlace.example")
        roots, _outline = queries.plan_tree(plan, 2018, member)
        self.assertTrue(all(root.progress is not None for root in roots))
        found = queries.matrix(plan, 2019, member)
        self.assertTrue(any(found.cell(node.pk, found.countries[0].pk) is None for node in found.activities))
        self.assertEqual(found.states[Country.objects.get(code="SV").pk].status, "missing")
        self.assertEqual(found.states[Country.objects.get(code="HN").pk].status, ReportStatus.SUBMITTED)

    def test_the_demo_users_see_what_their_role_allows(self):
        honduras = User.objects.get(email="honduras@enlace.example")
        guatemala = User.objects.get(email="guatemala@enlace.example")
        panama = User.objects.get(email="panama@enlace.example")
        gt_2019 = FollowUpReport.objects.get(year=2019, country__code="GT")
        regional_2019 = FollowUpReport.objects.get(year=2019, country=None)
        self.assertTrue(access.can(guatemala, "fill", gt_2019))
        self.assertFalse(access.can(honduras, access.VIEW, gt_2019))
        self.assertTrue(access.can(panama, "fill", regional_2019))
        self.assertFalse(access.can(honduras, "fill", regional_2019))
