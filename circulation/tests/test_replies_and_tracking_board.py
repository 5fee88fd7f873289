"""Recipients read, acknowledge and reply; the board shows who did; each country has its inbox."""

import datetime

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from circulation import queries, services
from circulation.models import CircularRecipient, Reply, ReplyAttachment
from circulation.testing import circulate, seed_countries, seed_meeting_officers
from core.testing import build_network, signed_in
from core.tests.upload_corpus import MINIMAL_PDF

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PDF = MINIMAL_PDF


@override_settings(TASKS=IMMEDIATE)
class SeedMeetingCircularTest(TestCase):
    """The TS circulates an information note to the eight countries of the seed meeting."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.officers = seed_meeting_officers(cls.n)

    def test_two_reply_one_is_overdue_the_board_shows_it_and_its_officers_are_reminded(self):
        start = timezone.localtime().replace(hour=9, minute=0)
        deadline = start.date() + datetime.timedelta(days=14)
        with time_machine.travel(start, tick=False), self.captureOnCommitCallbacks(execute=True):
            circular = circulate(
                acting_user=self.n.ts,
                countries=seed_countries(),
                title_es="Nota informativa sobre el repositorio",
                title_en="Information note on the repository",
                body_en="The TS sends the contact points and the information note.",
                reply_deadline=deadline,
            )
        self.assertEqual(len(mail.outbox), 9)  # eight principals, and Guatemala's alternate
        recipients = {r.country.code.code: r for r in circular.recipients.select_related("country")}
        self.assertEqual(set(recipients), {"CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA"})
        with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
            signed_in(self.officers["HN"]).get(circular.get_absolute_url())  # Honduras reads it
            services.acknowledge_circular(circular, acting_user=self.officers["CR"])
            services.reply_to_circular(circular, acting_user=self.officers["GT"], text="Guatemala's contact points.")
            services.reply_to_circular(
                circular,
                acting_user=self.officers["MX"],
                text="",
                files=[SimpleUploadedFile("puntos-focales.pdf", PDF)],
            )
            # Five countries asked for more time; Panama did not.
            for code in ("CA", "CR", "SV", "HN", "NI"):
                services.extend_deadline(
                    recipients[code], deadline + datetime.timedelta(days=21), acting_user=self.n.ts
                )
        mail.outbox.clear()
        with time_machine.travel(start + datetime.timedelta(days=15), tick=False):
            rows, summary = queries.board(circular)
            with self.captureOnCommitCallbacks(execute=True):
                call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
            page = signed_in(self.n.ts).get(reverse("circulation:board", args=[circular.pk]))
        by_code = {row.recipient.country.code.code: row for row in rows}
        self.assertEqual(summary, {"total": 8, "read": 4, "acknowledged": 3, "replied": 2, "overdue": 1})
        self.assertEqual({c for c, row in by_code.items() if row.state == "replied"}, {"GT", "MX"})
        self.assertEqual({c for c, row in by_code.items() if row.overdue}, {"PA"})
        self.assertEqual(by_code["HN"].state, "read")
        self.assertEqual(by_code["CR"].state, "acknowledged")
        self.assertContains(page, 'data-overdue="1"', count=1)
        self.assertContains(page, 'data-state="replied"', count=2)
        reminded = sorted(m.to[0] for m in mail.outbox if "overdue" in m.subject.lower())
        self.assertEqual(reminded, ["pa@example.org"])
        author = [m for m in mail.outbox if m.to == [self.n.ts.email]]
        self.assertEqual(len(author), 1)
        self.assertIn("2 of 8 recipients replied", author[0].body)

    def test_a_reply_by_someone_not_among_the_recipients_is_refused_and_nothing_is_written(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt, self.n.hn], title_en="Request")
        for user in (self.n.mx_officer, self.n.partner, self.n.outsider, self.n.ts):
            with self.assertRaises(PermissionDenied):
                services.reply_to_circular(circular, acting_user=user, text="Not mine to answer")
            response = signed_in(user).post(reverse("circulation:reply", args=[circular.pk]), {"text": "x"})
            self.assertEqual(response.status_code, 403)
        other = CircularRecipient.objects.get(circular=circular, country=self.n.hn)
        with self.assertRaises(PermissionDenied):
            services.reply_to_circular(circular, acting_user=self.n.gt_officer, text="For Honduras", recipient=other)
        self.assertEqual(Reply.objects.count(), 0)
        other.refresh_from_db()
        self.assertIsNone(other.last_reply_at)

    def test_a_reply_with_a_file_that_fails_the_checks_writes_nothing(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Request")
        bomb = SimpleUploadedFile("respuesta.docx", b"PK\x03\x04 not really a docx")
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            services.reply_to_circular(circular, acting_user=self.n.gt_officer, text="See attached", files=[bomb])
        self.assertIn("respuesta.docx", str(caught.exception))
        self.assertEqual((Reply.objects.count(), ReplyAttachment.objects.count()), (0, 0))
        response = signed_in(self.n.gt_officer).post(
            reverse("circulation:reply", args=[circular.pk]),
            {"text": "See attached", "file": SimpleUploadedFile("respuesta.docx", b"PK\x03\x04 broken")},
            headers={"accept-language": "en"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "respuesta.docx", status_code=400)
        self.assertEqual(Reply.objects.count(), 0)

    def test_an_empty_reply_is_refused_with_a_message(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Request")
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "Write a reply"):
            services.reply_to_circular(circular, acting_user=self.n.gt_officer, text="   ")

    def test_replies_are_read_by_the_ts_and_the_replying_country_not_by_other_recipients(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt, self.n.hn], title_en="Request")
        services.reply_to_circular(
            circular,
            acting_user=self.n.gt_officer,
            text="Respuesta de Guatemala",
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )
        attachment = ReplyAttachment.objects.get()
        self.assertContains(signed_in(self.n.ts).get(circular.get_absolute_url()), "Respuesta de Guatemala")
        self.assertContains(signed_in(self.n.gt_alternate).get(circular.get_absolute_url()), "Respuesta de Guatemala")
        self.assertNotContains(signed_in(self.n.hn_officer).get(circular.get_absolute_url()), "Respuesta de Guatemala")
        self.assertEqual(signed_in(self.n.gt_alternate).get(attachment.get_absolute_url()).status_code, 200)
        self.assertEqual(signed_in(self.n.hn_officer).get(attachment.get_absolute_url()).status_code, 403)

    def test_the_board_is_for_the_ts_and_the_author(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Request")
        url = reverse("circulation:board", args=[circular.pk])
        self.assertEqual(signed_in(self.n.ts).get(url).status_code, 200)
        for user in (self.n.gt_officer, self.n.pa_officer, self.n.partner):
            self.assertEqual(signed_in(user).get(url).status_code, 403)
        ppt_circular = circulate(acting_user=self.n.pa_officer, countries=[self.n.gt], title_en="From the PPT")
        self.assertEqual(signed_in(self.n.pa_officer).get(ppt_circular.get_absolute_url() + "board/").status_code, 200)

    def test_reading_is_recorded_once_by_the_first_of_the_countrys_people(self):
        circular = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Request")
        signed_in(self.n.ts).get(circular.get_absolute_url())  # the TS is not a recipient
        recipient = circular.recipients.get()
        self.assertIsNone(recipient.first_read_at)
        signed_in(self.n.gt_alternate).get(circular.get_absolute_url())
        signed_in(self.n.gt_officer).get(circular.get_absolute_url())
        recipient.refresh_from_db()
        self.assertEqual(recipient.first_read_by, self.n.gt_alternate)

    def test_each_country_has_an_inbox_that_other_countries_cannot_open(self):
        circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="For Guatemala")
        circulate(acting_user=self.n.ts, countries=[self.n.hn], title_en="For Honduras")
        page = signed_in(self.n.gt_officer).get(reverse("circulation:country_inbox", args=["gt"]))
        self.assertContains(page, "For Guatemala")
        self.assertNotContains(page, "For Honduras")
        self.assertEqual(
            signed_in(self.n.hn_officer).get(reverse("circulation:country_inbox", args=["gt"])).status_code, 403
        )
        ts_view = signed_in(self.n.ts).get(reverse("circulation:country_inbox", args=["hn"]))
        self.assertContains(ts_view, "For Honduras")
        mine = signed_in(self.n.hn_officer).get(reverse("circulation:inbox"))
        self.assertContains(mine, "For Honduras")
        self.assertNotContains(mine, "For Guatemala")
        self.assertEqual(self.client.get(reverse("circulation:inbox")).status_code, 302)

    def test_an_organization_has_its_inbox(self):
        circulate(acting_user=self.n.ts, organizations=[self.n.unicef], title_en="For UNICEF")
        page = signed_in(self.n.partner).get(reverse("circulation:organization_inbox", args=[self.n.unicef.pk]))
        self.assertContains(page, "For UNICEF")
        self.assertEqual(
            signed_in(self.n.gt_officer)
            .get(reverse("circulation:organization_inbox", args=[self.n.unicef.pk]))
            .status_code,
            403,
        )

    def test_extending_a_deadline_into_the_past_is_refused(self):
        circular = circulate(
            acting_user=self.n.ts,
            countries=[self.n.gt],
            title_en="Request",
            reply_deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
        recipient = circular.recipients.get()
        with self.assertRaises(ValidationError):
            services.extend_deadline(
                recipient, timezone.localdate() - datetime.timedelta(days=1), acting_user=self.n.ts
            )
        with self.assertRaises(PermissionDenied):
            services.extend_deadline(
                recipient, timezone.localdate() + datetime.timedelta(days=9), acting_user=self.n.gt_officer
            )
