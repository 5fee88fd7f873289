"""Compute the map's cluster pyramid again from the map points (directory/pyramid.py)."""

import time

from django.core.management.base import BaseCommand

from directory import pyramid


class Command(BaseCommand):
    help = "Compute the map's cluster pyramid again from its points (after a bulk load or to check it)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        cells = pyramid.rebuild()
        self.stdout.write(f"Map pyramid: {cells} cells in {time.perf_counter() - started:.1f} s.")
