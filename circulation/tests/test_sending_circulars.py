"""The TS (and the PPT) write circulars, attach documents, and send them to the people of each recipient."""

import datetime

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from circulation import services
from circulation.models import Addressee, Circular, CircularKind
from circulation.testing import circulate
from core import access
from core.models import AuditAction, AuditEntry
from core.testing import build_network, signed_in
from core.tests.upload_corpus import MINIMAL_PDF
from messaging.models import Notification, OutboundEmail
from network.models import AppointmentRole

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PDF = MINIMAL_PDF


@override_settings(TASKS=IMMEDIATE)
class SendingCircularsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def draft(self, **fields):
        fields.setdefault("title_es", "Nota informativa")
        fields.setdefault("body_es", "Texto de la nota.")
        fields.setdefault("countries", [self.n.gt, self.n.hn])
        return services.create_circular(acting_user=self.n.ts, kind=CircularKind.INFORMATION_NOTE, **fields)

    def test_sending_reaches_each_countrys_current_officers_in_their_language(self):
        self.n.hn_officer.language = "es"
        self.n.hn_officer.save()
        circular = self.draft(title_en="Information note", body_en="Text of the note.")
        with self.captureOnCommitCallbacks(execute=True):
            services.send_circular(circular, acting_user=self.n.ts)
        circular.refresh_from_db()
        self.assertTrue(circular.is_sent)
        self.assertEqual(circular.sent_by, self.n.ts)
        people = set(Addressee.objects.filter(recipient__circular=circular).values_list("person_id", flat=True))
        self.assertEqual(people, {self.n.gt_person.pk, self.n.gt_alt_person.pk, self.n.hn_person.pk})
        by_to = {m.to[0]: m for m in mail.outbox}
        self.assertEqual(set(by_to), {"gt@example.org", "gt.alt@example.org", "hn@example.org"})
        circular.refresh_from_db()
        # The year of the day it was sent where the TS works (TIME_ZONE), not of the UTC timestamp.
        self.assertEqual(circular.reference, f"CRM/ST/{timezone.localtime(circular.sent_at).year}/001")
        self.assertIn(f"New circular: {circular.reference} · Information note", by_to["gt@example.org"].subject)
        self.assertIn(f"Nueva circular: {circular.reference} · Nota informativa", by_to["hn@example.org"].subject)
        self.assertIn(f"/circulars/{circular.pk}/", by_to["gt@example.org"].body)
        self.assertEqual(OutboundEmail.objects.filter(state="sent").count(), 3)
        self.assertEqual(Notification.objects.filter(kind="circular_received").count(), 3)

    def test_an_officer_whose_term_ended_does_not_receive_it(self):
        term = self.n.gt_alt_person.appointments.get()
        term.end_date = timezone.localdate() - datetime.timedelta(days=1)
        term.save()
        circular = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            services.send_circular(circular, acting_user=self.n.ts)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["gt@example.org", "hn@example.org"])

    def test_an_organization_reaches_its_staff_and_a_named_person_reaches_that_person(self):
        circular = self.draft(countries=[], organizations=[self.n.unicef], people=[self.n.mx_person])
        with self.captureOnCommitCallbacks(execute=True):
            services.send_circular(circular, acting_user=self.n.ts)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["mx@example.org", "partner@example.org"])

    def test_a_deadline_in_the_past_is_refused_and_nothing_is_written(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        with translation.override("en"):
            with self.assertRaises(ValidationError) as caught:
                self.draft(reply_deadline=yesterday)
            # The message is lazy: read it in the language it was raised in.
            self.assertIn("already passed", caught.exception.message_dict["reply_deadline"][0])
        self.assertEqual(Circular.objects.count(), 0)

    def test_the_form_refuses_a_past_deadline_with_a_message(self):
        client = signed_in(self.n.ts)
        response = client.post(
            reverse("circulation:create"),
            {
                "kind": "information_note",
                "title_en": "Note",
                "body_en": "Text",
                "reply_deadline": "2001-01-01",
                "countries": [self.n.gt.pk],
            },
            headers={"accept-language": "en"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The reply deadline has already passed")
        self.assertEqual(Circular.objects.count(), 0)

    def test_one_language_may_be_missing_and_the_page_says_so(self):
        circular = self.draft()
        response = signed_in(self.n.ts).get(circular.get_absolute_url(), headers={"accept-language": "en"})
        self.n.ts.language = "en"
        self.n.ts.save()
        response = signed_in(self.n.ts).get(circular.get_absolute_url())
        self.assertContains(response, "Nota informativa")
        self.assertContains(response, "No text in English yet.")

    def test_a_hostile_attachment_is_refused_with_its_name_and_nothing_is_stored(self):
        circular = self.draft()
        fake = SimpleUploadedFile("nota.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            services.add_attachment(circular, fake, acting_user=self.n.ts)
        self.assertIn("nota.pdf", str(caught.exception))
        self.assertEqual(circular.attachments.count(), 0)
        client = signed_in(self.n.ts)
        response = client.post(
            reverse("circulation:attachment_add", args=[circular.pk]),
            {"file": SimpleUploadedFile("nota.pdf", b"MZ\x90\x00 program")},
            headers={"accept-language": "en"},
            follow=True,
        )
        self.assertContains(response, "nota.pdf")
        self.assertEqual(circular.attachments.count(), 0)

    def test_attachments_are_served_only_to_those_who_may_see_the_circular(self):
        circular = self.draft()
        attachment = services.add_attachment(
            circular, SimpleUploadedFile("Nota informativa.pdf", PDF), acting_user=self.n.ts
        )
        url = attachment.get_absolute_url()
        self.assertEqual(signed_in(self.n.gt_officer).get(url).status_code, 403)  # a draft
        services.send_circular(circular, acting_user=self.n.ts)
        response = signed_in(self.n.gt_officer).get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertEqual(signed_in(self.n.mx_officer).get(url).status_code, 403)  # not addressed to Mexico
        self.assertEqual(self.client.get(url).status_code, 302)  # anonymous: sign in first

    def test_only_the_ts_and_the_ppt_write_circulars(self):
        for user in (self.n.gt_officer, self.n.partner, self.n.outsider):
            with self.assertRaises(PermissionDenied):
                services.create_circular(acting_user=user, title_es="x", countries=[self.n.gt])
            self.assertEqual(signed_in(user).get(reverse("circulation:create")).status_code, 403)
        circular = circulate(acting_user=self.n.pa_officer, countries=[self.n.gt], title_en="From the PPT")
        self.assertTrue(circular.is_sent)

    def test_the_ppt_edits_only_its_own_drafts_and_the_ts_edits_all(self):
        mine = self.draft()
        with self.assertRaises(PermissionDenied):
            services.update_circular(mine, acting_user=self.n.pa_officer, title_es="Otro")
        ppt_draft = services.create_circular(acting_user=self.n.pa_officer, title_es="PPT", countries=[self.n.gt])
        services.update_circular(ppt_draft, acting_user=self.n.ts, title_es="Revisado por la ST")

    def test_a_sent_circular_cannot_be_changed_or_sent_again(self):
        stale = self.draft()
        sent = services.send_circular(stale, acting_user=self.n.ts)
        with self.assertRaises(PermissionDenied):
            services.update_circular(sent, acting_user=self.n.ts, title_es="Cambio")
        with self.assertRaises(PermissionDenied):
            services.send_circular(sent, acting_user=self.n.ts)
        # A copy read before it was sent still gets a clear message, and nothing changes.
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "already sent"):
            services.update_circular(stale, acting_user=self.n.ts, title_es="Cambio")
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "already sent"):
            services.send_circular(stale, acting_user=self.n.ts)
        sent.refresh_from_db()
        self.assertEqual(sent.title_es, "Nota informativa")

    def test_a_draft_is_seen_only_by_the_ts_and_its_author(self):
        circular = self.draft()
        self.assertEqual(signed_in(self.n.ts).get(circular.get_absolute_url()).status_code, 200)
        for user in (self.n.gt_officer, self.n.pa_officer, self.n.partner):
            self.assertEqual(signed_in(user).get(circular.get_absolute_url()).status_code, 403)

    def test_a_sent_circular_is_seen_by_its_recipients_and_the_ppt_not_by_others(self):
        circular = self.draft()
        services.send_circular(circular, acting_user=self.n.ts)
        for user in (self.n.gt_officer, self.n.gt_alternate, self.n.hn_officer, self.n.pa_officer):
            self.assertEqual(signed_in(user).get(circular.get_absolute_url()).status_code, 200, user)
        for user in (self.n.mx_officer, self.n.partner, self.n.outsider):
            self.assertEqual(signed_in(user).get(circular.get_absolute_url()).status_code, 403, user)
        listing = signed_in(self.n.mx_officer).get(reverse("circulation:list"))
        self.assertNotContains(listing, "Nota informativa")

    def test_sending_without_recipients_or_text_says_what_is_missing(self):
        circular = services.create_circular(acting_user=self.n.ts, title_es="Vacía")
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            services.send_circular(circular, acting_user=self.n.ts)
        self.assertEqual(set(caught.exception.message_dict), {"countries", "body_es"})
        circular.refresh_from_db()
        self.assertTrue(circular.is_draft)

    def test_a_named_person_without_a_current_term_is_refused(self):
        person = self.n.mx_person
        term = person.appointments.get()
        term.end_date = timezone.localdate() - datetime.timedelta(days=3)
        term.save()
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.draft(countries=[], people=[person])
        self.assertIn("no current term", caught.exception.message_dict["people"][0])

    def test_writing_and_sending_are_in_the_audit_trail(self):
        circular = self.draft()
        services.send_circular(circular, acting_user=self.n.ts)
        entries = AuditEntry.objects.for_object(circular)
        self.assertEqual({e.action for e in entries}, {AuditAction.CREATE, AuditAction.UPDATE})
        sent = entries.filter(action=AuditAction.UPDATE).get()
        self.assertEqual(sent.actor, self.n.ts)
        self.assertIn("status", sent.changes)

    def test_the_whole_journey_through_the_pages(self):
        client = signed_in(self.n.ts)
        response = client.post(
            reverse("circulation:create"),
            {
                "kind": "call",
                "title_es": "Convocatoria de puntos focales",
                "body_es": "Envíen sus puntos focales.",
                "countries": [self.n.gt.pk, self.n.hn.pk],
                "reply_deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            },
        )
        circular = Circular.objects.get()
        self.assertRedirects(response, circular.get_absolute_url())
        client.post(
            reverse("circulation:attachment_add", args=[circular.pk]),
            {"file": SimpleUploadedFile("convocatoria.pdf", PDF)},
        )
        self.assertEqual(circular.attachments.count(), 1)
        # The first click asks for confirmation, saying to whom it goes; nothing is sent yet.
        confirm = client.post(reverse("circulation:send", args=[circular.pk]), headers={"accept-language": "en"})
        self.assertContains(confirm, "It goes to 2 recipients: Guatemala, Honduras.")
        self.assertContains(confirm, "3 people receive it")
        self.assertContains(confirm, 'name="confirmed" value="1"')
        circular.refresh_from_db()
        self.assertFalse(circular.is_sent)
        with self.captureOnCommitCallbacks(execute=True):
            client.post(reverse("circulation:send", args=[circular.pk]), {"confirmed": "1"})
        circular.refresh_from_db()
        self.assertTrue(circular.is_sent)
        self.assertEqual(len(mail.outbox), 3)
        officer = signed_in(self.n.hn_officer)
        page = officer.get(circular.get_absolute_url())
        self.assertContains(page, "convocatoria.pdf")
        officer.post(reverse("circulation:acknowledge", args=[circular.pk]))
        officer.post(
            reverse("circulation:reply", args=[circular.pk]),
            {"text": "Adjuntamos la lista.", "file": SimpleUploadedFile("lista.pdf", PDF)},
        )
        board = client.get(reverse("circulation:board", args=[circular.pk]))
        self.assertContains(board, 'data-state="replied"', count=1)
        self.assertContains(board, 'data-state="unread"', count=1)


class PPTYearTest(TestCase):
    def test_an_officer_of_a_country_not_holding_the_ppt_may_not_send(self):
        n = build_network()
        self.assertFalse(access.can_create(n.hn_officer, Circular))
        self.assertTrue(access.can_create(n.pa_officer, Circular))
        self.assertEqual(AppointmentRole.PRINCIPAL, n.pa_person.appointments.get().role)
