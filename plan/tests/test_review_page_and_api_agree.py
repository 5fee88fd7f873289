"""Who reviews a follow-up report is decided in one place (plan.access.reviews_reports): the page and the
API give every role the same answer, and change together when the rule changes."""

from unittest import mock

from django.test import TestCase
from django.urls import reverse

from core.testing import api_client, build_network, signed_in
from plan.models import ReportStatus
from plan.testing import build_plan, fill_report


class ReviewRuleTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.p = build_plan(cls.n)

    def setUp(self):
        values = {
            self.p.national_a: ("completed", 100),
            self.p.national_b: ("in_progress", 50),
            self.p.national_c: ("not_applicable", None),
        }
        self.report = fill_report(self.p.plan, 2018, self.n.hn, self.n.hn_officer, values, submit=True)

    def resubmitted(self):
        type(self.report).objects.filter(pk=self.report.pk).update(status=ReportStatus.SUBMITTED)

    def answers(self, user):
        """(page, API) for a return with a comment: True when taken, False when refused (403, or 404 where the
        report is not even theirs to see)."""
        self.resubmitted()
        page = signed_in(user).post(
            reverse("plan:report_return", args=[self.p.plan.pk, 2018, "hn"]), {"return-comment": "Revise"}
        )
        self.report.refresh_from_db()
        by_page = self.report.status == ReportStatus.RETURNED
        self.assertIn(page.status_code, (302,) if by_page else (403, 404))
        self.resubmitted()
        api = api_client(user).post(
            f"/api/v1/plan-reports/{self.report.pk}/return", {"comment": "Revise"}, content_type="application/json"
        )
        self.assertIn(api.status_code, (200, 403, 404), api.content)
        return by_page, api.status_code == 200

    def test_each_role_gets_the_same_answer_from_the_page_and_the_api(self):
        self.assertEqual(self.answers(self.n.ts), (True, True))
        for user in (self.n.hn_officer, self.n.gt_officer, self.n.partner):
            self.assertEqual(self.answers(user), (False, False), user)

    def test_changing_the_rule_changes_the_page_and_the_api_together(self):
        officer = self.n.hn_officer  # who may see the report, so only the review rule stands in the way
        with mock.patch("plan.access.reviews_reports", lambda p: p.is_ts or p.user_id == officer.pk):
            self.assertEqual(self.answers(officer), (True, True))
