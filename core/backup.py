"""Backups of the whole instance: the database and the uploaded files, together, in one zip.

The database is dumped with Django's serializers (natural keys for content types), so a
backup restores into SQLite or PostgreSQL alike. `manifest.json` records the applied
migrations, the row count of every model and the SHA-256 of every file; restore checks them.
Files are read and written through Django's storage API (`default_storage`): the same backup
holds every file whether they live on disk or in an S3 bucket.
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
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from .audit import loading_saved_rows

FORMAT = 1
# Derived or transient: rebuilt by Django (content types, permissions) or worthless after a restore
# (prepared exports: files made from the records, built again when asked; their files are left out too).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes.accessattempt",
    "axes.accesslog",
    "core.preparedexport",
]
DERIVED_FILES = ("exports/",)


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


CHUNK = 1024 * 1024


def stored_files(storage=None, folder=""):
    """Every file name in the storage (disk or bucket), sorted."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a disk storage whose folder does not exist yet: no files
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names.extend(stored_files(storage, f"{folder}/{sub}" if folder else sub))
    return sorted(names)


def stored_sha256(name, storage=None):
    """The SHA-256 of a stored file, read in chunks."""
    digest = hashlib.sha256()
    with (storage or default_storage).open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
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


def _copy_into(archive, name):
    """Copy a stored file into the zip under media/; return its SHA-256."""
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as source, archive.open(f"media/{name}", "w") as target:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def create_backup(output):
    """Write a backup zip to `output` (a path); return its manifest."""
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connections[DEFAULT_DB_ALIAS].vendor,
        "migrations": sorted(f"{app}.{name}" for app, name in recorder.applied_migrations()),
        "counts": row_counts(),
    }
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(output.suffix + ".partial")
    data = dump_data().encode()
    manifest["data_sha256"] = hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        kept = (name for name in stored_files() if not name.startswith(DERIVED_FILES))
        manifest["files"] = {name: _copy_into(archive, name) for name in kept}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    os.replace(partial, output)  # a backup file is either complete or absent
    return manifest


def read_manifest(archive):
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("This file is not an Enlace backup (no readable manifest.json).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(
            f"This backup has format {found!r}; this version of Enlace reads format {FORMAT}. "
            "Restore it with the Enlace version that made it."
        )
    for key, kind in (("migrations", list), ("counts", dict), ("files", dict)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"The backup's manifest.json has no valid {key!r}: the file is damaged.")
    return manifest


# Rows that migrations create (the default site, the practices' themes and axes, the map's
# taxonomies and places): a freshly set-up instance holds them and is still "empty"; a
# restore replaces them by the backup's own. core/tests/test_backup.py checks this list
# against what `migrate` leaves in a new database.
SEEDED = {
    "sites.site",
    "practices.theme",
    "practices.axis",
    "directory.taxonomy",
    "directory.taxonomyterm",
    "directory.place",
}


def database_is_empty():
    """True when the database holds nothing but what migrations seed."""
    return not any(count for label, count in row_counts().items() if label not in SEEDED)


def _check_paths(archive):
    for name in archive.namelist():
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise BackupError(f"Unsafe path in the backup: {name}")


def _check_migrations(manifest):
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of Enlace (migrations unknown here: "
            f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}). Update Enlace first."
        )


def _digest_member(archive, name):
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_name(name):
    """A stored file's name as Django's storages write it: relative, forward slashes, no `.` or `..`."""
    parts = name.split("/") if isinstance(name, str) else [""]
    return bool(name) and not name.startswith("/") and "\\" not in name and all(p not in ("", ".", "..") for p in parts)


def _check_files(archive, manifest):
    names = set(archive.namelist())
    unsafe = sorted(str(name) for name in manifest["files"] if not _safe_name(name))
    if unsafe:
        raise BackupError(f"Unsafe file name in the backup's manifest: {unsafe[0]}")
    for name, digest in manifest["files"].items():
        member = f"media/{name}"
        if member not in names:
            raise BackupError(f"The file {name} listed in the manifest is missing from the backup.")
        try:
            actual = _digest_member(archive, member)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise BackupError(f"The file {name} cannot be read from the backup: {error}.") from error
        if actual != digest:
            raise BackupError(f"The file {name} does not match its checksum: the backup is damaged.")


def _check_data(archive, manifest):
    """Read data.json whole and check it against the manifest; return its text."""
    try:
        raw = archive.read("data.json")
    except KeyError as error:
        raise BackupError("The backup holds no data.json: it is damaged.") from error
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"data.json cannot be read from the backup: {error}.") from error
    expected = manifest.get("data_sha256")
    if expected and hashlib.sha256(raw).hexdigest() != expected:
        raise BackupError("data.json does not match its checksum: the backup is damaged.")
    try:
        rows = json.loads(raw)
    except ValueError as error:
        raise BackupError(f"data.json is not complete JSON ({error}): the backup is damaged or truncated.") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) and "model" in row for row in rows):
        raise BackupError("data.json is not a list of records: the backup is damaged.")
    counts = {}
    for row in rows:
        label = str(row["model"]).lower()
        try:
            apps.get_model(label)
        except (LookupError, ValueError):
            raise BackupError(f"data.json holds records of an unknown kind: {row['model']}.") from None
        counts[label] = counts.get(label, 0) + 1
    wrong = sorted(
        label
        for label in set(counts) | set(manifest["counts"])
        if counts.get(label, 0) != manifest["counts"].get(label, 0)
    )
    if wrong:
        first = wrong[0]
        raise BackupError(
            f"data.json does not hold the records the manifest lists ({first}: "
            f"{counts.get(first, 0)} instead of {manifest['counts'].get(first, 0)}): the backup is damaged."
        )
    return raw


def validate_backup(path):
    """Check the whole backup before anything is touched; return (manifest, data.json bytes)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{path}: not a readable zip file.") from error
    with archive:
        _check_paths(archive)
        manifest = read_manifest(archive)
        _check_migrations(manifest)
        _check_files(archive, manifest)
        data = _check_data(archive, manifest)
    return manifest, data


class _FilesRestore:
    """Put a backup's files in the storage, undoably: what was replaced is kept until the data is in.

    `put` writes every file of the backup under its own name (a file already there with the same
    bytes is left alone; one with other bytes is set aside in a local folder first). `undo` puts
    the storage back as it was; `finish` removes the files the restored data does not know.
    """

    def __init__(self, archive, manifest, workdir):
        self.archive = archive
        self.manifest = manifest
        self.workdir = Path(workdir)
        self.before = set(stored_files())
        self.added = []
        self.replaced = {}

    def put(self):
        for index, (name, digest) in enumerate(sorted(self.manifest["files"].items())):
            if name in self.before:
                if stored_sha256(name) == digest:
                    continue
                kept = self.workdir / f"replaced-{index}"
                with default_storage.open(name, "rb") as source, open(kept, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                self.replaced[name] = kept
                default_storage.delete(name)
            else:
                self.added.append(name)
            self._write(name, self.archive.open(f"media/{name}"))

    @staticmethod
    def _write(name, handle):
        with handle:
            saved = default_storage.save(name, handle)
        if saved != name:  # the storage chose another name: the restored rows would not find it
            default_storage.delete(saved)
            raise BackupError(f"The storage would not keep the file {name} under its own name.")

    def undo(self):
        """Put the storage back, file by file; return the names that could not be put back."""
        failed = []
        for name in self.added:
            try:
                default_storage.delete(name)
            except Exception:  # noqa: BLE001 - each file on its own: the others are still put back
                failed.append(name)
        for name, kept in self.replaced.items():
            try:
                if default_storage.exists(name):
                    default_storage.delete(name)
                self._write(name, open(kept, "rb"))  # noqa: SIM115 - closed by _write
            except Exception:  # noqa: BLE001 - the copy set aside is kept (see restore_backup)
                failed.append(name)
        return failed

    def finish(self):
        for name in sorted(self.before - set(self.manifest["files"])):
            default_storage.delete(name)


def restore_backup(path, *, force=False):
    """Restore a backup into this instance; return the manifest.

    Everything is checked first (manifest, format, migrations, every checksum, the data as JSON,
    its kinds and counts); then the backup's files are put in the storage (a file they replace set
    aside), and the database is replaced in one transaction — a failure anywhere puts the storage
    back and leaves the database as it was; once the data is committed, the files it does not
    know are removed.
    A freshly set-up instance (only the rows migrations seed) counts as empty; one with data
    needs `force`.
    """
    manifest, data = validate_backup(path)
    call_command("migrate", verbosity=0, interactive=False)
    if not database_is_empty() and not force:
        raise BackupError("The database is not empty: restore into an empty instance, or use --force to replace it.")
    with tempfile.TemporaryDirectory() as workdir, zipfile.ZipFile(path) as archive:
        files = _FilesRestore(archive, manifest, workdir)
        try:
            files.put()
            _load(data, manifest)
        except BaseException as error:
            failed = files.undo()
            if failed:
                # The files set aside are copied where they outlive this restore, with their names.
                aside = Path(tempfile.mkdtemp(prefix="enlace-restore-aside-"))
                shutil.copytree(workdir, aside, dirs_exist_ok=True)
                (aside / "names.json").write_text(
                    json.dumps({name: Path(kept).name for name, kept in files.replaced.items()}, indent=2)
                )
                raise BackupError(
                    f"The restore failed ({error}) and {len(failed)} file(s) could not be put back in the "
                    f"storage (first: {failed[0]}); the originals set aside are in {aside} (names.json maps them)."
                ) from error
            raise
        files.finish()  # the data is committed: the files it does not know go
    return manifest


def _load(data, manifest):
    """Replace the database's rows by the backup's in one transaction."""
    with transaction.atomic():
        call_command("flush", verbosity=0, interactive=False)
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "data.exactjson"  # read by the JSON loader (core/exactjson.py)
            fixture.write_bytes(data)
            try:
                with loading_saved_rows():  # the rows bring their own audit trail
                    call_command("loaddata", str(fixture), verbosity=0)
            except Exception as error:  # noqa: BLE001 - any failure: roll back, say why
                raise BackupError(f"The data could not be loaded, nothing was changed: {error}") from error
        counts = row_counts()
        mismatched = {
            label: (n, counts.get(label)) for label, n in manifest["counts"].items() if counts.get(label) != n
        }
        if mismatched:
            raise BackupError(f"Row counts differ after loading, nothing was changed: {mismatched}")
