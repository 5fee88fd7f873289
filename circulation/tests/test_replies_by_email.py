"""Replies by e-mail, through a real SMTP client (smtplib) against receive_mail's server on 127.0.0.1.

A circular's e-mail carries a reply address of its own; an answer from the person it was sent to
becomes their country's reply (text without quotes and signature, attachments through the upload
checks), recorded as coming by e-mail, and acknowledged. Everything else is kept for the TS and
not recorded, each case with its reason.
"""

import datetime
import smtplib
import socket
import time
from contextlib import closing
from email.message import EmailMessage

import pytest
import time_machine
from django.core import mail
from django.test import Client, TransactionTestCase, override_settings
from django.utils import timezone
from playwright.sync_api import expect

from circulation import inbound
from circulation.mailserver import build_server
from circulation.models import InboundEmail, InboundStatus, Reply, ReplyChannel
from circulation.testing import circulate
from core.testing import build_network, read_in, serious_axe_violations, sign_in_browser
from practices.tests.helpers import pdf_with_text

DOMAIN = "reply.enlace.test"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def free_port():
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reply_message(*, sender, to, text, attachments=(), headers=None, html=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: [Enlace] Information note"
    message["Message-ID"] = f"<{time.monotonic_ns()}@mail.example.org>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data, kind in attachments:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


GMAIL_EN = """Guatemala has reviewed the note and agrees with the proposed dates.

Best regards,
Carlos

On Mon, Dec 7, 2026 at 10:02 AM Enlace <enlace@example.org>
wrote:
> Please find the information note attached.
> Reply by December 20.
"""
OUTLOOK_ES = """Honduras confirma su participación en la reunión.

Saludos cordiales
--
Ana López
Oficial de enlace

________________________________
De: Enlace <enlace@example.org>
Enviado: lunes, 7 de diciembre de 2026 10:02
Para: Ana López
Asunto: [Enlace] Nota informativa
"""
APPLE_ES = """Recibido, gracias. Enviaremos el informe la próxima semana.

Enviado desde mi iPhone

El 7 dic 2026, a las 10:02, Enlace <enlace@example.org> escribió:

> Adjunto la nota informativa.
"""


REASONS = {
    "wrong sender": "came from an address other than",
    "forged token": "does not belong to any circular",
    "expired token": "expired on",
    "auto-reply": "automatic message",
    "bounce": "automatic message",
    "hostile attachment": "informe.pdf",
    "oversize": "too large",
}


@override_settings(REPLY_EMAIL_DOMAIN=DOMAIN, TASKS=IMMEDIATE, LANGUAGE_CODE="en")
class RepliesByEmailTest(TransactionTestCase):
    def setUp(self):
        self.n = build_network()
        self.port = free_port()
        self.server = build_server("127.0.0.1", self.port)
        self.server.start()
        self.addCleanup(self.server.stop)
        mail.outbox.clear()
        self.circular = circulate(
            acting_user=self.n.ts,
            countries=[self.n.countries["GT"], self.n.countries["HN"]],
            reply_deadline=timezone.localdate() + datetime.timedelta(days=14),
        )
        self.gt = self.circular.recipients.get(country__code="GT")
        self.hn = self.circular.recipients.get(country__code="HN")

    def address(self, recipient, user, **kwargs):
        return inbound.reply_address(recipient, user, **kwargs)

    def send(self, message, *, envelope_from=None):
        """Hand a message to receive_mail over SMTP; return the new InboundEmail row."""
        before = set(InboundEmail.objects.values_list("pk", flat=True))
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.send_message(
                message,
                from_addr=message["From"] if envelope_from is None else envelope_from,
                to_addrs=[message["To"]],
            )
        new = InboundEmail.objects.exclude(pk__in=before)
        self.assertEqual(new.count(), 1)
        return new.get()

    def test_the_circular_email_carries_a_reply_address_of_its_own_per_person(self):
        sent = {message.to[0]: message for message in mail.outbox}
        for user, recipient in ((self.n.gt_officer, self.gt), (self.n.hn_officer, self.hn)):
            with self.subTest(user=user.email):
                self.assertEqual(sent[user.email].reply_to, [self.address(recipient, user)])
                self.assertIn("answer this e-mail", sent[user.email].body)
        self.assertNotEqual(self.address(self.gt, self.n.gt_officer), self.address(self.hn, self.n.hn_officer))

    def test_a_reply_with_an_attachment_becomes_the_countrys_reply_and_is_acknowledged(self):
        mail.outbox.clear()
        pdf = pdf_with_text("Observaciones de Guatemala")
        row = self.send(
            reply_message(
                sender=self.n.gt_officer.email,
                to=self.address(self.gt, self.n.gt_officer),
                text=GMAIL_EN,
                attachments=[("observaciones.pdf", pdf, "application/pdf")],
            )
        )
        self.assertEqual(row.status, InboundStatus.RECORDED, row.reason)
        reply = Reply.objects.get()
        self.assertEqual((reply.recipient, reply.author, reply.via), (self.gt, self.n.gt_officer, ReplyChannel.EMAIL))
        self.assertEqual(
            reply.text, "Guatemala has reviewed the note and agrees with the proposed dates.\n\nBest regards,\nCarlos"
        )
        attached = reply.attachments.get()
        self.assertEqual(attached.name, "observaciones.pdf")
        self.assertEqual(attached.file.read(), pdf)
        self.gt.refresh_from_db()
        self.assertIsNotNone(self.gt.last_reply_at)
        self.assertEqual([m.to for m in mail.outbox], [[self.n.gt_officer.email]])
        self.assertIn("recorded", mail.outbox[0].subject)
        # The circular's page and the API say it came by e-mail.
        page = Client()
        page.force_login(self.n.ts)
        self.assertContains(page.get(self.circular.get_absolute_url()), "by e-mail")
        replies = page.get(f"/api/v1/circulars/{self.circular.pk}/replies").json()
        self.assertEqual([item["via"] for item in replies], ["email"])
        # The TS sees what came, as it came.
        listing = page.get("/circulars/received/")
        self.assertContains(listing, self.n.gt_officer.email)
        raw = page.get(f"/circulars/received/{row.pk}.eml")
        self.assertIn(b"observaciones.pdf", b"".join(raw.streaming_content))

    def test_quoted_text_and_signatures_are_removed_in_spanish_and_english_clients(self):
        for recipient, user, text, expected in (
            (
                self.hn,
                self.n.hn_officer,
                OUTLOOK_ES,
                "Honduras confirma su participación en la reunión.\n\nSaludos cordiales",
            ),
            (self.gt, self.n.gt_officer, APPLE_ES, "Recibido, gracias. Enviaremos el informe la próxima semana."),
        ):
            with self.subTest(client=text[:20]):
                row = self.send(reply_message(sender=user.email, to=self.address(recipient, user), text=text))
                self.assertEqual(row.status, InboundStatus.RECORDED, row.reason)
                self.assertEqual(row.reply.text, expected)
        html = (
            "<div>Panamá está de acuerdo.</div><div class='gmail_quote'>El lun, 7 dic 2026 escribió:"
            "<blockquote>Adjunto la nota.</blockquote></div>"
        )
        self.assertEqual(inbound.html_text(html), "Panamá está de acuerdo.")

    def test_what_is_not_a_reply_is_kept_and_not_recorded(self):
        gt_address = self.address(self.gt, self.n.gt_officer)
        forged = gt_address.replace(gt_address.split("-")[-1].split("@")[0], "0" * 20)
        expired = self.address(self.gt, self.n.gt_officer, last_day=timezone.localdate() - datetime.timedelta(days=1))
        big = b"x" * 3000
        cases = {
            "wrong sender": (reply_message(sender="someone@elsewhere.org", to=gt_address, text="Agreed."), None),
            "forged token": (reply_message(sender=self.n.gt_officer.email, to=forged, text="Agreed."), None),
            "expired token": (reply_message(sender=self.n.gt_officer.email, to=expired, text="Agreed."), None),
            "auto-reply": (
                reply_message(
                    sender=self.n.gt_officer.email,
                    to=gt_address,
                    text="I am out of the office until January.",
                    headers={"Auto-Submitted": "auto-replied"},
                ),
                None,
            ),
            "bounce": (reply_message(sender="mailer-daemon@example.org", to=gt_address, text="Undeliverable"), ""),
            "hostile attachment": (
                reply_message(
                    sender=self.n.gt_officer.email,
                    to=gt_address,
                    text="See the attachment.",
                    attachments=[("informe.pdf", b"MZ\x90\x00 an executable named .pdf", "application/pdf")],
                ),
                None,
            ),
            "oversize": (
                reply_message(
                    sender=self.n.gt_officer.email,
                    to=gt_address,
                    text="Large.",
                    attachments=[("anexo.pdf", pdf_with_text("x") + big, "application/pdf")],
                ),
                None,
            ),
        }
        for case, (message, envelope_from) in cases.items():
            with self.subTest(case=case), self.settings(REPLY_MAX_BYTES=2500 if case == "oversize" else 15 << 20):
                row = self.send(message, envelope_from=envelope_from)
                self.assertEqual(row.status, InboundStatus.REFUSED)
                self.assertIn(REASONS[case], row.reason)
                self.assertTrue(row.raw and row.raw.read())  # kept as it came
        self.assertFalse(Reply.objects.exists())
        # An address that is not a reply address is refused at once.
        with (
            smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client,
            self.assertRaises(smtplib.SMTPRecipientsRefused),
        ):
            client.sendmail(self.n.gt_officer.email, [f"postmaster@{DOMAIN}"], b"Subject: hi\r\n\r\nhi\r\n")

    def test_explanations_are_sent_only_where_safe_and_no_one_speaks_for_another(self):
        mail.outbox.clear()
        gt_address = self.address(self.gt, self.n.gt_officer)
        # Honduras's officer answering with Guatemala's address: not recorded for anyone.
        self.send(reply_message(sender=self.n.hn_officer.email, to=gt_address, text="Honduras agrees."))
        # An auto-reply from the right person: no answer (no mail loop).
        self.send(
            reply_message(
                sender=self.n.gt_officer.email,
                to=gt_address,
                text="Out of office.",
                headers={"Auto-Submitted": "auto-replied"},
            )
        )
        self.assertFalse(Reply.objects.exists())
        self.assertEqual([m.to for m in mail.outbox], [[self.n.gt_officer.email]])  # told once, for the wrong sender
        self.assertNotIn(self.n.hn_officer.email, [m.to[0] for m in mail.outbox])

    def raw_send(self, raw, *, envelope_from, to):
        before = set(InboundEmail.objects.values_list("pk", flat=True))
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.sendmail(envelope_from, [to], raw)
        return InboundEmail.objects.exclude(pk__in=before).get()

    def test_a_forged_or_unclear_sender_is_never_recorded(self):
        gt, address = self.n.gt_officer.email, self.address(self.gt, self.n.gt_officer)
        encoded = "=?utf-8?b?" + __import__("base64").b64encode(gt.encode()).decode() + "?="
        body = "Subject: Re: note\r\nMessage-ID: <{n}@x.org>\r\n\r\nGuatemala agrees.\r\n"
        for case, headers, envelope in (
            ("encoded-word", f"From: {encoded}\r\n", "evil@x.org"),
            ("display name", f"From: {gt} <evil@x.org>\r\n", "evil@x.org"),
            ("two From headers", f"From: {gt}\r\nFrom: evil@x.org\r\n", gt),
            ("two mailboxes", f"From: {gt}, evil@x.org\r\n", gt),
            ("envelope differs", f"From: {gt}\r\n", "evil@x.org"),
        ):
            with self.subTest(case=case):
                raw = (headers + body.format(n=case.replace(" ", "-"))).encode()
                row = self.raw_send(raw, envelope_from=envelope, to=address)
                self.assertEqual(row.status, InboundStatus.REFUSED)
        self.assertFalse(Reply.objects.exists())
        with self.settings(REPLY_AUTHSERV_ID="mx.enlace.test"):
            unconfirmed = reply_message(sender=gt, to=address, text="Agreed.")
            self.assertEqual(self.send(unconfirmed).status, InboundStatus.REFUSED)
            confirmed = reply_message(
                sender=gt,
                to=address,
                text="Agreed.",
                headers={"Authentication-Results": "mx.enlace.test; spf=pass; dkim=pass; dmarc=pass header.from=x"},
            )
            self.assertEqual(self.send(confirmed).status, InboundStatus.RECORDED)

    def test_unreadable_messages_and_second_addresses_lose_nothing(self):
        gt, address = self.n.gt_officer.email, self.address(self.gt, self.n.gt_officer)
        row = self.raw_send(b'From: "\r\nSubject: x\r\n\r\nhello\r\n', envelope_from=gt, to=address)
        self.assertEqual((row.status, bool(row.raw)), (InboundStatus.REFUSED, True))
        # One reply address per message: a second one is answered 452 (the sending server sends it apart).
        other = self.address(self.hn, self.n.hn_officer)
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.ehlo()
            client.mail(gt)
            self.assertEqual(client.rcpt(address)[0], 250)
            self.assertEqual(client.rcpt(other)[0], 452)
        # The same message to the address written in capitals is the same message.
        message = reply_message(sender=gt, to=address, text="Agreed.")
        self.send(message)
        message.replace_header("To", address.upper())
        self.assertEqual(self.send(message).status, InboundStatus.REFUSED)
        self.assertEqual(Reply.objects.count(), 1)

    def test_a_reply_written_below_the_quotation_and_unbalanced_html_keep_the_persons_words(self):
        bottom = "Dear TS,\n\nOn Mon, Dec 7, 2026 at 10:02 AM Enlace <e@x.org> wrote:\n> quoted\n\nGuatemala agrees."
        self.assertEqual(inbound.strip_quoted(bottom), "Dear TS,\n\nGuatemala agrees.")
        self.assertEqual(
            inbound.strip_quoted("Enviado desde la cancillería, el informe sigue."),
            "Enviado desde la cancillería, el informe sigue.",
        )
        self.assertEqual(
            inbound.html_text("<blockquote><p>q</blockquote><p>Guatemala agrees.</p>"), "Guatemala agrees."
        )

    def test_the_same_message_delivered_twice_is_recorded_once_and_old_messages_are_forgotten(self):
        message = reply_message(
            sender=self.n.gt_officer.email, to=self.address(self.gt, self.n.gt_officer), text="Agreed."
        )
        first, second = self.send(message), self.send(message)
        self.assertEqual((first.status, second.status), (InboundStatus.RECORDED, InboundStatus.REFUSED))
        self.assertEqual(Reply.objects.count(), 1)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
            self.assertEqual(inbound.purge(), 2)
        self.assertFalse(InboundEmail.objects.exists())
        self.assertEqual(Reply.objects.count(), 1)  # the reply stays; only the raw messages go


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ts_reads_what_came_by_email_in_both_languages_accessibly(new_page, settings):
    """Browser journey (quality gates): the received e-mails page, recorded and refused, axe in es and en."""
    settings.REPLY_EMAIL_DOMAIN = DOMAIN
    n = build_network()
    circular = circulate(acting_user=n.ts, countries=[n.countries["GT"]])
    recipient = circular.recipients.get()
    good = reply_message(
        sender=n.gt_officer.email, to=inbound.reply_address(recipient, n.gt_officer), text="Guatemala agrees."
    )
    inbound.receive(good.as_bytes(), mail_from=n.gt_officer.email, rcpt_tos=[good["To"]])
    stranger = reply_message(sender="someone@elsewhere.org", to=good["To"], text="Agreed.")
    inbound.receive(stranger.as_bytes(), mail_from="someone@elsewhere.org", rcpt_tos=[good["To"]])
    page = new_page(locale="en", bypass_csp=True)
    sign_in_browser(page, n.ts.email, totp_secret=n.ts_totp_secret)
    for language, recorded, refused in (
        ("en", "Recorded as a reply", "Not recorded"),
        ("es", "Registrado como respuesta", "No registrado"),
    ):
        read_in(page, language)
        page.goto("/circulars/outbox/")
        page.locator("main a[href='/circulars/received/']").click()
        rows = page.locator("main table tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator("main")).to_contain_text(recorded)
        expect(page.locator("main")).to_contain_text(refused)
        assert serious_axe_violations(page) == []
    page.locator("main tr[data-status=recorded] a").first.click()
    expect(page.locator("main")).to_contain_text("Guatemala agrees.")
