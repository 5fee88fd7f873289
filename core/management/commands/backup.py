"""Back up the database and the uploaded files together (see docs/operations.md)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.backup import create_backup


class Command(BaseCommand):
    help = "Write a backup zip holding the database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: var/backups/enlace-<time>.zip).")

    def handle(self, *args, output=None, **options):
        if not output:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "var" / "backups" / f"enlace-{stamp}.zip"
        manifest = create_backup(output)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Backup written to {output}: {rows} rows, {len(manifest['files'])} files.")
