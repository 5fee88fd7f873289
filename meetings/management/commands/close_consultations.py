"""Close the consultations whose deadline has passed. Run daily (see docs/deployment.md)."""

from django.core.management.base import BaseCommand

from meetings.services import close_due_consultations


class Command(BaseCommand):
    help = (
        "Close every consultation on a draft report whose deadline has passed: approve it under the silence "
        "procedure, or hand it to the TS when objections stand or amendments are unanswered (idempotent; run daily)."
    )

    def handle(self, *args, **options):
        counts = close_due_consultations()
        self.stdout.write(
            f"Approved under the silence procedure: {counts['approved']}; "
            f"awaiting the TS's decision: {counts['awaiting']}."
        )
