"""Backups of the whole instance: the database and the uploaded files, together, in one zip.

The database is dumped with Django's serializers (natural keys for content types), so a
backup restores into SQLite or PostgreSQL alike. `manifest.json` records the applied
migrations, the row count of every model and the SHA-256 of every file; restore checks them.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
# Derived or transient: rebuilt by Django (content types, permissions) or worthless after a restore.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes.accessattempt", "axes.accesslog"]


class BackupError(Exception):
    """A backup cannot be read or restored; the message says why."""


def _models():
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded_apps or label in excluded_models:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model


def row_counts():
    return {model._meta.label_lower: model._base_manager.count() for model in _models()}


def _media_files(root):
    root = Path(root)
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dump_data():
    """Return the database content as Django's JSON fixture text."""
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        format="exactjson",  # date-times to the microsecond (core/exactjson.py)
        exclude=EXCLUDED,
        natural_foreign=True,
        indent=None,
        stdout=buffer,
        verbosity=0,
    )
    return buffer.getvalue()


def create_backup(output):
    """Write a backup zip to `output` (a path); return its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    files = _media_files(media_root)
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connections[DEFAULT_DB_ALIAS].vendor,
        "migrations": sorted(f"{app}.{name}" for app, name in recorder.applied_migrations()),
        "counts": row_counts(),
        "files": {str(path.relative_to(media_root)): _sha256(path) for path in files},
    }
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(output.suffix + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", dump_data())
        for path in files:
            archive.write(path, f"media/{path.relative_to(media_root)}")
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    os.replace(partial, output)  # a backup file is either complete or absent
    return manifest


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("This file is not an Enlace backup (no readable manifest.json).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unsupported backup format {manifest.get('format')!r}.")
    return manifest


# Rows Django creates by itself after migrating (the default site); they do not make an
# instance "non-empty", and the backup's own rows replace them.
AUTO_CREATED = {"sites.site"}


def database_is_empty():
    return not any(count for label, count in row_counts().items() if label not in AUTO_CREATED)


def restore_backup(path, *, force=False):
    """Restore a backup into this instance; return the manifest. Refuses a non-empty database unless forced."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{path}: not a readable zip file.") from error
    with archive:
        manifest = read_manifest(archive)
        for name in archive.namelist():
            if name.startswith("/") or ".." in name.split("/"):
                raise BackupError(f"Unsafe path in the backup: {name}")
        call_command("migrate", verbosity=0, interactive=False)
        if not database_is_empty():
            if not force:
                raise BackupError(
                    "The database is not empty: restore into an empty instance, or use --force to replace it."
                )
            call_command("flush", verbosity=0, interactive=False)
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "data.exactjson"  # read by the JSON loader (core/exactjson.py)
            fixture.write_bytes(archive.read("data.json"))
            call_command("loaddata", str(fixture), verbosity=0)
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists() and force:
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        for name, digest in manifest["files"].items():
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(f"media/{name}") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            if _sha256(target) != digest:
                raise BackupError(f"File {name} does not match its checksum in the backup.")
    counts = row_counts()
    mismatched = {label: (n, counts.get(label)) for label, n in manifest["counts"].items() if counts.get(label) != n}
    if mismatched:
        raise BackupError(f"Row counts differ after the restore: {mismatched}")
    return manifest
