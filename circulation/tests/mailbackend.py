"""A mail backend for tests with a real worker process: each message becomes a file.

Set ENLACE_TEST_MAIL_DIR (where files go), ENLACE_TEST_MAIL_DELAY (seconds to wait after
writing a message, as a slow mail server would before confirming) and ENLACE_TEST_MAIL_REFUSE
(comma-separated addresses the "server" refuses).
"""

import os
import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend


class FileDropBackend(BaseEmailBackend):
    def send_messages(self, messages):
        folder = os.environ["ENLACE_TEST_MAIL_DIR"]
        delay = float(os.environ.get("ENLACE_TEST_MAIL_DELAY", "0"))
        refused = {a for a in os.environ.get("ENLACE_TEST_MAIL_REFUSE", "").split(",") if a}
        for message in messages:
            to = message.to[0]
            if to in refused:
                raise smtplib.SMTPRecipientsRefused({to: (550, b"mailbox unavailable")})
            name = f"{time.time_ns()}-{os.getpid()}-{to}.eml"
            with open(os.path.join(folder, name + ".part"), "wb") as handle:
                handle.write(message.message().as_bytes())
            os.replace(os.path.join(folder, name + ".part"), os.path.join(folder, name))
            time.sleep(delay)
        return len(messages)


def delivered(folder):
    """Return the addresses of the messages dropped in `folder`, one entry per message."""
    return sorted(name.split("-", 2)[2].removesuffix(".eml") for name in os.listdir(folder) if name.endswith(".eml"))
