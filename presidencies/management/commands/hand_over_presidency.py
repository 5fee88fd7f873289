"""Prepare and carry out the handover of the Pro Tempore Presidency. Run daily (see docs/deployment.md)."""

from django.core.management.base import BaseCommand

from presidencies.services import hand_over_presidencies


class Command(BaseCommand):
    help = "Prepare the handover of presidencies whose end is known; carry out those due (idempotent; run daily)."

    def handle(self, *args, **options):
        done = hand_over_presidencies()
        self.stdout.write(f"Prepared {done['prepared']} handover(s); carried out {done['carried_out']}.")
