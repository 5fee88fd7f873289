"""A big export is prepared once by the task worker, kept in storage with its content version, sent from there."""

import datetime
import io
import tempfile
import zipfile
from unittest import mock

import time_machine
from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import prepared
from core.models import PreparedExport, PreparedStatus
from core.testing import body_of, signed_in
from directory import services, synthetic

from .helpers import SECRET_STREET, build_directory

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE, EXPORT_INLINE_MAX=5, HSDS_INLINE_MAX=3)
class PreparedExports(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        synthetic.create(12, build=False)

    def setUp(self):
        self.enterContext(override_settings(MEDIA_ROOT=self.enterContext(tempfile.TemporaryDirectory())))

    def ask(self, client, fmt="csv", **query):
        """Ask for an export as a reader does; the worker runs what was queued when the request commits."""
        with self.captureOnCommitCallbacks(execute=True):
            return client.get(reverse("directory:export", args=[fmt]), {"lang": "en", **query})

    def streamed(self, client, fmt="csv", **query):
        with override_settings(EXPORT_INLINE_MAX=10**6):
            response = client.get(reverse("directory:export", args=[fmt]), {"lang": "en", **query})
        self.assertTrue(response.streaming)
        return body_of(response)

    def test_a_big_export_is_prepared_then_sent_from_storage_with_the_same_bytes(self):
        client = Client()
        first = self.ask(client)
        row = PreparedExport.objects.get()
        self.assertRedirects(first, reverse("core:prepared", args=[row.key]), fetch_redirect_response=False)
        self.assertEqual(row.status, PreparedStatus.READY)
        page = client.get(first["Location"])
        self.assertContains(page, reverse("core:prepared_file", args=[row.key]))
        again = self.ask(client)  # the same content: the file is sent at once, from storage
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", again["Content-Disposition"])
        body = body_of(again)
        self.assertEqual(body, self.streamed(client))
        self.assertEqual(row.rows, body.count(b"\n") - 2)
        self.assertEqual(PreparedExport.objects.count(), 1)  # built once

    @override_settings(EXPORT_INLINE_MAX=1)
    def test_filters_make_their_own_file_and_junk_in_the_address_does_not(self):
        client = Client()
        self.ask(client, country="GT")
        self.ask(client, country="GT", page="7", utm="x")
        self.assertEqual(PreparedExport.objects.count(), 1)
        row = PreparedExport.objects.get()
        self.assertEqual(row.params, {"filters": {"country": "GT"}})
        body = body_of(self.ask(client, country="GT"))
        self.assertEqual(body, self.streamed(client, country="GT"))

    def test_a_members_file_never_reaches_the_public(self):
        member = signed_in(self.n.gt_officer)
        self.ask(member)
        members_row = PreparedExport.objects.get(members=True)
        self.assertIn(SECRET_STREET, body_of(self.ask(member)).decode("utf-8-sig"))
        public = Client()
        for name in ("core:prepared", "core:prepared_file"):
            self.assertEqual(public.get(reverse(name, args=[members_row.key])).status_code, 404)
        self.assertNotIn(SECRET_STREET, body_of(self.ask(public)).decode("utf-8-sig"))
        self.assertNotEqual(PreparedExport.objects.get(members=False).key, members_row.key)
        self.assertEqual(public.get(reverse("core:prepared", args=["no-such-key"])).status_code, 404)

    def test_a_change_makes_a_new_file_and_the_old_one_goes(self):
        client = Client()
        self.ask(client)
        old = PreparedExport.objects.get()
        old_name = old.file.name
        services.create_service(
            acting_user=self.n.gt_officer,
            provider=self.n.sbs_provider,
            country=self.n.gt,
            name_es="Servicio nuevo de acogida",
            name_en="New reception service",
            locations=[self.n.shelter_location],
        )
        response = self.ask(client)
        self.assertEqual(response.status_code, 302)
        new = PreparedExport.objects.get()
        self.assertNotEqual(new.key, old.key)
        self.assertFalse(new.file.storage.exists(old_name))
        self.assertIn(b"New reception service", body_of(self.ask(client)))

    def test_the_xlsx_and_the_hsds_package_are_prepared_too(self):
        client = Client()
        self.ask(client, "xlsx")
        sheet = load_workbook(io.BytesIO(body_of(self.ask(client, "xlsx")))).active
        self.assertEqual(sheet["A2"].value, "#org+name")
        self.assertEqual(sheet.max_row - 2, PreparedExport.objects.get(kind="directory.xlsx").rows)
        with self.captureOnCommitCallbacks(execute=True):
            client.get(reverse("directory:hsds_download", args=["zip"]))
        response = client.get(reverse("directory:hsds_download", args=["zip"]))
        self.assertEqual(response["Content-Type"], "application/zip")
        archive = zipfile.ZipFile(io.BytesIO(body_of(response)))
        self.assertIn("datapackage.json", archive.namelist())
        self.assertNotIn(SECRET_STREET, "".join(archive.read(name).decode() for name in archive.namelist()))

    def test_a_failed_build_says_so_and_is_tried_again_when_asked_again(self):
        client = Client()
        build, name, kind = prepared.BUILDERS["directory.csv"]
        with mock.patch.dict(
            prepared.BUILDERS, {"directory.csv": (mock.Mock(side_effect=OSError("disk full")), name, kind)}
        ):
            response = self.ask(client)
        row = PreparedExport.objects.get()
        self.assertEqual(row.status, PreparedStatus.FAILED)
        page = client.get(response["Location"], headers={"Accept-Language": "en"})
        self.assertContains(page, "could not be prepared")
        self.assertEqual(client.get(reverse("core:prepared_file", args=[row.key])).status_code, 302)
        self.ask(client)
        row.refresh_from_db()
        self.assertEqual(row.status, PreparedStatus.READY)
        self.assertEqual(body_of(self.ask(client)), self.streamed(client))

    def test_building_twice_changes_nothing(self):
        self.ask(Client())
        row = PreparedExport.objects.get()
        prepared.build_prepared.call(row.pk)
        self.assertEqual(PreparedExport.objects.get().file.name, row.file.name)

    def test_the_waiting_page_polls_and_answers_htmx_with_its_fragment(self):
        with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
            response = self.ask(Client())
        row = PreparedExport.objects.get()
        self.assertEqual(row.status, PreparedStatus.QUEUED)
        page = Client().get(response["Location"], headers={"Accept-Language": "en"})
        self.assertContains(page, 'hx-trigger="every 3s"')
        self.assertContains(page, "Check again")
        fragment = Client().get(response["Location"], headers={"HX-Request": "true"})
        self.assertNotContains(fragment, "<html")
        self.assertContains(fragment, 'id="progress"')

    def test_a_build_a_stopped_worker_left_is_queued_again_once(self):
        with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
            self.ask(Client())
        row = PreparedExport.objects.get()
        PreparedExport.objects.filter(pk=row.pk).update(status=PreparedStatus.RUNNING)  # and then the worker stopped
        self.ask(Client())
        self.assertEqual(PreparedExport.objects.get().status, PreparedStatus.RUNNING)  # not stale yet: waits
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.TASK_STALE_AFTER + 1)):
            response = self.ask(Client())
        self.assertEqual(response.status_code, 302)
        row.refresh_from_db()
        self.assertEqual(row.status, PreparedStatus.READY)
        self.assertEqual(body_of(self.ask(Client())), self.streamed(Client()))
