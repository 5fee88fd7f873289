"""The network's archive in one go: every report of a folder or a zip (or one report), one draft meeting each.

`read_archive(path)` yields the archive's reports as (name, bytes), or (name, None, message) for a
file it will not read (not a report's kind, a path that climbs out of the zip, too big); `import_archive`
parses each (core.uploads checks it first, as at every upload point), skips a report already in Enlace
(`duplicates.find_duplicate`: same body and day, or mostly the same agreements) and makes a draft of the
others. A file that cannot be read gets a clear message and nothing is written for it; the rest go on.
Running it again creates nothing: every report is then a duplicate of the draft it made.
"""

import os
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from core.uploads import DEFAULT_MAX_BYTES

from .duplicates import find_duplicate
from .importer import parse_file
from .importer.reading import ACCEPTED

ZIP_MAX_FILES = 2000
ZIP_MAX_TOTAL = 2 * 1024**3
ZIP_MAX_RATIO = 200


@dataclass
class ArchiveResult:
    """What became of one file of the archive: the dry run's line and JSON."""

    file: str
    body: str | None = None
    date: str | None = None
    agreements: int = 0
    items: int = 0
    commitments: int = 0
    warnings: int = 0
    duplicate_of: int | None = None
    meeting: int | None = None
    error: str = ""
    parsed: dict = field(default_factory=dict, repr=False)

    def line(self):
        if self.error:
            own_name = f"{os.path.basename(self.file)}:"  # the upload check names the file: name it once, in full
            message = self.error[len(own_name) :].strip() if self.error.startswith(own_name) else self.error
            return f"{self.file}: {message}"
        outcome = (
            f"duplicate of meeting {self.duplicate_of}"
            if self.duplicate_of
            else (f"draft meeting {self.meeting}" if self.meeting else "would be a draft")
        )
        return (
            f"{self.file}: {self.body or '?'} · {self.date or '?'} · {self.agreements} agreements · "
            f"{self.items} items · {self.commitments} commitments · {self.warnings} warnings · {outcome}"
        )

    def as_json(self):
        if self.error:
            return {"file": self.file, "error": self.error}
        return {"file": self.file, **self.parsed, "duplicate_of": self.duplicate_of}


def _kind(name):
    return os.path.splitext(name)[1].lower().lstrip(".")


def _unsafe(name):
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def read_archive(path):
    """Yield (name, data, refusal) for each file of a folder or a zip (or for one report), in name order."""
    if os.path.isfile(path) and _kind(path) != "zip":
        # One file: the upload check says what it is not, as at every other upload point.
        if os.path.getsize(path) > DEFAULT_MAX_BYTES:
            yield os.path.basename(path), None, _("larger than a report can be; left aside.")
        else:
            with open(path, "rb") as handle:
                yield os.path.basename(path), handle.read(), ""
        return
    if os.path.isdir(path):
        for root, _dirs, files in sorted(os.walk(path)):
            for name in sorted(files):
                full = os.path.join(root, name)
                relative = os.path.relpath(full, path)
                if _kind(name) not in ACCEPTED:
                    yield relative, None, _("not a report (text, Word or PDF); left aside.")
                elif os.path.getsize(full) > DEFAULT_MAX_BYTES:
                    yield relative, None, _("larger than a report can be; left aside.")
                else:
                    with open(full, "rb") as handle:
                        yield relative, handle.read(), ""
        return
    try:
        archive = zipfile.ZipFile(path)
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            _("%(path)s is neither a folder nor a zip file that can be opened.") % {"path": path}
        ) from None
    if len(entries) > ZIP_MAX_FILES or sum(entry.file_size for entry in entries) > ZIP_MAX_TOTAL:
        raise ValidationError(_("%(path)s holds more than an archive of reports can (a zip bomb?).") % {"path": path})
    for entry in sorted(entries, key=lambda entry: entry.filename):
        name = entry.filename
        if _unsafe(name):
            yield name, None, _("its path leaves the archive's folder; refused.")
        elif _kind(name) not in ACCEPTED:
            yield name, None, _("not a report (text, Word or PDF); left aside.")
        elif entry.file_size > DEFAULT_MAX_BYTES or (
            entry.compress_size and entry.file_size / entry.compress_size > ZIP_MAX_RATIO and entry.file_size > 10**6
        ):
            yield name, None, _("inflates far beyond its size (a compression bomb?); refused.")
        else:
            try:
                yield name, archive.read(entry), ""
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError):
                yield name, None, _("damaged in the zip; it cannot be read.")


def import_archive(path, *, acting_user=None, dry_run=False):
    """Read every report of `path`; unless `dry_run`, make a draft of each one not already in Enlace."""
    from network.models import Body

    from .services import import_report

    for name, data, refusal in read_archive(path):
        result = ArchiveResult(file=name)
        if data is None:
            result.error = refusal
            yield result
            continue
        try:
            parsed = parse_file(SimpleUploadedFile(os.path.basename(name), data))
        except ValidationError as error:
            result.error = " ".join(error.messages)
            yield result
            continue
        data = parsed.as_json()
        result.parsed = data
        result.body = parsed.body
        result.date = parsed.start_date.isoformat() if parsed.start_date else None
        result.agreements = len(parsed.agreements)
        result.items = sum(len(agreement.items) for agreement in parsed.agreements)
        result.commitments = len(parsed.commitments)
        result.warnings = len(parsed.warnings)
        body = Body.objects.filter(pk=parsed.body_pk).first() if parsed.body_pk else None
        duplicate = find_duplicate(parsed, body, parsed.start_date) if body and parsed.start_date else None
        result.duplicate_of = duplicate.pk if duplicate else None
        if not dry_run and duplicate is None:
            try:
                result.meeting = import_report(parsed, acting_user=acting_user, source_name=os.path.basename(name)).pk
            except ValidationError as error:
                result.error = " ".join(error.messages)
            except PermissionDenied:
                result.error = _("only the Technical Secretariat may import reports.")
        yield result
