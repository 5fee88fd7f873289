"""Close the accounts of people whose every term has ended. Run daily (see docs/deployment.md)."""

from django.core.management.base import BaseCommand

from network.services import deactivate_ended_accounts


class Command(BaseCommand):
    help = "Deactivate accounts whose every term has ended (idempotent; run daily)."

    def handle(self, *args, **options):
        closed = deactivate_ended_accounts()
        self.stdout.write(f"Closed {closed} account(s).")
