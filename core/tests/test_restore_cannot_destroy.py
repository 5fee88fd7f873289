"""A restore cannot destroy: a damaged backup is refused before anything is touched, a failure while
loading leaves the instance as it was, and the documented recovery — set up a new instance, then
`restore FILE` — works (on the database the suite runs on: SQLite, and PostgreSQL in CI)."""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TransactionTestCase, override_settings

from accounts.models import User
from core.backup import SEEDED, row_counts
from core.models import AuditEntry
from core.testing import build_network
from network.models import Person

ROOT = Path(__file__).resolve().parents[2]
SHOW_COUNTS = "import json; from core.backup import row_counts; print(json.dumps(row_counts()))"


def rewrite(source, target, *, data=None, manifest=None, files=None):
    """Copy a backup zip, replacing data.json, the manifest or media files."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "data.json" and data is not None:
                content = data
            elif item.filename == "manifest.json" and manifest is not None:
                content = json.dumps(manifest).encode()
            elif files and item.filename in files:
                content = files[item.filename]
            new.writestr(item.filename, content)
    return target


class RestoreCannotDestroyTest(TransactionTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="enlace-restore-test-"))
        self.media = self.tmp / "media"
        self.enterContext(override_settings(MEDIA_ROOT=self.media))
        self.n = build_network()
        (self.media / "circulars").mkdir(parents=True)
        (self.media / "circulars" / "nota.pdf").write_bytes(b"%PDF-1.7 nota" * 100)
        self.backup = self.tmp / "backup.zip"
        call_command("backup", output=str(self.backup), stdout=StringIO())
        with zipfile.ZipFile(self.backup) as archive:
            self.manifest = json.loads(archive.read("manifest.json"))
            self.data = archive.read("data.json")
        # What the instance holds now, after the backup: it must survive every failed restore.
        Person.objects.create(given_names="Después", family_names="Del respaldo")
        (self.media / "circulars" / "later.pdf").write_bytes(b"%PDF-1.7 later")

    def state(self):
        files = sorted(str(path.relative_to(self.media)) for path in self.media.rglob("*") if path.is_file())
        return Person.objects.count(), User.objects.count(), AuditEntry.objects.count(), files

    def assert_refused_and_unchanged(self, backup, words):
        before = self.state()
        with self.assertRaises(CommandError) as caught:
            call_command("restore", str(backup), "--force", stdout=StringIO())
        self.assertIn(words, str(caught.exception))
        self.assertNotIn("Traceback", str(caught.exception))
        self.assertEqual(self.state(), before)
        self.assertEqual(before[0], self.n_people_expected())

    def n_people_expected(self):
        return self.manifest["counts"]["network.person"] + 1

    def test_a_truncated_backup_changes_nothing(self):
        manifest = {key: value for key, value in self.manifest.items() if key != "data_sha256"}
        truncated = rewrite(self.backup, self.tmp / "t.zip", data=self.data[: len(self.data) // 2], manifest=manifest)
        self.assert_refused_and_unchanged(truncated, "truncated")
        with_checksum = rewrite(self.backup, self.tmp / "t2.zip", data=self.data[: len(self.data) // 2])
        self.assert_refused_and_unchanged(with_checksum, "checksum")

    def test_a_backup_with_a_broken_file_checksum_changes_nothing(self):
        broken = rewrite(self.backup, self.tmp / "c.zip", files={"media/circulars/nota.pdf": b"%PDF-1.7 changed"})
        self.assert_refused_and_unchanged(broken, "checksum")

    def test_a_backup_of_another_version_changes_nothing(self):
        newer = rewrite(self.backup, self.tmp / "v.zip", manifest={**self.manifest, "format": 99})
        self.assert_refused_and_unchanged(newer, "format 99")
        future = {**self.manifest, "migrations": [*self.manifest["migrations"], "meetings.9999_from_the_future"]}
        self.assert_refused_and_unchanged(rewrite(self.backup, self.tmp / "m.zip", manifest=future), "newer version")

    def test_records_that_do_not_match_the_manifest_change_nothing(self):
        rows = json.loads(self.data)
        rows = [row for row in rows if row["model"] != "network.person"][:-1] + [
            row for row in rows if row["model"] == "network.person"
        ]
        data = json.dumps(rows).encode()
        manifest = {**self.manifest, "data_sha256": hashlib.sha256(data).hexdigest()}
        self.assert_refused_and_unchanged(
            rewrite(self.backup, self.tmp / "r.zip", data=data, manifest=manifest), "does not hold the records"
        )

    def test_a_failure_midway_through_loading_changes_nothing(self):
        # A valid-looking backup whose last record breaks a constraint (a second account with an
        # e-mail already taken): it passes every check and fails inside the load.
        rows = json.loads(self.data)
        user = next(row for row in rows if row["model"] == "accounts.user")
        twin = json.loads(json.dumps(user))
        twin["pk"] = 999_999
        rows.append(twin)
        data = json.dumps(rows).encode()
        counts = {**self.manifest["counts"], "accounts.user": self.manifest["counts"]["accounts.user"] + 1}
        manifest = {**self.manifest, "counts": counts, "data_sha256": hashlib.sha256(data).hexdigest()}
        broken = rewrite(self.backup, self.tmp / "f.zip", data=data, manifest=manifest)
        self.assert_refused_and_unchanged(broken, "nothing was changed")

    def test_a_good_backup_replaces_the_data_and_files(self):
        call_command("restore", str(self.backup), "--force", stdout=StringIO())
        self.assertEqual(Person.objects.count(), self.manifest["counts"]["network.person"])
        self.assertFalse(Person.objects.filter(given_names="Después").exists())
        files = sorted(str(path.relative_to(self.media)) for path in self.media.rglob("*") if path.is_file())
        self.assertEqual(files, ["circulars/nota.pdf"])


class RestoreOnAFreshInstanceTest(TransactionTestCase):
    """`make setup` (migrate) on a new database, then `manage.py restore FILE`, as docs/operations.md says."""

    def fresh_database(self):
        """A new, empty database of the engine the suite runs on; return (DATABASE_URL, drop)."""
        if connection.vendor == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="enlace-fresh-")) / "fresh.sqlite3"
            return f"sqlite:///{path}", lambda: None
        name = f"enlace_fresh_{uuid.uuid4().hex[:8]}"
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

        return f"{base}/{name}", drop

    def manage(self, url, media, *args):
        env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "DJANGO_SETTINGS_MODULE": "config.settings"}
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    def test_setup_then_restore_gives_back_the_data(self):
        tmp = Path(tempfile.mkdtemp(prefix="enlace-fresh-backup-"))
        with override_settings(MEDIA_ROOT=tmp / "media"):
            build_network()
            backup = tmp / "backup.zip"
            call_command("backup", output=str(backup), stdout=StringIO())
        counts = row_counts()
        url, drop = self.fresh_database()
        self.addCleanup(drop)
        media = tmp / "fresh-media"
        setup = self.manage(url, media, "migrate", "--noinput", "-v", "0")
        self.assertEqual(setup.returncode, 0, setup.stderr)
        seeded = self.manage(
            url,
            media,
            "shell",
            "-c",
            SHOW_COUNTS,
        )
        left = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.assertEqual({label for label, count in left.items() if count}, SEEDED, "rows a fresh setup holds")
        restored = self.manage(url, media, "restore", str(backup))
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.assertIn("Restored", restored.stdout)
        check = self.manage(url, media, "shell", "-c", SHOW_COUNTS)
        self.assertEqual(json.loads(check.stdout.strip().splitlines()[-1]), counts)
        self.assertTrue(settings.MEDIA_ROOT)
