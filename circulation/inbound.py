"""Replies by e-mail: an answer to a circular's e-mail becomes that country's (or organization's) reply.

Each e-mail that tells a recipient's person about a circular carries a reply address of its own
(`Reply-To: reply-<recipient>-<user>-<expiry>-<signature>@REPLY_EMAIL_DOMAIN`): the recipient row
and the person it was sent to, a last day, and an HMAC of the three under the site's secret key —
not guessable, not transferable to another circular or person, and lower-case only (some mail
servers change the case of addresses). `manage.py receive_mail` (an SMTP server, aiosmtpd) hands
every message to `receive()`, which:

1. keeps the raw message, whatever happens, for the TS for 30 days (`InboundEmail`);
2. records nothing, and answers nothing, for automatic mail: bounces (empty sender, delivery
   reports), auto-replies (`Auto-Submitted`, `Precedence`, `X-Autoreply`…), Enlace's own mail;
3. records nothing for a forged or expired address, a sender who is not the person the address
   was made for, a message over `REPLY_MAX_BYTES`, a reply the person may no longer give (their
   term ended), or one the page would refuse (a hostile attachment, nothing written) — and, where
   it is safe (the sender is an Enlace account, at most a few explanations an hour), says why;
4. otherwise records the reply through the same service as the page (`reply_to_circular`: the
   same access rules and upload checks), marked as received by e-mail: the text without the quoted
   message and the signature, the attachments, and acknowledges it by e-mail.

The same message delivered twice (same Message-ID, same address) is recorded once.
"""

import contextlib
import datetime
import email
import email.policy
import hashlib
import logging
import re
from email.message import EmailMessage
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.storage import STORAGE_DOWN
from messaging.outbox import queue_email

from .models import CircularRecipient, InboundEmail, InboundStatus, ReplyChannel
from .services.common import MAX_FILES

logger = logging.getLogger(__name__)

SALT = "enlace.circulation.reply-address"
ADDRESS = re.compile(r"^reply-(\d{1,18})-(\d{1,18})-([0-9a-z]{1,8})-([0-9a-f]{20})$")
EPOCH = datetime.date(2000, 1, 1)
KEPT_DAYS = 30
EXPLANATIONS_PER_HOUR = 3


class Refused(Exception):
    """A message that is not recorded; `answer`: whether it is safe to tell the sender why."""

    def __init__(self, reason, *, answer=True, told=None):
        super().__init__(reason)
        self.reason = reason  # for the TS (the received e-mails page)
        self.told = told or reason  # for the person, when answered
        self.answer = answer


# --- Addresses ----------------------------------------------------------------------------------


def _signature(payload, secret=None):
    return salted_hmac(SALT, payload, secret=secret, algorithm="sha256").hexdigest()[:20]


def _signed(payload, signature):
    """Whether `signature` is the payload's under the secret key or one it replaced (SECRET_KEY_FALLBACKS)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(signature, _signature(payload, key)) for key in keys)


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def last_day_for(circular):
    """Replies by e-mail are taken until this day: the deadline (or sending) plus REPLY_ADDRESS_DAYS."""
    start = circular.reply_deadline or timezone.localdate(circular.sent_at or timezone.now())
    return start + datetime.timedelta(days=settings.REPLY_ADDRESS_DAYS)


def reply_address(recipient, user, *, last_day=None, circular=None):
    """The address an answer from `user` about `recipient`'s circular goes to ("" when not configured)."""
    domain = settings.REPLY_EMAIL_DOMAIN
    if not domain or user is None:
        return ""
    last_day = last_day or last_day_for(circular or recipient.circular)
    payload = f"{recipient.pk}-{user.pk}-{_base36((last_day - EPOCH).days)}"
    return f"reply-{payload}-{_signature(payload)}@{domain}"


def read_address(address):
    """(recipient id, user id, last day) of a reply address; Refused when forged (expiry: the caller's)."""
    local, _at, domain = (address or "").strip().lower().rpartition("@")
    match = ADDRESS.match(local)
    if match is None or domain != settings.REPLY_EMAIL_DOMAIN.lower():
        raise Refused(_("This address does not belong to any circular."))
    recipient_id, user_id, day, signature = match.groups()
    if not _signed(f"{recipient_id}-{user_id}-{day}", signature):
        raise Refused(_("This address does not belong to any circular."))
    return int(recipient_id), int(user_id), EPOCH + datetime.timedelta(days=int(day, 36))


# --- Reading a message --------------------------------------------------------------------------

AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def is_automatic(message, mail_from):
    """Bounces, delivery reports, auto-replies and Enlace's own mail: never recorded, never answered."""
    if not (mail_from or "").strip("<> "):
        return True  # an empty envelope sender: a bounce
    if (message.get("Auto-Submitted") or "no").strip().lower() != "no":
        return True
    if (message.get("Precedence") or "").strip().lower() in AUTOMATIC_PRECEDENCE:
        return True
    if any(message.get(name) for name in ("X-Autoreply", "X-Autorespond")):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    return "enlace-outbox-" in (message.get("Message-ID") or "")


class _HtmlText(HTMLParser):
    """The visible text of an HTML message, without its quoted parts (blockquote, Gmail/Outlook quotes)."""

    QUOTES = ("gmail_quote", "moz-cite-prefix", "divrplyfwdmsg", "appendonsend", "yahoo_quoted")
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0
        self.stack = []

    def handle_starttag(self, tag, attrs):
        marks = " ".join(value or "" for name, value in attrs if name in ("class", "id")).lower()
        quoted = tag == "blockquote" or any(mark in marks for mark in self.QUOTES)
        if tag in ("style", "script", "head"):
            quoted = True
        if tag not in ("br", "img", "hr", "meta", "link", "input"):
            self.stack.append((tag, quoted))
            self.skipping += quoted
        if tag in self.BREAKS and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if not any(open_tag == tag for open_tag, _quoted in self.stack):
            return  # a closing tag never opened: ignored
        while self.stack:  # close up to the matching tag (unclosed ones inside it end with it)
            open_tag, quoted = self.stack.pop()
            self.skipping -= quoted
            if open_tag == tag:
                return

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    def text(self):
        return re.sub(r"\n\s*\n+", "\n\n", "".join(self.parts)).strip()


def html_text(html):
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


# A line that introduces a quotation, in the forms of the usual mail clients, in English and Spanish:
# it is dropped with the quoted (">") lines after it; unquoted text after them (a reply written below
# the quotation) is kept.
QUOTE_INTRODUCTIONS = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^\s*El\b.{0,300}\bescribi[óo]:\s*$", re.IGNORECASE),
)
# Where the forwarded or quoted original starts without ">" marks (Outlook): everything below is it.
ORIGINAL_STARTS = (
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Mensaje original|Forwarded message|Mensaje reenviado)\s*-{2,}\s*$", re.I
    ),
    re.compile(r"^\s*_{8,}\s*$"),  # Outlook's line above the quoted headers
)
QUOTED_HEADER = re.compile(r"^\s*\*?(From|De)\s*:\*?\s.+", re.IGNORECASE)
QUOTED_HEADER_NEXT = re.compile(r"^\s*\*?(Sent|Date|To|Enviado|Fecha|Para|Asunto|Subject)\s*:", re.IGNORECASE)
SIGNATURE_DELIMITER = re.compile(r"^--\s?$")  # "-- ": the signature follows
# A mail app's own line ("Sent from my iPhone"): dropped when it stands alone and short.
APP_LINES = re.compile(
    r"^\s*(Sent from my|Enviado desde mi|Get Outlook for|Obtener Outlook para)\b.{0,40}$", re.IGNORECASE
)


def _introduces_quote(lines, index):
    line = lines[index]
    if any(pattern.match(line) for pattern in QUOTE_INTRODUCTIONS):
        return 1
    # "On Mon, … Name <address>" / "wrote:" wrapped over two lines.
    wrapped = index + 1 < len(lines) and lines[index + 1].strip().lower() in ("wrote:", "escribió:")
    if wrapped and any(pattern.match(f"{line} {lines[index + 1].strip()}") for pattern in QUOTE_INTRODUCTIONS):
        return 2
    return 0


def strip_quoted(text):
    """What the person wrote: without the quoted message, the forwarded original and their signature."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = []
    index = 0
    while index < len(lines):
        line = lines[index]
        introduction = _introduces_quote(lines, index)
        if introduction:
            index += introduction
            continue
        if any(pattern.match(line) for pattern in ORIGINAL_STARTS) or SIGNATURE_DELIMITER.match(line):
            break
        if QUOTED_HEADER.match(line) and index + 1 < len(lines) and QUOTED_HEADER_NEXT.match(lines[index + 1]):
            break
        if not line.lstrip().startswith(">") and not APP_LINES.match(line):
            kept.append(line)
        index += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def message_text(message):
    """The person's own words in a message (its plain text, else its HTML), quotes and signature removed."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, AssertionError):
        content = body.get_payload(decode=True).decode("utf-8", "replace") if body.get_payload(decode=True) else ""
    if body.get_content_type() == "text/html":
        content = html_text(content)
    return strip_quoted(content)


def message_files(message):
    """The attached documents, as uploads (checked later by the same rules as the page's)."""
    files = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        files.append(SimpleUploadedFile(name[:200], payload, content_type=part.get_content_type()))
    return files


# --- Receiving ----------------------------------------------------------------------------------


def _header(message, name):
    try:
        return str(message.get(name) or "")
    except Exception:  # noqa: BLE001 - a header Python's parser cannot read: treated as absent
        return ""


def _from_address(message, mail_from):
    """The sender, when it can be trusted to be one person: one From header, one mailbox, no
    encoded-word or parser defect, the same as the envelope sender, and — when REPLY_AUTHSERV_ID
    names the receiving mail server — that server's DMARC pass for it."""
    unclear = _("The sender of the message could not be established: reply on Enlace.")
    raw_from = [value for name, value in message.raw_items() if name.lower() == "from"]
    if len(raw_from) != 1 or "=?" in str(raw_from[0]):
        raise Refused(unclear, answer=False)
    header = message["From"]
    addresses = getattr(header, "addresses", ())
    if getattr(header, "defects", None) or len(addresses) != 1 or not addresses[0].addr_spec:
        raise Refused(unclear, answer=False)
    address = addresses[0].addr_spec.strip().lower()
    envelope = (mail_from or "").strip("<> ").lower()
    if envelope != address:
        raise Refused(
            _("The reply came from an address other than the one the circular was sent to: reply from that one.")
        )
    authserv = getattr(settings, "REPLY_AUTHSERV_ID", "")
    if authserv:
        results = [
            _header_text(value) for name, value in message.raw_items() if name.lower() == "authentication-results"
        ]
        ours = [text for text in results if text.split(";", 1)[0].strip().lower() == authserv.lower()]
        if not any(re.search(r"\bdmarc=pass\b", text, re.IGNORECASE) for text in ours):
            raise Refused(_("The mail server could not confirm who sent the message: reply on Enlace."))
    return address


def _header_text(value):
    return re.sub(r"\s+", " ", str(value))


def receive(raw, *, mail_from, rcpt_tos):
    """Keep one received message, and record it as a reply or say why not; return its InboundEmail row.

    Raises only when the message cannot be kept (the database or the file store does not answer):
    receive_mail then answers 451 and the sending server tries again. A message that cannot be read
    is kept and refused like any other.
    """
    shaped = [address for address in rcpt_tos if address.lower().startswith("reply-")]
    rcpt = (shaped or rcpt_tos or [""])[0].strip().lower()
    row = InboundEmail(mail_from=(mail_from or "")[:320], rcpt_to=rcpt[:320], size=len(raw))
    try:
        message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
        row.subject = _header(message, "Subject")[:300]
        row.message_id = _header(message, "Message-ID")[:300]
    except Exception:  # noqa: BLE001 - unreadable: kept, refused below
        message = None
    # No Message-ID: the message's own digest stands for it (a redelivery is still recognised).
    row.message_id = row.message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"
    row.raw.save("message.eml", ContentFile(raw), save=False)  # kept whatever happens, for the TS
    try:
        try:
            with transaction.atomic():
                _process(row, message, raw, mail_from)
        except IntegrityError:  # the same message recorded meanwhile by a concurrent delivery
            row.pk, row.reply, row.status = None, None, InboundStatus.REFUSED
            row.reason = _("This message was already recorded.")
            row.save()
    except Exception:
        with contextlib.suppress(Exception):
            row.raw.delete(save=False)  # not kept as a row: no file left behind either
        raise
    return row


def _process(row, message, raw, mail_from):
    """Inside one transaction: record the reply (or the refusal), the row, and the e-mail that says so."""
    user = None
    try:
        if message is None:
            raise Refused(_("The message could not be read."), answer=False)
        try:
            if is_automatic(message, mail_from):
                raise Refused(_("An automatic message (a bounce or an auto-reply) is not a reply."), answer=False)
            recipient_id, user_id, last_day = read_address(row.rcpt_to)
            from accounts.models import User

            user = User.objects.filter(pk=user_id, is_active=True).first()
            recipient = CircularRecipient.objects.select_related("circular").filter(pk=recipient_id).first()
            if user is None or recipient is None:
                user = None
                raise Refused(_("This address does not belong to any circular."))
            row.recipient = recipient
            # From here on, reasons are worded in the language of the person the address was made for.
            with translation.override(user.language or settings.LANGUAGE_CODE):
                row.reply = _check_and_record(message, raw, row, recipient, user, last_day)
        except Refused:
            raise
        except Exception as error:  # noqa: BLE001 - a message Python cannot take apart: kept, refused
            if isinstance(error, (DatabaseError, OSError, *STORAGE_DOWN)):
                raise
            logger.warning("A received message could not be read: %s", error)
            raise Refused(_("The message could not be read."), answer=False) from None
    except Refused as refusal:
        row.status, row.reason = InboundStatus.REFUSED, refusal.reason[:300]
        told = refusal.answer and user is not None and _may_explain(row)
        row.save()
        logger.info("reply by e-mail not recorded (%s): %s → %s", refusal.reason, row.mail_from, row.rcpt_to)
        if told:
            _explain(row, user, refusal.told)
        return
    row.status = InboundStatus.RECORDED
    row.save()
    _acknowledge(row, user)


def _check_and_record(message, raw, row, recipient, user, last_day):
    sender = _from_address(message, row.mail_from)
    if sender != (user.email or "").lower():
        # The explanation goes to the person the address was made for, never to the sender.
        raise Refused(
            _("The reply came from an address other than the one the circular was sent to: reply from that one.")
        )
    if timezone.localdate() > last_day:
        raise Refused(
            _("This reply address expired on %(date)s: reply on Enlace instead.")
            % {"date": date_format(last_day, "DATE_FORMAT")}
        )
    if len(raw) > settings.REPLY_MAX_BYTES:
        raise Refused(
            _("The message is too large (at most %(max)s MB): reply on Enlace to send large documents.")
            % {"max": settings.REPLY_MAX_BYTES // (1024 * 1024)}
        )
    if InboundEmail.objects.filter(
        message_id=row.message_id, rcpt_to=row.rcpt_to, status=InboundStatus.RECORDED
    ).exists():
        raise Refused(_("This message was already recorded."), answer=False)
    return _record(message, recipient, user)


def _record(message, recipient, user):
    from .services.replies import reply_to_circular

    text = message_text(message)
    files = message_files(message)
    if len(files) > MAX_FILES:
        raise Refused(_("Attach at most %(max)s files.") % {"max": MAX_FILES})
    try:
        return reply_to_circular(
            recipient.circular, acting_user=user, text=text, files=files, recipient=recipient, via=ReplyChannel.EMAIL
        )
    except PermissionDenied:
        raise Refused(
            _("You can no longer reply on behalf of %(party)s: reply on Enlace if you still should.")
            % {"party": recipient.party}
        ) from None
    except ValidationError as error:
        details = " ".join(error.messages)
        if "files" in getattr(error, "message_dict", {}):
            # The TS sees which document and why; the person is told without repeating the file's name.
            raise Refused(
                details, told=_("A document attached to it was refused by the upload checks: reply on Enlace.")
            ) from None
        raise Refused(details) from None


def _may_explain(row):
    """At most a few explanations an hour for one reply address (counted before this one is saved)."""
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    recent = InboundEmail.objects.filter(
        status=InboundStatus.REFUSED, received_at__gte=hour_ago, rcpt_to=row.rcpt_to
    ).count()
    return recent < EXPLANATIONS_PER_HOUR


def _explain(row, user, told):
    """Tell the person the address was made for why their message was not recorded (in their language)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        title = row.recipient.circular.titled(translation.get_language()) if row.recipient else "—"
        subject = _("Your reply to “%(title)s” was not recorded") % {"title": title}
        body = _("Enlace received a message at your reply address but did not record it as a reply: %(reason)s") % {
            "reason": told
        }
        language = translation.get_language()
    queue_email(
        to=user.email,
        subject=f"[Enlace] {subject}"[:300],
        body=body + "\n",
        language=language,
        dedupe_key=f"inbound:{row.pk}:refused",
        user=user,
    )


def _acknowledge(row, user):
    reply = row.reply
    with translation.override(user.language or settings.LANGUAGE_CODE):
        circular = reply.circular.titled(translation.get_language())
        subject = _("Reply recorded: %(title)s") % {"title": circular}
        body = _("Your reply by e-mail was recorded as the reply of %(party)s to “%(title)s”.") % {
            "party": reply.recipient.party,
            "title": circular,
        }
        if reply.attachments.exists():
            names = ", ".join(reply.attachments.values_list("name", flat=True))
            body += "\n" + _("Documents: %(names)s") % {"names": names}
        language = translation.get_language()
    queue_email(
        to=user.email,
        subject=f"[Enlace] {subject}"[:300],
        body=f"{body}\n{settings.SITE_URL}{reply.get_absolute_url()}\n",
        language=language,
        dedupe_key=f"inbound:{row.pk}:recorded",
        user=user,
    )


def purge(now=None):
    """Forget received messages older than 30 days (their file too); return how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEPT_DAYS)
    old = list(InboundEmail.objects.filter(received_at__lt=cutoff))
    for row in old:
        if row.raw:
            row.raw.delete(save=False)
    InboundEmail.objects.filter(pk__in=[row.pk for row in old]).delete()
    return len(old)
