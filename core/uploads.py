"""Upload checks every domain uses: size, real type from the content, Office files parsed safely.

`check_upload(file, kinds=..., max_bytes=...)` is the one place that decides whether an upload
is accepted: it raises a ValidationError naming the file and what is wrong, or returns the
file's kind, a safe name and its size. Upload points only declare their kinds and size limit —
a form with `SafeFileField(kinds=..., max_bytes=...)`, a service or an import with
`check_upload(file, kinds=..., max_bytes=...)` — and the same file gets the same answer at
every one of them.

What is refused, whatever the name says: an empty or oversized file, a kind not declared
there, a program; a PDF that pypdf cannot open; an Office or OpenDocument file that is not a
sound zip (unsafe paths, duplicate or encrypted parts, too many parts, a compression bomb) or
one whose XML declares a DTD, entities or external references (XXE, "billion laughs"): every
XML part is read with defusedxml's hardened expat parser, which refuses them before anything
is expanded or fetched; an image whose signature is not its kind's; text that is not UTF-8.

Readers that go further (the report importer, the plan's sheet import, the text of practice
files for search) may still refuse a safe file they cannot understand, with their own message.
"""

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = {"pdf"}
OOXML = {"docx", "xlsx", "pptx"}
ODF = {"odt", "ods", "odp"}
TEXT = {"txt", "csv", "md"}
IMAGES = {"png", "jpg", "jpeg", "gif", "webp"}

ARCHIVES = {"zip"}  # a batch of documents (the archive import): checked as a zip, its files one by one later

KNOWN_KINDS = frozenset(PDF | OOXML | ODF | TEXT | IMAGES | ARCHIVES)
DOCUMENT_KINDS = frozenset(PDF | OOXML | ODF | TEXT | IMAGES)
DEFAULT_MAX_BYTES = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# Limits for zip-based formats (DOCX, XLSX, ODT…): generous for real documents, fatal to bombs.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
XML_CHUNK = 64 * 1024

# Signatures of things that must never be accepted, whatever their name says.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"#!", b"\xca\xfe\xba\xbe")
IMAGE_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}
XML_NAMES = (".xml", ".rels", ".vml", ".rdf")
XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
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


def declared_kinds(kinds):
    """Return the kinds an upload point declares as a frozenset; an unknown kind is a programming error."""
    kinds = frozenset(kind.lower() for kind in kinds)
    unknown = kinds - KNOWN_KINDS
    if not kinds or unknown:
        raise ValueError(f"core.uploads knows no kind {sorted(unknown)}: declare some of {sorted(KNOWN_KINDS)}.")
    return kinds


def _head(file, size=8):
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _reject(name, message):
    raise ValidationError(_("%(file)s: %(problem)s") % {"file": name, "problem": message}, code="invalid_upload")


def _not_valid(name, kind):
    _reject(name, _("this is not a valid %(kind)s file.") % {"kind": kind.upper()})


def _unsafe_path(path):
    parts = path.replace("\\", "/").split("/")
    return path.startswith(("/", "\\")) or "\\" in path or ".." in parts or ":" in parts[0]


class _XmlChecker(DefusedExpatParser):
    """defusedxml's expat reader (no DTD, no entities, no external references), without element callbacks.

    Only well-formedness and the refusals matter here: dropping the per-element Python callbacks
    after defusedxml sets its guards keeps the check at expat's own speed (tens of MB a second).
    """

    def __init__(self):
        super().__init__(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.setContentHandler(ContentHandler())

    def reset(self):
        super().reset()
        for handler in ("StartElementHandler", "EndElementHandler", "CharacterDataHandler"):
            setattr(self._parser, handler, None)


def _check_xml_part(archive, entry, name):
    checker = _XmlChecker()
    try:
        with archive.open(entry) as part:
            while chunk := part.read(XML_CHUNK):
                checker.feed(chunk)
        checker.close()
    except DefusedXmlException:
        _reject(
            name,
            _(
                "its part %(part)s declares a DTD, entities or external references (a way to read the server's "
                "files or to expand without end: XXE, “billion laughs”), which office documents never do."
            )
            % {"part": entry.filename[:100]},
        )
    except SAXException:
        _reject(
            name, _("its part %(part)s is not well-formed XML; it cannot be read.") % {"part": entry.filename[:100]}
        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        _reject(name, _("the file is damaged and cannot be opened."))


def _looks_like_xml(archive, entry):
    if entry.filename.lower().endswith(XML_NAMES):
        return True
    with archive.open(entry) as part:
        return part.read(64).lstrip().startswith(XML_STARTS)


def _check_zip(file, name, kind):
    try:
        archive = zipfile.ZipFile(file)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        _not_valid(name, kind)
    if len(entries) > ZIP_MAX_ENTRIES:
        _reject(name, _("the document holds too many parts."))
    total = 0
    for entry in entries:
        if _unsafe_path(entry.filename):
            _reject(name, _("the document holds a part with an unsafe path."))
        total += entry.file_size
        if (
            entry.compress_size
            and entry.file_size / entry.compress_size > ZIP_MAX_RATIO
            and entry.file_size > 1_000_000
        ) or total > ZIP_MAX_TOTAL_BYTES:
            _reject(name, _("the document inflates far beyond its size (a compression bomb)."))
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        _reject(name, _("the document holds two parts with the same name."))
    if any(entry.flag_bits & 0x1 for entry in entries):  # office files are never zip-encrypted
        _not_valid(name, kind)
    if kind in OOXML and "[Content_Types].xml" not in names:
        _not_valid(name, kind)
    if kind in ODF:
        try:
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
            mimetype = b""
        if mimetype != ODF_MIMETYPES[kind]:
            _not_valid(name, kind)
    for entry in entries:
        if entry.is_dir():
            continue
        try:
            is_xml = _looks_like_xml(archive, entry)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            _reject(name, _("the file is damaged and cannot be opened."))
        if is_xml:
            _check_xml_part(archive, entry, name)
    file.seek(0)


def _check_pdf(file, name):
    if not _head(file, 1024).lstrip().startswith(b"%PDF-"):
        _not_valid(name, "pdf")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(_head(file, -1)))
        if not reader.is_encrypted:  # a password-protected PDF is kept; its pages are not read
            len(reader.pages)
    except Exception:  # noqa: BLE001 - whatever pypdf raises, the file cannot be opened as a PDF
        _reject(name, _("the file is damaged and cannot be opened."))


def _check_text(file, name):
    sample = _head(file, 64 * 1024)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sample's end is fine; anything else is not text.
        if error.start < len(sample) - 4:
            _reject(name, _("this is not a text file in UTF-8."))
    if b"\x00" in sample:
        _reject(name, _("this is not a text file in UTF-8."))


def _check_content(file, name, kind):
    head = _head(file, 12)
    if head.startswith(EXECUTABLE_MAGIC):
        _reject(name, _("this is a program, not a %(kind)s document.") % {"kind": kind.upper()})
    if kind in PDF:
        _check_pdf(file, name)
    elif kind in OOXML or kind in ODF or kind in ARCHIVES:
        _check_zip(file, name, kind)
    elif kind in IMAGES:
        if not head.startswith(IMAGE_MAGIC[kind]) or (kind == "webp" and head[8:12] != b"WEBP"):
            _not_valid(name, kind)
    elif kind in TEXT:
        _check_text(file, name)


def check_upload(file, kinds=DOCUMENT_KINDS, max_bytes=DEFAULT_MAX_BYTES):
    """Check an uploaded file; return CheckedUpload or raise ValidationError naming the problem."""
    kinds = declared_kinds(kinds)
    name = os.path.basename(str(getattr(file, "name", "") or "")) or _("the file")
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
    # A form field and then its service check the same upload: its content is read once.
    if getattr(file, "_enlace_checked_content", None) != (kind, size):
        _check_content(file, name, kind)
        file._enlace_checked_content = (kind, size)
    file.seek(0)
    return CheckedUpload(kind=kind, name=safe_name(name, kind), size=size)


class SafeFileField(forms.FileField):
    """A form file field that runs check_upload and gives the file its safe name."""

    default_error_messages = {"invalid_upload": gettext_lazy("The file was refused.")}

    def __init__(self, *args, kinds=DOCUMENT_KINDS, max_bytes=DEFAULT_MAX_BYTES, **kwargs):
        self.kinds = declared_kinds(kinds)
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{kind}" for kind in sorted(self.kinds)))

    def to_python(self, data):
        if data and getattr(data, "size", None) == 0:
            check_upload(data, self.kinds, self.max_bytes)  # the message every point gives, naming the file
        return super().to_python(data)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and hasattr(file, "read") and file is not initial:
            checked = check_upload(file, self.kinds, self.max_bytes)
            file.name = checked.name
        return file
