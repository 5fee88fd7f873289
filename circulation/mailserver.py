"""The SMTP server that receives replies to circulars (`manage.py receive_mail`), on aiosmtpd.

It accepts mail only for addresses shaped like reply addresses (`reply-…@REPLY_EMAIL_DOMAIN`; any
other recipient is refused at RCPT), and hands each message to `circulation.inbound.receive`, which
keeps it and records or refuses it. A failure there (the database or the file store down) answers
451, so the sending server tries again later: nothing is lost.
"""

import logging
import re

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from . import inbound

logger = logging.getLogger(__name__)

SHAPE = re.compile(r"^reply-[0-9a-z-]{1,80}$")


def _receive(raw, mail_from, rcpt_tos):
    close_old_connections()
    try:
        return inbound.receive(raw, mail_from=mail_from, rcpt_tos=rcpt_tos)
    finally:
        close_old_connections()


class ReplyHandler:
    """aiosmtpd handler: reply addresses only; every message to `inbound.receive`."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, _at, domain = address.lower().rpartition("@")
        if domain != settings.REPLY_EMAIL_DOMAIN.lower() or not SHAPE.match(local):
            return "550 5.1.1 No such reply address here"
        if envelope.rcpt_tos:  # one reply address per message: the sending server sends the rest apart
            return "452 4.5.3 One reply address per message; send again for this one"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        try:
            await sync_to_async(_receive, thread_sensitive=False)(raw, envelope.mail_from, list(envelope.rcpt_tos))
        except Exception:  # noqa: BLE001 - anything here: the sender's server keeps the message and retries
            logger.exception("A received message could not be kept; the sending server will try again")
            return "451 4.3.0 Cannot take the message now; try again later"
        return "250 2.0.0 Message received"


def build_server(host="127.0.0.1", port=2525):
    """An aiosmtpd controller (start() / stop()) receiving replies on host:port."""
    if not settings.REPLY_EMAIL_DOMAIN:
        raise ValueError("REPLY_EMAIL_DOMAIN is not set: replies by e-mail are off.")
    return Controller(
        ReplyHandler(),
        hostname=host,
        port=port,
        # Larger messages are refused by the protocol itself (the sender's server tells them); up to
        # this size they are kept, and those over REPLY_MAX_BYTES are refused with an explanation.
        data_size_limit=settings.REPLY_MAX_BYTES * 2,
        decode_data=False,
        server_hostname=settings.REPLY_EMAIL_DOMAIN,
    )
