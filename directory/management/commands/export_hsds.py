"""Write the directory as an HSDS 3.0 tabular data package (CSV + datapackage.json), and HSDS JSON."""

from django.core.management.base import BaseCommand

from directory.hsds.package import json_text, write_package
from directory.hsds.tables import collect
from directory.models import Service


class Command(BaseCommand):
    help = "Export the directory as an HSDS 3.0 data package into DIR (and services.json)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--public",
            action="store_true",
            help="Only what the public sees (published; confidential addresses hidden).",
        )

    def handle(self, directory, public, **options):
        services = Service.objects.published() if public else Service.objects.all()
        tables = collect(services.order_by("pk"), public=public, lang="es")
        files = write_package(tables, directory)
        from pathlib import Path

        (Path(directory) / "services.json").write_text(json_text(tables), encoding="utf-8")
        counts = ", ".join(f"{name}: {len(rows)}" for name, rows in tables.items() if rows)
        self.stdout.write(f"Wrote {len(files) + 1} files to {directory} ({counts}).")
