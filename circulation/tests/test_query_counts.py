"""Circulation's pages and API lists run the same number of queries whatever the number of rows."""

import datetime

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from circulation import services
from circulation.testing import circulate
from core.testing import api_client, build_network, signed_in
from network import services as network_services

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class QueryCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.board_circular = circulate(
            acting_user=cls.n.ts,
            countries=[cls.n.gt, cls.n.hn, cls.n.mx],
            title_en="Board",
            reply_deadline=timezone.localdate() + datetime.timedelta(days=9),
        )

    def add(self, count, start=0):
        deadline = timezone.localdate() + datetime.timedelta(days=9)
        for i in range(start, start + count):
            circular = circulate(
                acting_user=self.n.ts,
                countries=[self.n.gt, self.n.hn],
                organizations=[self.n.unicef],
                title_en=f"Circular {i}",
                reply_deadline=deadline,
            )
            services.reply_to_circular(circular, acting_user=self.n.gt_officer, text=f"Reply {i}")
            network_services.update_person(self.n.hn_person, acting_user=self.n.ts, honorific=f"H{i}")

    def count(self, fetch):
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        self.assertEqual(response.status_code, 200, getattr(response, "content", b"")[:300])
        return len(queries)

    @override_settings(PAGE_CACHE=False)  # the rendering's own queries, not the page cache's
    def test_pages_and_lists_do_not_grow_with_rows(self):
        ts, gt = signed_in(self.n.ts), signed_in(self.n.gt_officer)
        api_ts, api_gt = api_client(self.n.ts), api_client(self.n.gt_officer)
        board = self.board_circular
        fetches = {
            "list (TS)": lambda: ts.get(reverse("circulation:list")),
            "list (officer)": lambda: gt.get(reverse("circulation:list")),
            "inbox": lambda: gt.get(reverse("circulation:inbox")),
            "country inbox": lambda: ts.get(reverse("circulation:country_inbox", args=["gt"])),
            "board": lambda: ts.get(reverse("circulation:board", args=[board.pk])),
            "notifications": lambda: gt.get(reverse("circulation:notifications")),
            "my work": lambda: gt.get(reverse("circulation:mywork")),
            "activity (officer)": lambda: gt.get(reverse("circulation:activity")),
            "activity (TS)": lambda: ts.get(reverse("circulation:activity")),
            "outbox": lambda: ts.get(reverse("circulation:outbox")),
            "api circulars": lambda: api_gt.get("/api/v1/circulars?limit=100"),
            "api inbox": lambda: api_gt.get("/api/v1/inbox"),
            "api board": lambda: api_ts.get(f"/api/v1/circulars/{board.pk}/recipients"),
            "api replies": lambda: api_ts.get(f"/api/v1/circulars/{board.pk}/replies"),
            "api notifications": lambda: api_gt.get("/api/v1/notifications?limit=100"),
        }
        self.add(2)
        services.reply_to_circular(board, acting_user=self.n.gt_officer, text="Board reply")
        for fetch in fetches.values():
            fetch()  # warm caches (content types, the token's last use)
        small = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.add(12, start=2)
        for officer in (self.n.gt_alternate, self.n.hn_officer, self.n.mx_officer):
            services.reply_to_circular(board, acting_user=officer, text="Board reply")
        large = {name: self.count(fetch) for name, fetch in fetches.items()}
        self.assertEqual(small, large)
