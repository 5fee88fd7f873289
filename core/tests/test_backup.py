"""Backup → wipe → restore gives back identical data and files (runs on each database in CI)."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TransactionTestCase, override_settings

from core.backup import database_is_empty, dump_data, row_counts
from core.testing import build_network
from network import services
from practices import services as practice_services


class BackupRestoreTest(TransactionTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="enlace-backup-test-"))
        self.media = self.tmp / "media"
        self.enterContext(override_settings(MEDIA_ROOT=self.media))

    def test_a_restore_into_an_empty_instance_gives_back_every_record_and_file(self):
        n = build_network()
        services.update_person(n.gt_person, acting_user=n.gt_officer, email="carlos@example.org")
        # Many-to-many links of audited records (a practice's countries): loaded without new audit entries.
        practice_services.create_practice(
            acting_user=n.gt_officer,
            title_es="Acompañamiento",
            summary_es="Resumen.",
            description_es="Descripción.",
            countries=[n.countries["GT"], n.countries["HN"]],
        )
        (self.media / "practices" / "2026").mkdir(parents=True)
        (self.media / "practices" / "2026" / "guía.pdf").write_bytes("%PDF-1.7 niñez".encode() * 1000)
        (self.media / "circulars").mkdir()
        (self.media / "circulars" / "nota.docx").write_bytes(b"PK\x03\x04 docx")
        before_data, before_counts = dump_data(), row_counts()
        backup = self.tmp / "backup.zip"
        call_command("backup", output=str(backup), stdout=StringIO())

        # Wipe: an empty database and no files.
        call_command("flush", interactive=False, verbosity=0)
        for path in sorted(self.media.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        self.assertTrue(database_is_empty())

        out = StringIO()
        call_command("restore", str(backup), stdout=out)
        self.assertIn("Restored", out.getvalue())
        self.assertEqual(row_counts(), before_counts)
        self.assertEqual(dump_data(), before_data)
        self.assertEqual(
            (self.media / "practices" / "2026" / "guía.pdf").read_bytes(), "%PDF-1.7 niñez".encode() * 1000
        )
        self.assertTrue((self.media / "circulars" / "nota.docx").exists())

    def test_restore_refuses_a_non_empty_instance_and_a_non_backup(self):
        build_network()
        backup = self.tmp / "backup.zip"
        call_command("backup", output=str(backup), stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "not empty"):
            call_command("restore", str(backup), stdout=StringIO())
        junk = self.tmp / "junk.zip"
        junk.write_bytes(b"not a zip")
        with self.assertRaisesMessage(CommandError, "not a readable zip"):
            call_command("restore", str(junk), stdout=StringIO())

    def test_a_manifest_naming_files_outside_the_storage_is_refused_before_anything_is_touched(self):
        import json
        import zipfile

        build_network()
        backup = self.tmp / "backup.zip"
        call_command("backup", output=str(backup), stdout=StringIO())
        for unsafe in ("/etc/passwd", "practices/../../x", "a\\b", "practices//x"):
            with self.subTest(name=unsafe):
                forged = self.tmp / "forged.zip"
                with zipfile.ZipFile(backup) as source, zipfile.ZipFile(forged, "w") as target:
                    for item in source.namelist():
                        data = source.read(item)
                        if item == "manifest.json":
                            manifest = json.loads(data)
                            manifest["files"][unsafe] = "0" * 64
                            data = json.dumps(manifest).encode()
                        target.writestr(item, data)
                with self.assertRaisesMessage(CommandError, "Unsafe"):
                    call_command("restore", str(forged), "--force", stdout=StringIO())

    def test_a_backup_leaves_out_prepared_exports_and_their_files(self):
        import json
        import zipfile

        from django.core.files.base import ContentFile

        from core.models import PreparedExport

        build_network()
        row = PreparedExport(key="k", family="f", kind="directory.csv", lang="en", version=1)
        row.file.save("big.csv", ContentFile(b"a,b\r\n" * 100), save=True)
        (self.media / "circulars").mkdir()
        (self.media / "circulars" / "nota.docx").write_bytes(b"PK\x03\x04 docx")
        backup = self.tmp / "backup.zip"
        call_command("backup", output=str(backup), stdout=StringIO())
        with zipfile.ZipFile(backup) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            data = archive.read("data.json").decode()
        self.assertEqual(list(manifest["files"]), ["circulars/nota.docx"])
        self.assertNotIn("core.preparedexport", data)


def test_backups_keep_date_times_to_the_microsecond():
    import datetime
    import json

    from django.core import serializers

    from core.models import AuditEntry

    entry = AuditEntry(at=datetime.datetime(2026, 11, 29, 20, 45, 16, 400, tzinfo=datetime.UTC))
    text = serializers.serialize("exactjson", [entry], fields=["at"])
    assert json.loads(text)[0]["fields"]["at"] == "2026-11-29T20:45:16.000400Z"
    restored = next(serializers.deserialize("exactjson", text)).object
    assert restored.at == entry.at
