"""Text of attached PDF and DOCX files, read once at upload time for search.

Bounded: at most MAX_PAGES pages or MAX_CHARS characters, and a time budget checked between
pages and paragraphs. A file that cannot be opened at all is refused (ValidationError naming
it); one whose text cannot be read keeps an empty text and a note saying why. Neither is ever
a server error. Files were checked by core.uploads first (real type, size, compression bombs).
"""

import io
import logging
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

log = logging.getLogger("enlace.practices")

MAX_CHARS = 300_000
MAX_PAGES = 500
TIME_BUDGET = 10.0  # seconds
EXTRACTABLE = {"pdf", "docx"}


@dataclass(frozen=True)
class Extracted:
    text: str
    note: str = ""


def _budget_spent(started):
    return time.monotonic() - started > TIME_BUDGET


def _pdf_text(data, started):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # noqa: BLE001 - any decryption failure means we cannot read it
            return Extracted("", _("The PDF is protected by a password; its text is not searched."))
    parts, size, note = [], 0, ""
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES:
            note = _("Only the first %(pages)s pages are searched.") % {"pages": MAX_PAGES}
            break
        if _budget_spent(started):
            note = _("The file took too long to read; only its first pages are searched.")
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= MAX_CHARS:
            note = _("Only the beginning of the file is searched.")
            break
    text = "\n".join(parts)[:MAX_CHARS]
    if not text.strip() and not note:
        note = _("No text was found in the PDF (a scanned document?); it is not searched.")
    return Extracted(text, note)


def _docx_text(data, started):
    import docx

    document = docx.Document(io.BytesIO(data))
    parts, size, note = [], 0, ""

    def add(text):
        nonlocal size
        parts.append(text)
        size += len(text)

    for paragraph in document.paragraphs:
        add(paragraph.text)
        if size >= MAX_CHARS or _budget_spent(started):
            note = _("Only the beginning of the file is searched.")
            break
    if not note:
        for table in document.tables:
            for row in table.rows:
                add(" ".join(cell.text for cell in row.cells))
            if size >= MAX_CHARS or _budget_spent(started):
                note = _("Only the beginning of the file is searched.")
                break
    return Extracted("\n".join(parts)[:MAX_CHARS], note)


def _open_or_refuse(data, kind, name):
    """Refuse a DOCX python-docx cannot open at all (core.uploads already opened a PDF with pypdf)."""
    if kind != "docx":
        return
    try:
        import docx

        docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - whatever the library raises, the file is damaged
        log.info("refused a damaged %s file: %s", kind, error)
        raise ValidationError(
            _("%(file)s: %(problem)s") % {"file": name, "problem": _("the file is damaged and cannot be opened.")},
            code="invalid_upload",
        ) from None


def extract_text(file, kind):
    """Return the searchable text of an uploaded file (already checked by core.uploads)."""
    if kind not in EXTRACTABLE:
        return Extracted("")
    started = time.monotonic()
    file.seek(0)
    data = file.read()
    file.seek(0)
    _open_or_refuse(data, kind, getattr(file, "name", ""))
    try:
        return _pdf_text(data, started) if kind == "pdf" else _docx_text(data, started)
    except Exception as error:  # noqa: BLE001 - a malformed file must never become a server error
        log.info("text extraction failed for a %s file: %s", kind, error)
        return Extracted("", _("The text of this file could not be read; it is not searched."))
