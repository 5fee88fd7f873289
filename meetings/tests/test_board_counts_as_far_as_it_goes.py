"""The follow-up board counts its rows only as far as the reader can go (core.paging.ReachPaginator):
up to 1,000, or one page past the page asked for. Beyond, it says "more than" and offers the next page,
so every row is still reachable, once, in the board's order."""

import re
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from core import paging
from core.paging import ReachPaginator
from core.testing import signed_in
from meetings import queries
from meetings.models import Commitment
from meetings.views import followup

from .helpers import build_rcm, import_seed

NEXT = re.compile(r'href="\?([^"]*page=(\d+)[^"]*)" rel="next"')
ROW = re.compile(r'<a class="clamp" href="/meetings/commitments/(\d+)/"')


class BoardCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        import_seed(cls.n)

    def setUp(self):
        self.client = signed_in(self.n.ts)
        self.enterContext(mock.patch.object(followup, "PAGE_SIZE", 2))

    def walk(self, status):
        """Every page of the board from the first, following Next: (rows in order, pages' texts)."""
        url, rows, texts = f"/meetings/follow-up/?status={status}", [], []
        for _ in range(100):
            response = self.client.get(url, headers={"accept-language": "en"})
            self.assertEqual(response.status_code, 200)
            text = response.content.decode()
            texts.append(text)
            rows += [int(pk) for pk in ROW.findall(text)]
            following = NEXT.search(text)
            if following is None:
                return rows, texts
            url = "/meetings/follow-up/?" + following.group(1).replace("&amp;", "&")
        self.fail("the board never ends")

    def test_below_the_reach_the_count_is_exact(self):
        total = Commitment.objects.count()
        self.assertGreater(total, 8)
        rows, texts = self.walk("")
        self.assertEqual(rows, [c.pk for c in queries.board(self.n.ts, status="")])
        self.assertIn(f"{total} commitments", texts[0])
        self.assertIn(f"Page 1 of {-(-total // 2)}", texts[0])

    def test_beyond_the_reach_it_says_more_and_every_row_stays_reachable_once(self):
        total = Commitment.objects.count()
        with mock.patch.object(paging, "REACH", 5):
            rows, texts = self.walk("")
        self.assertEqual(rows, [c.pk for c in queries.board(self.n.ts, status="")])
        self.assertEqual(len(rows), total)
        self.assertIn("More than 5 commitments", texts[0])
        self.assertIn("Page 1<", texts[0])
        self.assertNotIn("Page 1 of", texts[0])
        # The last pages are counted to their end: the count is exact again there.
        self.assertIn(f"{total} commitments", texts[-1])

    def test_the_count_reads_no_further_than_its_bound(self):
        with mock.patch.object(paging, "REACH", 5), CaptureQueriesContext(connection) as queries_run:
            self.client.get("/meetings/follow-up/?status=&page=3")
        counts = [
            q["sql"] for q in queries_run.captured_queries if "COUNT(" in q["sql"].upper() and "commitment" in q["sql"]
        ]
        self.assertEqual(len(counts), 1)
        self.assertIn("LIMIT 9", counts[0])  # (page 3 + 1) × 2 (above the reach of 5), and one more

    def test_a_page_number_that_is_not_one_gives_a_page(self):
        for asked in ("abc", "-5", "0", "99999999999999999999999999", "1e9", ""):
            with self.subTest(asked=asked):
                response = self.client.get("/meetings/follow-up/", {"status": "", "page": asked})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(ROW.search(response.content.decode()))

    def test_spanish_readers_read_the_bound_in_their_own_way(self):
        self.n.ts.language = "es"  # a signed-in reader's saved language decides
        self.n.ts.save(update_fields=["language"])
        with mock.patch.object(paging, "REACH", 5):
            text = self.client.get("/meetings/follow-up/?status=").content.decode()
        self.assertIn("Más de 5 compromisos", text)
        self.assertIn("Página 1<", text)


class ReachPaginatorTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_seed(build_rcm())

    def test_it_counts_exactly_up_to_its_bound(self):
        rows = Commitment.objects.order_by("pk")
        total = rows.count()
        exact = ReachPaginator(rows, 2, reach=total)
        self.assertEqual((exact.count, exact.more), (total, False))
        short = ReachPaginator(rows, 2, reach=total - 1)
        self.assertEqual((short.count, short.more, short.num_pages), (total - 1, True, -(-(total - 1) // 2)))
        self.assertTrue(short.get_page().has_next())
        self.assertEqual(ReachPaginator(rows, 2, asked="-3").get_page().number, 1)
        further = ReachPaginator(rows, 2, asked=total, reach=1)  # a page past the one asked: beyond the end
        self.assertEqual((further.count, further.more), (total, False))
