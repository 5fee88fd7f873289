"""A circular gets its reference number when sent, in the pattern the TS sets, unique in its year.

Shown on the circular's page, the lists, its e-mails, the tracking board and its XLSX. Concurrent
sends on PostgreSQL (threads, each with its own connection) take distinct numbers: the settings row
is locked while a number is taken, and a unique constraint on (year, number) guards the rest. That
test exists where the suite runs on PostgreSQL (CI runs it on both databases); SQLite lets one
writer at a time, so there sends cannot overlap.
"""

import datetime
import io
import threading

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from circulation import services
from circulation.models import Circular, CircularKind
from core import services as core_services
from core.testing import build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def draft(n, title="Nota"):
    return services.create_circular(
        acting_user=n.ts,
        kind=CircularKind.INFORMATION_NOTE,
        title_es=title,
        title_en=f"{title} (en)",
        body_es="Texto.",
        reply_deadline=timezone.localdate() + datetime.timedelta(days=10),
        countries=[n.gt, n.hn],
    )


@override_settings(TASKS=IMMEDIATE)
class ReferenceNumbersTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def send(self, title="Nota"):
        with self.captureOnCommitCallbacks(execute=True):
            return services.send_circular(draft(self.n, title), acting_user=self.n.ts)

    def test_numbers_follow_each_other_in_the_year_in_the_default_pattern(self):
        year = timezone.localdate().year
        first, second = self.send("Primera"), self.send("Segunda")
        self.assertEqual((first.reference, second.reference), (f"CRM/ST/{year}/001", f"CRM/ST/{year}/002"))
        unsent = draft(self.n, "Borrador")
        self.assertEqual((unsent.reference, unsent.reference_seq), ("", None))

    def test_the_ts_pattern_applies_to_the_next_sends_and_numbers_restart_each_year(self):
        year = timezone.localdate().year
        first = self.send()
        core_services.update_document_settings(acting_user=self.n.ts, circular_reference="RED-{seq}/{year}")
        self.assertEqual(self.send().reference, f"RED-2/{year}")
        # Last year's circulars keep their numbers; this year's count from one again.
        Circular.objects.filter(reference_year=year).update(reference_year=year - 1)
        self.assertEqual(self.send().reference, f"RED-1/{year}")
        first.refresh_from_db()
        self.assertEqual(first.reference, f"CRM/ST/{year}/001")

    def test_the_same_number_twice_in_a_year_is_refused_by_the_database(self):
        first = self.send()
        other = draft(self.n)
        other.reference_year, other.reference_seq = first.reference_year, first.reference_seq
        with self.assertRaises(IntegrityError), transaction.atomic():
            other.save()

    def test_the_reference_is_on_the_page_the_lists_the_board_its_xlsx_the_emails_and_the_api(self):
        circular = self.send("Nota de referencia")
        reference = circular.reference
        ts = signed_in(self.n.ts)
        for url in (
            circular.get_absolute_url(),
            reverse("circulation:list"),
            reverse("circulation:board", args=[circular.pk]),
        ):
            with self.subTest(url=url):
                self.assertContains(ts.get(url), reference)
        self.assertContains(signed_in(self.n.gt_officer).get(reverse("circulation:inbox")), reference)
        self.assertTrue(mail.outbox)
        self.assertTrue(all(reference in message.subject for message in mail.outbox))
        response = ts.get(reverse("circulation:board_export", args=[circular.pk]), {"lang": "es"})
        self.assertIn(reference.replace("/", "-").lower(), response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual(sheet["A1"].value, f"{reference} · Nota de referencia")
        self.assertEqual([sheet["A2"].value, sheet["B2"].value], ["Referencia", reference])
        rows = list(sheet.iter_rows(min_row=9, values_only=True))
        self.assertEqual([row[0] for row in rows], ["Guatemala", "Honduras"])
        self.assertIsInstance(rows[0][6], datetime.datetime)  # the deadline is a real date
        api = ts.get(f"/api/v1/circulars/{circular.pk}")
        self.assertEqual(api.status_code, 200)
        self.assertEqual(api.json()["reference"], reference)

    def test_the_board_xlsx_is_for_those_who_see_the_board(self):
        circular = self.send()
        url = reverse("circulation:board_export", args=[circular.pk])
        self.assertEqual(signed_in(self.n.outsider).get(url).status_code, 403)
        self.assertEqual(self.client.get(url).status_code, 302)


POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

if POSTGRESQL:

    @override_settings(TASKS=IMMEDIATE)
    class ConcurrentSendsTakeDistinctNumbersTest(TransactionTestCase):
        SENDS = 8

        def test_circulars_sent_at_the_same_time_get_distinct_numbers(self):
            n = build_network()
            drafts = [draft(n, f"Nota {i}") for i in range(self.SENDS)]
            barrier = threading.Barrier(self.SENDS)
            errors = []

            def send(circular):
                try:
                    barrier.wait(timeout=30)
                    services.send_circular(circular, acting_user=n.ts)
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                finally:
                    connection.close()

            threads = [threading.Thread(target=send, args=(circular,)) for circular in drafts]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            self.assertEqual(errors, [])
            year = timezone.localdate().year
            references = sorted(Circular.objects.filter(status="sent").values_list("reference", flat=True))
            self.assertEqual(references, [f"CRM/ST/{year}/{seq:03}" for seq in range(1, self.SENDS + 1)])
