"""Fail when the Spanish catalogues are stale (makemessages would change them) or incomplete."""

import os
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .compile_catalogues import catalogues

LANGUAGE = "es"
IGNORE = ["var/*", "node_modules/*", "bench/*", "docs/*", "artifacts/*", "*/tests/*", "tests/*"]


def entry_keys(path):
    if not path.exists():
        return set()
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(path)) if not e.obsolete}


def make_messages():
    """Run makemessages for Spanish over the whole tree, as a developer would."""
    call_command(
        "makemessages",
        locale=[LANGUAGE],
        ignore_patterns=IGNORE,
        add_location="file",
        no_obsolete=True,
        verbosity=0,
    )


class Command(BaseCommand):
    help = "Check that makemessages would not change the catalogues and that every Spanish string is translated."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Run makemessages and keep the result.")

    def handle(self, *args, update=False, **options):
        if not shutil.which("xgettext") or not shutil.which("msgmerge"):
            message = "skipped: makemessages needs GNU gettext (xgettext, msgmerge); install the 'gettext' package."
            if os.environ.get("ENLACE_REQUIRE_ALL") == "1":
                raise CommandError(message)
            self.stdout.write(message)
            return self.check_translated()
        os.chdir(settings.BASE_DIR)
        if update:
            make_messages()
            call_command("compile_catalogues", verbosity=0)
            self.stdout.write("Catalogues updated.")
            return self.check_translated(strict=False)
        before = {po: entry_keys(po) for po in catalogues()}
        backup = Path(tempfile.mkdtemp(prefix="enlace-po-"))
        saved = {}
        for index, po in enumerate(before):
            copy = backup / f"{index}.po"
            shutil.copy2(po, copy)
            saved[po] = copy
        try:
            make_messages()
            after = {po: entry_keys(po) for po in catalogues()}
        finally:
            for po in list(catalogues()):
                if po in saved:
                    shutil.copy2(saved[po], po)
                else:
                    po.unlink()
            shutil.rmtree(backup, ignore_errors=True)
        problems = []
        for po in sorted(set(before) | set(after)):
            added = after.get(po, set()) - before.get(po, set())
            removed = before.get(po, set()) - after.get(po, set())
            rel = po.relative_to(settings.BASE_DIR)
            for _ctx, msgid, _plural in sorted(added, key=str)[:20]:
                problems.append(f"{rel}: missing msgid {msgid!r}")
            for _ctx, msgid, _plural in sorted(removed, key=str)[:20]:
                problems.append(f"{rel}: msgid no longer used {msgid!r}")
        if problems:
            raise CommandError(
                "makemessages would change the catalogues (run `manage.py check_catalogues --update`, "
                "then translate):\n  " + "\n  ".join(problems)
            )
        self.check_translated()

    def check_translated(self, strict=True):
        problems = []
        for po in catalogues():
            if f"/{LANGUAGE}/" not in str(po):
                continue
            rel = po.relative_to(settings.BASE_DIR)
            for entry in polib.pofile(str(po)):
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    problems.append(f"{rel}: fuzzy {entry.msgid!r}")
                elif entry.msgid_plural:
                    if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                        problems.append(f"{rel}: untranslated {entry.msgid!r}")
                elif not entry.msgstr:
                    problems.append(f"{rel}: untranslated {entry.msgid!r}")
        if problems and strict:
            raise CommandError(f"{len(problems)} Spanish strings need work:\n  " + "\n  ".join(problems[:60]))
        if problems:
            self.stdout.write(f"{len(problems)} Spanish strings need translating.")
        else:
            self.stdout.write("Spanish catalogues are complete and current.")
