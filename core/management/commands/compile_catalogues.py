"""Compile the .po translation catalogues to .mo with polib (no GNU gettext needed)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues():
    """Yield every .po file of the project (its apps and the root locale folder)."""
    root = Path(settings.BASE_DIR)
    for po in sorted(root.glob("*/locale/*/LC_MESSAGES/*.po")):
        yield po
    for po in sorted(root.glob("locale/*/LC_MESSAGES/*.po")):
        yield po


class Command(BaseCommand):
    help = "Compile translation catalogues (.po → .mo) when they changed."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile even when the .mo is newer.")

    def handle(self, *args, force=False, **options):
        compiled = 0
        for po in catalogues():
            mo = po.with_suffix(".mo")
            if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                polib.pofile(str(po)).save_as_mofile(str(mo))
                compiled += 1
        if options["verbosity"] > 1 or compiled:
            self.stdout.write(f"Compiled {compiled} translation catalogue(s).")
