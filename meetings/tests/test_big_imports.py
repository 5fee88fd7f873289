"""Big imports: a big report is read by the worker with its progress shown; the review page shows one
page of agreements in a fixed number of queries whatever the report's size."""

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.testing import signed_in
from meetings import duplicates, imports, services
from meetings.importer import parse_paragraphs
from meetings.models import ImportJob, ImportStatus, Meeting
from meetings.testing import report_lines

from .helpers import build_rcm, seed_text

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class BackgroundImportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def setUp(self):
        self.enterContext(translation.override("en"))
        self.enterContext(mock.patch.object(imports, "INLINE_BYTES", 1000))  # the seed report counts as big

    def upload(self, text, name="big.txt"):
        client = signed_in(self.n.ts)
        upload = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("meetings:import"), {"file": upload})
        return client, response

    def test_a_big_report_is_imported_by_the_worker_and_the_page_leads_to_its_review(self):
        client, response = self.upload(seed_text("en"))
        job = ImportJob.objects.get()
        self.assertRedirects(response, job.get_absolute_url(), fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual((job.status, job.progress), (ImportStatus.DONE, 100))
        self.assertIsNotNone(job.meeting)
        self.assertRedirects(client.get(job.get_absolute_url()), reverse("meetings:review", args=[job.meeting_id]))
        polled = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
        self.assertEqual(polled["HX-Redirect"], reverse("meetings:review", args=[job.meeting_id]))

    def test_a_failing_import_writes_nothing_and_says_why(self):
        text = "A letter to the network.\n" * 200  # no numbered agreement: not a report
        client, _response = self.upload(text, name="letter.txt")
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportStatus.FAILED)
        self.assertTrue(job.message)
        self.assertFalse(Meeting.objects.exists())
        page = client.get(job.get_absolute_url())
        self.assertContains(page, job.message)
        self.assertContains(page, "Import another file")

    def test_a_running_import_shows_its_progress_and_refreshes_itself(self):
        job = ImportJob.objects.create(
            source_name="big.docx",
            file="meetings/imports/big.docx",
            created_by=self.n.ts,
            status="running",
            progress=40,
        )
        page = signed_in(self.n.ts).get(job.get_absolute_url())
        self.assertContains(page, 'value="40"')
        self.assertContains(page, 'hx-trigger="every 2s"')
        self.assertContains(page, 'http-equiv="refresh"')  # without JavaScript too

    def test_only_the_ts_sees_an_import(self):
        job = ImportJob.objects.create(source_name="big.docx", file="x.docx", created_by=self.n.ts)
        for user in (self.n.gt_officer, self.n.partner):
            self.assertEqual(signed_in(user).get(job.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 302)  # sign in first


class ReviewPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meetings = {}
        for count in (1000, 4000):
            meeting = services.import_report(
                parse_paragraphs(report_lines(count)), acting_user=cls.n.ts, source_name=f"{count}.txt"
            )
            if meeting.duplicate_of_id:
                meeting = duplicates.resolve(meeting, "new", acting_user=cls.n.ts)
            cls.meetings[count] = meeting

    def setUp(self):
        self.enterContext(translation.override("en"))

    def review(self, count, page=1):
        client = signed_in(self.n.ts)
        client.get("/")  # the session's first queries stay out of the count
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meetings:review", args=[self.meetings[count].pk]) + f"?page={page}")
        self.assertEqual(response.status_code, 200)
        return response, len(queries)

    def test_the_same_queries_and_about_the_same_page_at_1000_and_4000_agreements(self):
        small, small_queries = self.review(1000)
        big, big_queries = self.review(4000)
        self.assertEqual(small_queries, big_queries)
        self.assertLess(len(big.content), 1.5 * len(small.content))
        self.assertLess(len(big.content), 600_000)
        self.assertContains(big, "Agreements 1–100 of 4000")

    def test_a_later_page_shows_its_agreements_and_their_source(self):
        response, _queries = self.review(4000, page=31)
        self.assertContains(response, "Agreements 3001–3100 of 4000")
        self.assertContains(response, "the study 3001 that IOM")
        self.assertNotContains(response, "the study 2993 that IOM")
        self.assertContains(response, 'rel="prev"')
