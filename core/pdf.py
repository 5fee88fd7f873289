"""Word documents as PDF, converted by LibreOffice headless, one at a time and time-bounded.

`docx_to_pdf(data)` returns the PDF's bytes or raises `PdfUnavailable` (LibreOffice missing, busy
for too long, or failing); views answer that with `unavailable_page` (503, in both languages).
Each conversion runs in a temporary folder of its own with its own LibreOffice profile, which is
removed afterwards; a lock file keeps conversions one at a time across the server's processes.
"""

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings

CANDIDATES = ("/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/lib/libreoffice/program/soffice")
TIMEOUT = getattr(settings, "PDF_TIMEOUT_SECONDS", 90)
WAIT = getattr(settings, "PDF_WAIT_SECONDS", 60)
MAX_BYTES = 30 * 1024 * 1024


class PdfUnavailable(Exception):
    """The PDF cannot be made here now; `reason` says why ("missing", "busy", "failed")."""

    def __init__(self, reason, detail=""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def executable():
    """The LibreOffice program, or None when it is not installed."""
    configured = getattr(settings, "LIBREOFFICE", "")
    if configured:
        return configured if os.path.exists(configured) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((path for path in CANDIDATES if os.path.exists(path)), None)


def available():
    return executable() is not None


class _OneAtATime:
    """An exclusive lock on a file: one conversion at a time on this machine, waiting at most `WAIT` seconds."""

    def __init__(self):
        self.path = Path(tempfile.gettempdir()) / "enlace-pdf.lock"
        self.handle = None

    def __enter__(self):
        self.handle = open(self.path, "a+")  # noqa: SIM115 - closed in __exit__
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.handle.close()
                    raise PdfUnavailable("busy") from None
                time.sleep(0.2)

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def docx_to_pdf(data, name="document.docx"):
    """Return the PDF of a DOCX (bytes), converted by LibreOffice headless."""
    binary = executable()
    if binary is None:
        raise PdfUnavailable("missing")
    with _OneAtATime(), tempfile.TemporaryDirectory(prefix="enlace-pdf-") as folder:
        folder = Path(folder)
        source = folder / name
        source.write_bytes(data)
        command = [
            binary,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        # A session of its own, so a conversion that runs too long is ended with all its children.
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own file
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=folder,
            env={**os.environ, "HOME": str(folder)},
            start_new_session=True,
        )
        try:
            _out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable("failed", "LibreOffice took too long") from None
        target = source.with_suffix(".pdf")
        if not target.exists() or target.stat().st_size > MAX_BYTES:
            raise PdfUnavailable("failed", err.decode(errors="replace")[-500:])
        return target.read_bytes()


def _docx_address(request):
    """The same document's DOCX address: `….pdf` → `….docx`, `format=pdf` → `format=docx`."""
    path, _sep, query = request.get_full_path().partition("?")
    if path.endswith(".pdf"):
        path = path[: -len(".pdf")] + ".docx"
    query = query.replace("format=pdf", "format=docx")
    return f"{path}?{query}" if query else path


def unavailable_page(request, problem, docx_url=None):
    """The 503 page: the PDF cannot be made, said in both languages, with the DOCX as the way out."""
    from django.shortcuts import render

    return render(
        request,
        "core/pdf_unavailable.html",
        {"reason": problem.reason, "docx_url": docx_url or _docx_address(request)},
        status=503,
    )
