"""The directory's CSV and XLSX are streamed a chunk at a time, with the same content as built whole."""

import io
from unittest import mock

from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.office import csv_content
from core.testing import body_of, signed_in
from directory import exports, queries, synthetic

from .helpers import build_directory


def whole_csv(user):
    """The CSV as it was built before streaming: every row in memory, then written at once (in English)."""
    with translation.override("en"):
        return _whole_csv(user)


def _whole_csv(user):
    points = queries.map_points(user).order_by("country_id", "name_es", "service_at_location_id")
    header = exports.columns()
    rows = [[label for label, _tag in header], [tag for _label, tag in header], *exports.rows_for(user, points)]
    return csv_content(rows)


class StreamedExports(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        synthetic.create(40, build=False)

    def test_the_streamed_csv_is_byte_for_byte_the_whole_one_in_chunks_of_any_size(self):
        for user, client in ((None, Client()), (self.n.gt_officer, signed_in(self.n.gt_officer))):
            expected = whole_csv(user)
            for size in (exports.CHUNK, 7, 1):
                with self.subTest(member=user is not None, chunk=size), mock.patch.object(exports, "CHUNK", size):
                    response = client.get(reverse("directory:export", args=["csv"]), {"lang": "en"})
                    self.assertTrue(response.streaming)
                    chunks = list(response.streaming_content)
                    self.assertEqual(b"".join(chunks), expected)
                    if size == 7:
                        self.assertGreater(len(chunks), 6)  # written as it goes, not at once

    def test_the_xlsx_holds_the_same_rows_as_the_csv(self):
        with mock.patch.object(exports, "CHUNK", 9):
            response = Client().get(reverse("directory:export", args=["xlsx"]), {"lang": "en"})
        self.assertTrue(response.streaming)
        sheet = load_workbook(io.BytesIO(body_of(response))).active
        cells = [["" if cell.value is None else str(cell.value) for cell in row] for row in sheet.iter_rows()]
        csv_lines = whole_csv(None).decode("utf-8-sig").splitlines()
        self.assertEqual(len(cells), len(csv_lines))
        self.assertEqual(cells[1][0], "#org+name")
        self.assertEqual(cells[0][0], "Organization")
        self.assertEqual(sorted(row[16] for row in cells[2:]), sorted(line.split(",")[-2] for line in csv_lines[2:]))

    def test_the_queries_do_not_grow_with_the_rows_in_a_chunk(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count(size):
            with mock.patch.object(exports, "CHUNK", size), CaptureQueriesContext(connection) as seen:
                body_of(Client().get(reverse("directory:export", args=["csv"])))
            return len(seen)

        whole = count(1000)
        self.assertLessEqual(whole, 12)
        self.assertGreater(count(10), whole)  # a few more per chunk, never one per row
        self.assertLess(count(10), whole * 6)
