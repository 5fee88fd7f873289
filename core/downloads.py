"""Stored files sent to the reader: one response for every download (attachments, evidence, documents).

The view decides first whether the reader may have the file (core.access, or the record's own
visibility rule); `stored_file_response` then sends it as an attachment under its clean name,
with a content type from its kind (never guessed from its content), and answers 404 when the
file is missing from storage instead of failing (a store that fails or hangs: 503, core/storage.py).
"""

import mimetypes
import os

from django.http import FileResponse, Http404

from .storage import STORAGE_DOWN


def stored_file_response(stored, name=None, kind=None):
    """Send `stored` (a FieldFile, or a path in default storage as an opened file) as an attachment."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb") if hasattr(stored, "open") else stored
    except STORAGE_DOWN:
        raise  # the store fails or hangs (some of botocore's errors are OSErrors): 503, not 404
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = name or os.path.basename(getattr(stored, "name", "") or "") or "file"
    content_type = mimetypes.guess_type(f"x.{kind}" if kind else name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
