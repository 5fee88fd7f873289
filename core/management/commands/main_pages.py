"""Print, as JSON, the main pages every app declares (used by the quality-gate checks)."""

import json

from django.core.management.base import BaseCommand

from core.apps import project_apps


class Command(BaseCommand):
    help = "List the main pages of every app as JSON (name, path, audience)."

    def handle(self, *args, **options):
        pages = []
        for app in project_apps():
            for page in app.main_pages():
                pages.append({"app": app.label, **page})
        self.stdout.write(json.dumps(pages, indent=2))
