"""Load the demonstration data of every app (idempotent) and print the demo sign-ins."""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from core.apps import project_apps


class Command(BaseCommand):
    help = "Load the demonstration data of every app; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-sign-ins", action="store_true", help="Do not print the demo sign-ins.")

    def handle(self, *args, quiet_sign_ins=False, **options):
        # Each app's demo.py runs in INSTALLED_APPS order, so later apps build on the network.
        demos = []
        for app in project_apps():
            if importlib.util.find_spec(f"{app.name}.demo"):
                demo = importlib.import_module(f"{app.name}.demo")
                with transaction.atomic():
                    demo.load(self.stdout)
                demos.append(demo)
        if quiet_sign_ins:
            return
        # The app whose demo makes the accounts (the network's) says how to sign in with them.
        for demo in demos:
            if hasattr(demo, "DEMO_USERS"):
                self.stdout.write(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
                for email, label in demo.DEMO_USERS:
                    self.stdout.write(f"  {email:36} {label}")
                self.stdout.write("")
