"""Delete the prepared exports nobody asked for lately (daily; see docs/deployment.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.prepared import forget_unasked


class Command(BaseCommand):
    help = "Delete the prepared exports (and their files) nobody asked for in PREPARED_KEEP_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help="Keep those asked for in this many days (default: PREPARED_KEEP_DAYS)."
        )

    def handle(self, *args, days=None, **options):
        days = settings.PREPARED_KEEP_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        forgotten = forget_unasked(days)
        self.stdout.write(f"Prepared exports forgotten (not asked for in {days} days): {forgotten}.")
