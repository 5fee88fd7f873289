"""Acceptance: the matrix renders with the same number of queries at 3 countries × 10 questions and at
11 × 100; so do its views, exports, the other pages and the API."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comparisons.testing import add_lead, all_members, build_answered
from core.testing import api_client, build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class MatrixQueryCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        add_lead(cls.n)
        members = all_members()
        cls.small, cls.small_questions = build_answered(cls.n, members[:3], 10, "Small")
        cls.large, cls.large_questions = build_answered(cls.n, members, 100, "Large")
        assert len(members) == 11

    def fetches(self, analysis, questions):
        lead, officer, ts = signed_in(self.n.lead), signed_in(self.n.pa_officer), signed_in(self.n.ts)
        code = analysis.countries.order_by("code").first().code.code
        anonymous = self.client
        api, api_lead = api_client(self.n.pa_officer), api_client(self.n.lead)
        pk = analysis.pk
        matrix = reverse("comparisons:matrix", args=[pk, 1])
        return {
            "matrix (anonymous)": lambda: anonymous.get(matrix),
            "matrix (lead)": lambda: lead.get(matrix),
            "matrix (officer)": lambda: officer.get(matrix),
            "matrix round 2 (lead)": lambda: lead.get(reverse("comparisons:matrix", args=[pk, 2])),
            "differences": lambda: anonymous.get(matrix + "?view=differences"),
            "gaps": lambda: anonymous.get(matrix + "?view=gaps"),
            "one section": lambda: anonymous.get(matrix + f"?section={questions[0].section_id}"),
            "htmx matrix": lambda: anonymous.get(matrix + "?view=gaps", headers={"HX-Request": "true"}),
            "changes": lambda: lead.get(reverse("comparisons:changes", args=[pk, 2])),
            "xlsx": lambda: anonymous.get(reverse("comparisons:export", args=[pk, 1, "xlsx"])),
            "docx": lambda: anonymous.get(reverse("comparisons:export", args=[pk, 1, "docx"])),
            "analysis": lambda: lead.get(reverse("comparisons:analysis", args=[pk])),
            "framework": lambda: lead.get(reverse("comparisons:framework", args=[pk])),
            "country profile": lambda: lead.get(reverse("comparisons:country", args=[pk, 1, code.lower()])),
            "question": lambda: anonymous.get(reverse("comparisons:question", args=[pk, 2, questions[0].pk])),
            "answer page (TS)": lambda: ts.get(reverse("comparisons:answer", args=[pk, 2, code.lower()])),
            "list": lambda: anonymous.get(reverse("comparisons:list")),
            "api matrix": lambda: api.get(f"/api/v1/comparisons/analyses/{pk}/rounds/1/matrix"),
            "api framework": lambda: api.get(f"/api/v1/comparisons/analyses/{pk}"),
            "api column (lead)": lambda: api_lead.get(f"/api/v1/comparisons/analyses/{pk}/rounds/2/columns/{code}"),
            "api columns": lambda: api.get(f"/api/v1/comparisons/analyses/{pk}/rounds/2/columns"),
            "api changes (lead)": lambda: api_lead.get(f"/api/v1/comparisons/analyses/{pk}/rounds/2/changes"),
        }

    def count(self, fetch):
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        self.assertEqual(response.status_code, 200, getattr(response, "content", b"")[:500])
        return len(queries)

    def test_pages_exports_and_api_do_not_grow_with_countries_and_questions(self):
        small_fetches = self.fetches(self.small, self.small_questions)
        large_fetches = self.fetches(self.large, self.large_questions)
        for fetch in (*small_fetches.values(), *large_fetches.values()):
            fetch()  # warm caches (content types, the token's last use)
        small = {name: self.count(fetch) for name, fetch in small_fetches.items()}
        large = {name: self.count(fetch) for name, fetch in large_fetches.items()}
        self.assertEqual(small, large)

    def test_the_large_matrix_really_holds_eleven_countries_and_a_hundred_questions(self):
        response = self.client.get(reverse("comparisons:matrix", args=[self.large.pk, 1]))
        html = response.content.decode()
        self.assertEqual(html.count('<th scope="col" id="c-'), 11)
        self.assertEqual(html.count("<tr data-question="), 100)
        self.assertEqual(html.count('data-country="'), 1100)
