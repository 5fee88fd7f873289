"""The presidencies page: each period, newest first, with the PPT's commitments closed, the meetings held and
the reports approved during it — counted in the same number of queries however many periods there are."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.testing import api_client, signed_in
from network.models import PPTPeriod

from .helpers import build_handover_world


class PresidenciesPageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_handover_world()

    def test_each_period_shows_what_was_done_during_it(self):
        rows = {row["country"]: row for row in api_client(self.n.gt_officer).get("/api/v1/presidencies").json()}
        self.assertEqual(list(rows), ["GT", "PA"])  # newest first
        panama = rows["PA"]
        # The Zeta session was closed by Panama as the PPT; the Alpha meeting was held and its report approved.
        self.assertEqual(panama["commitments_closed"], 1)
        self.assertEqual(panama["meetings_held"], 1)
        self.assertEqual(panama["reports_approved"], 1)
        self.assertEqual(panama["followup_reports_approved"], 0)
        self.assertEqual((rows["GT"]["commitments_closed"], rows["GT"]["meetings_held"]), (0, 0))
        page = signed_in(self.n.hn_officer).get(reverse("presidencies:list"))
        self.assertContains(page, "Commitments of the PPT closed")
        self.assertContains(page, "Guatemala")

    def count_queries(self, user):
        client = signed_in(user)
        client.get(reverse("presidencies:list"))  # roles read and kept
        with CaptureQueriesContext(connection) as page:
            self.assertEqual(client.get(reverse("presidencies:list")).status_code, 200)
        api = api_client(user)
        api.get("/api/v1/presidencies")
        with CaptureQueriesContext(connection) as listing:
            self.assertEqual(api.get("/api/v1/presidencies").status_code, 200)
        return len(page), len(listing)

    def test_the_page_and_the_api_list_run_a_fixed_number_of_queries(self):
        few = self.count_queries(self.n.hn_officer)
        start = self.n.ppt.start_date
        for years in range(1, 41):
            PPTPeriod.objects.create(
                conference=self.n.conference,
                country=(self.n.hn, self.n.mx, self.n.gt)[years % 3],
                start_date=start - datetime.timedelta(days=365 * years),
                end_date=start - datetime.timedelta(days=365 * (years - 1) + 1),
            )
        self.assertEqual(self.count_queries(self.n.hn_officer), few)
        self.assertLess(timezone.localdate(), self.n.change_date)
