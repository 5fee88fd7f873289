"""The follow-up board: open commitments overdue first, 'our commitments' for each actor, fixed queries."""

import datetime

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.testing import api_client, signed_in
from meetings import queries, services

from .helpers import build_rcm, commitment, import_seed


def refs(rows):
    return [(c.agreement.ref, sorted(a.code for a in c.actors.all())) for c in rows]


class BoardTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_overdue_commitments_come_first(self):
        rows = list(queries.board(self.n.ts, on=datetime.date(2018, 6, 1)))
        # Only 8 is due (2018-Q1): overdue on 1 June 2018, so first; the rest keep report order.
        self.assertEqual(rows[0].agreement.ref, "8")
        self.assertEqual(rows[0].overdue_rank, 0)
        self.assertTrue(all(row.overdue_rank == 1 for row in rows[1:]))
        self.assertEqual([r.agreement.ref for r in rows[1:3]], ["2a", "2a"])

    def test_done_and_dropped_leave_the_open_board(self):
        services.change_commitment_status(commitment(self.meeting, "8"), "done", acting_user=self.n.ts)
        services.change_commitment_status(commitment(self.meeting, "7"), "dropped", acting_user=self.n.ts)
        open_refs = [c.agreement.ref for c in queries.board(self.n.ts)]
        self.assertNotIn("8", open_refs)
        self.assertNotIn("7", open_refs)
        self.assertEqual([c.agreement.ref for c in queries.board(self.n.ts, status="done")], ["8"])

    def test_each_actor_sees_its_own_commitments(self):
        ours = {
            "TS": refs(queries.board(self.n.ts, ours=True)),
            "Mexico": refs(queries.board(self.n.mx_officer, ours=True)),
            "PPT (Panama)": refs(queries.board(self.n.pa_officer, ours=True)),
            "UNICEF": refs(queries.board(self.n.partner, ours=True)),
        }
        self.assertEqual([r for r, _a in ours["TS"]], ["8", "2a", "3", "7"])  # 8 is overdue today
        self.assertEqual([r for r, _a in ours["Mexico"]], ["2a"])
        self.assertIn("MX", ours["Mexico"][0][1])
        self.assertEqual([r for r, _a in ours["PPT (Panama)"]], ["2a", "2a"])  # the PPT's and Panama's own
        self.assertEqual(ours["UNICEF"], [("5", ["ICRC", "UNICEF"])])
        self.assertEqual(
            refs(queries.board(self.n.ts, actor=f"org:{self.n.iom.pk}")),
            [("4c", ["IOM"]), ("4d", ["IOM"]), ("4e", ["IOM"])],
        )

    def test_the_page_filters_and_paginates(self):
        client = signed_in(self.n.mx_officer)
        response = client.get(
            reverse("meetings:board"), {"ours": "on", "status": "open"}, headers={"accept-language": "en"}
        )
        self.assertContains(response, "1 commitment")
        self.assertContains(response, "monitor the activities of a national nature")
        fragment = client.get(reverse("meetings:board"), {"actor": "ts"}, headers={"hx-request": "true"})
        self.assertNotContains(fragment, "<html")
        self.assertContains(fragment, "send the contact points")
        self.assertEqual(self.client.get(reverse("meetings:board")).status_code, 302)
        self.assertEqual(signed_in(self.n.outsider).get(reverse("meetings:board")).status_code, 403)


class BoardQueryCountTest(TestCase):
    """The board and the API list run the same number of queries whatever the number of commitments."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.agreement = cls.meeting.reports.get().agreements.get(number="6", letter="")

    def add(self, count):
        for i in range(count):
            services.create_commitment(
                self.agreement,
                acting_user=self.n.ts,
                actors=services.actors_from_codes(["MX", "GT", "IOM"]),
                action_en=f"Extra action {i}",
                due=f"{2018 + i % 5}-Q{1 + i % 4}",
            )

    def count(self, fetch):
        with CaptureQueriesContext(connection) as captured:
            response = fetch()
        self.assertEqual(response.status_code, 200)
        return len(captured)

    @override_settings(PAGE_CACHE=False)  # the rendering's own queries, not the page cache's
    def test_fixed_queries_at_two_sizes(self):
        client = signed_in(self.n.mx_officer)
        api = api_client(self.n.mx_officer)
        fetches = {
            "board": lambda: client.get(reverse("meetings:board")),
            "board, ours": lambda: client.get(reverse("meetings:board"), {"ours": "on"}),
            "api commitments": lambda: api.get("/api/v1/commitments?limit=100"),
            "meeting page": lambda: client.get(self.meeting.get_absolute_url()),
            "meetings list": lambda: client.get(reverse("meetings:list")),
            "api agreements": lambda: api.get(f"/api/v1/meetings/{self.meeting.pk}/agreements"),
        }
        self.add(3)
        for fetch in fetches.values():
            fetch()
        small = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.add(30)
        large = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.assertEqual(small, large)
