"""Every minute: retry tasks a dead worker left running, flag unconfirmed sends, re-enqueue lost e-mails."""

import time

from django.core.management.base import BaseCommand

from messaging import outbox


class Command(BaseCommand):
    help = (
        "Recover from a stopped worker: tasks left 'running' longer than TASK_STALE_AFTER are retried, "
        "e-mails handed to the mail server but never confirmed after OUTBOX_UNCONFIRMED_AFTER are flagged "
        "to the TS (not sent again), and queued e-mails whose task was lost are enqueued again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Keep running, sweeping every N seconds.")

    def handle(self, *args, every=0, **options):
        while True:
            counts = outbox.sweep()
            if options["verbosity"] >= 1 and (any(counts.values()) or not every):
                self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
            if not every:
                return
            time.sleep(every)
