"""Upload checks every domain uses: size, real type from the content, Office zip bombs.

`check_upload(file, kinds=...)` raises a ValidationError naming the file and what is wrong,
or returns the file's kind and a safe name. `SafeFileField` does it in a form.
An executable renamed `.pdf`, a DOCX that is not a zip, or a zip that inflates a thousandfold
never reaches storage.
"""

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OOXML = {"docx", "xlsx", "pptx"}
ODF = {"odt", "ods", "odp"}
TEXT = {"txt", "csv", "md"}
IMAGES = {"png", "jpg", "jpeg", "gif", "webp"}

DOCUMENT_KINDS = frozenset({"pdf"} | OOXML | ODF | TEXT | IMAGES)
DEFAULT_MAX_BYTES = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# Limits for zip-based formats (DOCX, XLSX, ODT…): generous for real documents, fatal to bombs.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200

# Signatures of things that must never be accepted, whatever their name says.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"#!", b"\xca\xfe\xba\xbe")
IMAGE_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    name: str
    size: int


def safe_name(name, kind):
    """Return a plain ASCII file name that keeps the original's stem, with the checked extension."""
    stem = os.path.splitext(os.path.basename(name or ""))[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80] or "file"
    return f"{stem}.{kind}"


def _head(file, size=8):
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _reject(name, message):
    raise ValidationError(_("%(file)s: %(problem)s") % {"file": name, "problem": message}, code="invalid_upload")


def _check_zip(file, name, kind):
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        _reject(name, _("this is not a valid %(kind)s file.") % {"kind": kind.upper()})
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        _reject(name, _("the document holds too many parts."))
    total = 0
    for entry in entries:
        if entry.filename.startswith("/") or ".." in entry.filename.split("/"):
            _reject(name, _("the document holds a part with an unsafe path."))
        total += entry.file_size
        if (
            entry.compress_size
            and entry.file_size / entry.compress_size > ZIP_MAX_RATIO
            and entry.file_size > 1_000_000
        ):
            _reject(name, _("the document inflates far beyond its size (a compression bomb)."))
    if total > ZIP_MAX_TOTAL_BYTES:
        _reject(name, _("the document inflates far beyond its size (a compression bomb)."))
    names = {entry.filename for entry in entries}
    if kind in OOXML and "[Content_Types].xml" not in names:
        _reject(name, _("this is not a valid %(kind)s file.") % {"kind": kind.upper()})
    if kind in ODF and "mimetype" not in names:
        _reject(name, _("this is not a valid %(kind)s file.") % {"kind": kind.upper()})
    file.seek(0)


def check_upload(file, kinds=DOCUMENT_KINDS, max_bytes=DEFAULT_MAX_BYTES):
    """Check an uploaded file; return CheckedUpload or raise ValidationError naming the problem."""
    name = os.path.basename(getattr(file, "name", "") or _("the file"))
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
    if size == 0:
        _reject(name, _("the file is empty."))
    if size > max_bytes:
        _reject(name, _("the file is larger than %(max)s.") % {"max": filesizeformat(max_bytes)})
    kind = os.path.splitext(name)[1].lower().lstrip(".")
    if kind not in kinds:
        allowed = ", ".join(sorted(k.upper() for k in kinds))
        _reject(name, _("this type of file is not accepted here (accepted: %(kinds)s).") % {"kinds": allowed})
    head = _head(file, 8)
    if head.startswith(EXECUTABLE_MAGIC):
        _reject(name, _("this is a program, not a %(kind)s document.") % {"kind": kind.upper()})
    if kind == "pdf":
        if not _head(file, 1024).lstrip().startswith(b"%PDF-"):
            _reject(name, _("this is not a valid %(kind)s file.") % {"kind": "PDF"})
    elif kind in OOXML or kind in ODF:
        _check_zip(file, name, kind)
    elif kind in IMAGES:
        if not head.startswith(IMAGE_MAGIC[kind]):
            _reject(name, _("this is not a valid %(kind)s file.") % {"kind": kind.upper()})
    elif kind in TEXT:
        sample = _head(file, 64 * 1024)
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the sample's end is fine; anything else is not text.
            if error.start < len(sample) - 4:
                _reject(name, _("this is not a text file in UTF-8."))
        if b"\x00" in sample:
            _reject(name, _("this is not a text file in UTF-8."))
    return CheckedUpload(kind=kind, name=safe_name(name, kind), size=size)


class SafeFileField(forms.FileField):
    """A form file field that runs check_upload and gives the file its safe name."""

    default_error_messages = {"invalid_upload": gettext_lazy("The file was refused.")}

    def __init__(self, *args, kinds=DOCUMENT_KINDS, max_bytes=DEFAULT_MAX_BYTES, **kwargs):
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{kind}" for kind in sorted(self.kinds)))

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and hasattr(file, "read") and file is not initial:
            checked = check_upload(file, self.kinds, self.max_bytes)
            file.name = checked.name
        return file
