"""The follow-up board sorts on a stored key the database keeps (issue 21): the order is the one it always
was — overdue first, then by due date, undated last — and the key follows every change of status or due."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core.testing import api_client
from meetings import queries, services
from meetings.models import NO_DUE_DATE, OPEN_STATUSES, Commitment, Modality

from .helpers import build_rcm, import_seed

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
STATUS_FILTERS = ("open", "overdue", "", "pending", "in_progress", "done", "dropped")


def expected_order(rows, status, today):
    """The board's order as it was written before the stored key (issue 3): computed here, row by row."""

    def shown(c):
        if status == "open":
            return c.status in OPEN_STATUSES
        if status == "overdue":
            return c.status in OPEN_STATUSES and c.due_by is not None and c.due_by < today
        return c.status == status if status else True

    def key(c):
        overdue = c.status in OPEN_STATUSES and c.due_by is not None and c.due_by < today
        return (
            0 if overdue else 1,
            c.due_by is None,
            c.due_by or datetime.date.min,
            -c.meeting.start_date.toordinal(),
            c.agreement.position,
            c.agreement.sub_position,
            c.position,
            c.pk,
        )

    return [c.pk for c in sorted((c for c in rows if shown(c)), key=key)]


def stored_key(commitment):
    return Commitment.objects.filter(pk=commitment.pk).values_list("board_open", "board_due").get()


def key_for(commitment):
    commitment = Commitment.objects.get(pk=commitment.pk)
    return commitment.status in OPEN_STATUSES, commitment.due_by or NO_DUE_DATE


class BoardOrderTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = n = build_rcm()
        cls.seed = import_seed(n)  # its commitments come through the importer's bulk create
        later = services.create_meeting(
            acting_user=n.ts,
            body=n.network,
            modality=Modality.VIRTUAL,
            start_date=TODAY - 30 * DAY,
            title_en="A later meeting",
            title_es="Una reunión posterior",
            visibility="members",
        )
        later = services.publish_meeting(later, acting_user=n.ts)
        version = services.start_report(later, acting_user=n.ts)
        first = services.add_agreement(version, acting_user=n.ts, text_en="First.", text_es="Primero.")
        second = services.add_agreement(version, acting_user=n.ts, text_en="Second.", text_es="Segundo.")
        ts = [("ts", None, None)]
        alone = []  # made with the TS, then without actors, as commitments recorded before actors had rows
        old = (TODAY - 400 * DAY).isoformat()
        # (agreement, due, status, actors): ties on a date across meetings, agreements and statuses;
        # undated ones; one dated on the last day a date can hold (sorted with, but before, the undated).
        crafted = [
            (first, old, "pending", ts),
            (second, old, "in_progress", ts),
            (first, old, "done", ts),
            (second, old, "dropped", alone),
            (first, str(TODAY.year - 3), "pending", ts),  # a year: due on its last day
            (first, TODAY.isoformat(), "pending", ts),  # due today: not yet overdue
            (second, (TODAY - DAY).isoformat(), "pending", alone),  # due yesterday: overdue
            (first, (TODAY + 10 * DAY).isoformat(), "in_progress", alone),
            (second, (TODAY + 5 * DAY).isoformat(), "done", ts),
            (first, None, "pending", ts),
            (second, None, "dropped", ts),
            (first, None, "in_progress", alone),
            (second, NO_DUE_DATE.isoformat(), "pending", ts),
        ]
        for agreement, due, status, actors in crafted:
            made = services.create_commitment(
                agreement, acting_user=n.ts, actors=ts, action_en=f"{status} due {due}", due=due
            )
            if actors is alone:
                made.actors.all().delete()
            if status != "pending":  # through a row's roll-up (with actors) or the commitment's own save
                services.change_commitment_status(made, status, acting_user=n.ts)
        services.approve_report(version, acting_user=n.ts)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def rows(self):
        return list(Commitment.objects.select_related("meeting", "agreement"))

    def test_the_order_is_unchanged_for_every_status_filter(self):
        rows = self.rows()
        self.assertEqual(len({c.status for c in rows}), 4)
        for on in (TODAY, TODAY + 7 * DAY, TODAY - 500 * DAY):
            for status in STATUS_FILTERS:
                with self.subTest(status=status, on=on):
                    board = [c.pk for c in queries.board(self.n.ts, status=status, on=on)]
                    self.assertEqual(board, expected_order(rows, status, on))
                    self.assertTrue(board or status == "overdue" and on < TODAY)

    def test_overdue_rows_come_first_on_the_whole_board(self):
        board = list(queries.board(self.n.ts, status=""))
        ranks = [c.overdue_rank for c in board]
        self.assertEqual(ranks, sorted(ranks))
        self.assertIn(0, ranks)
        self.assertTrue(all(c.is_overdue for c in board if c.overdue_rank == 0))

    def test_the_api_lists_the_board_in_the_same_order(self):
        client = api_client(self.n.ts)
        for status in STATUS_FILTERS:
            with self.subTest(status=status):
                listed = client.get("/api/v1/commitments", {"status": status, "limit": 100}).json()["items"]
                board = [c.pk for c in queries.board(self.n.ts, status=status)]
                self.assertEqual([item["id"] for item in listed], board)

    def test_each_page_reads_the_board_through_its_index_on_postgresql(self):
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "meetings_commitment")
        self.assertEqual(indexes["commitment_board_idx"]["columns"], ["board_open", "board_due"])
        if connection.vendor != "postgresql":
            return  # SQLite's planner sorts in memory whatever the index (docs/performance.md): the index is there
        # A handful of rows, which a sort in memory beats: rule that out, to see whether the index can
        # give the board's order (bench/board.py shows the planner choosing it by itself at 50,000).
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off")
        try:
            for status in ("open", "overdue", "pending"):
                plan = queries.board(self.n.ts, status=status)[:25].explain()
                self.assertIn("commitment_board_idx", plan, status)
                self.assertIn("Presorted Key: meetings_commitment.board_due", plan, status)  # read in index order
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort")


class StoredKeyFollowsEveryChangeTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.agreement = cls.meeting.reports.get().agreements.order_by("position").first()

    def assertKeyUpToDate(self, commitment):
        self.assertEqual(stored_key(commitment), key_for(commitment))

    def test_imported_commitments_have_their_key(self):
        rows = list(self.meeting.commitments.all())
        self.assertTrue(rows)
        for row in rows:
            self.assertKeyUpToDate(row)

    def test_creating_and_editing_the_due_time_keep_the_key(self):
        made = services.create_commitment(
            self.agreement, acting_user=self.n.ts, actors=[("ts", None, None)], action_en="Do it.", due="2019-Q2"
        )
        self.assertEqual(stored_key(made), (True, datetime.date(2019, 6, 30)))
        self.assertEqual(made.board_due, datetime.date(2019, 6, 30))  # read back on save: no stale value
        for due, expected in (("2020-02-03", datetime.date(2020, 2, 3)), (None, NO_DUE_DATE), ("2021", None)):
            made = services.update_commitment(made, acting_user=self.n.ts, due=due)
            self.assertKeyUpToDate(made)
            if expected is not None:
                self.assertEqual(stored_key(made)[1], expected)

    def test_status_changes_keep_the_key_whichever_path_writes_them(self):
        ts = [("ts", None, None)]
        shared = services.create_commitment(
            self.agreement,
            acting_user=self.n.ts,
            actors=[*ts, ("country", self.n.mx, None)],
            action_en="Shared.",
            due="2019-01-01",
        )
        alone = services.create_commitment(self.agreement, acting_user=self.n.ts, actors=ts, action_en="Alone.")
        alone.actors.all().delete()  # as commitments recorded before each actor had its own row
        mexico_row = shared.actors.get(country=self.n.mx)
        steps = [
            (shared, "done", None),  # every row at once, rolled up with a bulk update
            (shared, "in_progress", mexico_row),  # one actor's row: the roll-up reopens it
            (shared, "dropped", None),
            (alone, "in_progress", None),  # no actors: the commitment's own save
            (alone, "done", None),
            (alone, "pending", None),
        ]
        for commitment, status, actor in steps:
            with self.subTest(commitment=commitment.action_en, status=status):
                changed = services.change_commitment_status(commitment, status, acting_user=self.n.ts, actor=actor)
                self.assertKeyUpToDate(changed)
                self.assertEqual(stored_key(changed)[0], changed.status in OPEN_STATUSES)

    def test_a_bulk_update_keeps_the_key(self):
        rows = self.meeting.commitments.all()
        rows.update(status="dropped", due_date=None, due_by=None)
        self.assertEqual(set(rows.values_list("board_open", "board_due")), {(False, NO_DUE_DATE)})
        rows.update(status="pending", due_by=datetime.date(2018, 1, 1))
        self.assertEqual(set(rows.values_list("board_open", "board_due")), {(True, datetime.date(2018, 1, 1))})

    def test_fulfilling_a_commitment_closes_it_on_the_board(self):
        made = services.create_commitment(
            self.agreement, acting_user=self.n.ts, actors=[("ts", None, None)], action_en="Send it.", due="2019"
        )
        with CaptureQueriesContext(connection):
            services.fulfil_commitment(made, by=self.meeting, acting_user=self.n.ts)
        self.assertEqual(stored_key(made), (False, datetime.date(2019, 12, 31)))
