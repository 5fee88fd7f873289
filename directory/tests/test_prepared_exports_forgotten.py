"""A prepared export nobody asks for again is forgotten after PREPARED_KEEP_DAYS (`manage.py
forget_prepared_exports`): its row and its file go; one asked for lately stays, and asking again
after it was forgotten prepares it again."""

import csv
import datetime
import io
import tempfile

import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import PreparedExport, PreparedStatus
from core.testing import body_of
from directory import synthetic

from .helpers import build_directory

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DAY = datetime.timedelta(days=1)


@override_settings(TASKS=IMMEDIATE, EXPORT_INLINE_MAX=5, PREPARED_KEEP_DAYS=7)
class ForgottenExports(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_directory()
        synthetic.create(12, build=False)

    def setUp(self):
        self.enterContext(override_settings(MEDIA_ROOT=self.enterContext(tempfile.TemporaryDirectory())))

    def ask(self, **query):
        with self.captureOnCommitCallbacks(execute=True):
            return Client().get(reverse("directory:export", args=["csv"]), {"lang": "en", **query})

    def forget(self, *arguments):
        out = io.StringIO()
        call_command("forget_prepared_exports", *arguments, stdout=out)
        return out.getvalue()

    def test_an_export_nobody_asks_for_goes_with_its_file_and_comes_back_when_asked(self):
        start = timezone.now()
        self.ask()
        row = PreparedExport.objects.get()
        self.assertEqual(row.status, PreparedStatus.READY)
        storage, name = row.file.storage, row.file.name
        self.assertTrue(storage.exists(name))
        with time_machine.travel(start + 6 * DAY):
            self.assertIn(": 0.", self.forget())
        with time_machine.travel(start + 8 * DAY):
            self.assertIn(": 1.", self.forget())
        self.assertFalse(PreparedExport.objects.exists())
        self.assertFalse(storage.exists(name))
        with time_machine.travel(start + 9 * DAY):
            self.assertEqual(self.ask().status_code, 302)  # prepared again, from the records as they are
            row = PreparedExport.objects.get()
            self.assertEqual(row.status, PreparedStatus.READY)
            sent = self.ask()
        self.assertEqual(sent.status_code, 200)
        records = list(csv.reader(io.StringIO(body_of(sent).decode("utf-8-sig"))))
        self.assertEqual(len(records), row.rows + 2)  # labels and HXL tags, then a record per point

    def test_asking_again_keeps_it_and_one_write_an_hour_is_enough(self):
        start = timezone.now()
        self.ask()
        with time_machine.travel(start + 5 * DAY):
            self.ask()  # asked again: counted from now
        with time_machine.travel(start + 5 * DAY + datetime.timedelta(minutes=10)):
            with CaptureQueriesContext(connection) as run:
                self.assertEqual(self.ask().status_code, 200)
            writes = [
                q["sql"] for q in run.captured_queries if q["sql"].startswith("UPDATE") and "prepared" in q["sql"]
            ]
            self.assertEqual(writes, [])  # asked an hour ago at most: nothing to write
        self.assertGreaterEqual(PreparedExport.objects.get().asked_at, start + 5 * DAY)
        with time_machine.travel(start + 11 * DAY):
            self.assertIn(": 0.", self.forget())
        with time_machine.travel(start + 13 * DAY):
            self.assertIn(": 1.", self.forget())

    def test_a_build_running_now_is_left_alone(self):
        start = timezone.now()
        PreparedExport.objects.create(
            key="k" * 64, family="f" * 64, kind="directory-csv", lang="en", version=1, status=PreparedStatus.RUNNING
        )
        with time_machine.travel(start + 30 * DAY):
            self.assertIn(": 0.", self.forget())
        self.assertTrue(PreparedExport.objects.exists())

    def test_days_must_be_a_positive_number(self):
        with self.assertRaisesMessage(CommandError, "--days must be 1 or more."):
            self.forget("--days", "0")
