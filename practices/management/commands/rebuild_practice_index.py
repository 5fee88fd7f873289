"""Rebuild the repository's search index (after restoring a database, or changing the engine)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from practices.search import indexing


class Command(BaseCommand):
    help = "Index every practice and resource again for full-text search."

    def handle(self, *args, **options):
        with transaction.atomic():
            total = indexing.rebuild()
        self.stdout.write(f"Indexed {total} practices and resources.")
