"""Daily: deadline reminders, daily digests, the outbox sweep, and received e-mails past 30 days forgotten.

Safe to run twice."""

from django.core.management.base import BaseCommand

from circulation import inbound
from circulation.services import send_reminders
from messaging import outbox
from messaging.notifications import send_digests


class Command(BaseCommand):
    help = (
        "Remind recipients of circulars 7 and 1 days before their deadline and after it, send the daily "
        "digests, and recover e-mails left behind by a stopped worker. Idempotent: run it once a day."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        digests = send_digests()
        swept = outbox.sweep()
        forgotten = inbound.purge()
        self.stdout.write(
            "Reminders: {due7} a week before, {due1} a day before, {passed} overdue, {authors} to authors; "
            "digests: {digests}; outbox: {swept}; received e-mails forgotten: {forgotten}".format(
                **counts, digests=digests, swept=swept, forgotten=forgotten
            )
        )
