"""Restore a backup made by `manage.py backup` into this instance."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup zip (database and uploaded files) into an empty instance."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup zip.")
        parser.add_argument("--force", action="store_true", help="Replace the data of a non-empty instance.")

    def handle(self, *args, path, force=False, **options):
        try:
            manifest = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {rows} rows and {len(manifest['files'])} files from {path}.")
