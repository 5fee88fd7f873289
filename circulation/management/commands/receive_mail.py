"""Receive replies to circulars by e-mail (see circulation/mailserver.py and docs/deployment.md)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from circulation.mailserver import build_server


class Command(BaseCommand):
    help = "Run the SMTP server that records answers to circular e-mails as replies (REPLY_EMAIL_DOMAIN)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on (default 2525).")

    def handle(self, *args, host, port, **options):
        try:
            server = build_server(host, port)
        except ValueError as error:
            raise CommandError(str(error)) from error
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        server.start()
        self.stdout.write(f"Receiving replies by e-mail on {host}:{port} (stop with Ctrl-C).")
        try:
            stop.wait()
        finally:
            server.stop()
