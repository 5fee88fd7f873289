"""Run headless LibreOffice on a generated document (tests only), with a private profile.

`convert(docx_bytes)` is what `libreoffice --headless --convert-to pdf` gives; `update_and_convert`
first asks LibreOffice to update the document's indexes (its table of contents) through a small
Basic macro, as a reader pressing Tools ▸ Update ▸ Update All would.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("/usr/bin/libreoffice", "/usr/bin/soffice")
TIMEOUT = 180

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub UpdateAndExport(inUrl As String, outUrl As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, args())
  indexes = doc.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next
  Dim filter(0) As New com.sun.star.beans.PropertyValue
  filter(0).Name = &quot;FilterName&quot;
  filter(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(outUrl, filter())
  doc.close(True)
End Sub
</script:module>
"""


def executable():
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found:
        return found
    return next((path for path in CANDIDATES if os.path.exists(path)), None)


class LibreOffice:
    def __init__(self):
        self.binary = executable()
        self.folder = Path(tempfile.mkdtemp(prefix="enlace-lo-"))
        self.profile = (self.folder / "profile").as_uri()

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, *args):
        command = [self.binary, "--headless", "--norestore", f"-env:UserInstallation={self.profile}", *args]
        return subprocess.run(command, capture_output=True, timeout=TIMEOUT, cwd=self.folder, check=False)  # noqa: S603

    def convert(self, data, name="document.docx"):
        """Return the PDF bytes of `data` converted by `--convert-to pdf`."""
        source = self.folder / name
        source.write_bytes(data)
        result = self._run("--convert-to", "pdf", "--outdir", str(self.folder), str(source))
        target = source.with_suffix(".pdf")
        if not target.exists():
            raise AssertionError(f"LibreOffice did not convert the document: {result.stderr.decode()[-500:]}")
        return target.read_bytes()

    def update_and_convert(self, data, name="updated.docx"):
        """Return the PDF bytes after LibreOffice updated the document's indexes (its TOC)."""
        basic = self.folder / "profile" / "user" / "basic" / "Standard"
        if not (basic / "script.xlb").exists():
            self._run("--terminate_after_init")
        (basic / "Module1.xba").write_text(MACRO, encoding="utf-8")
        source = self.folder / name
        source.write_bytes(data)
        target = source.with_suffix(".pdf")
        macro = f'macro:///Standard.Module1.UpdateAndExport("{source.as_uri()}","{target.as_uri()}")'
        result = self._run(macro)
        if not target.exists():
            raise AssertionError(f"LibreOffice did not update and export: {result.stderr.decode()[-500:]}")
        return target.read_bytes()


def pdf_pages(data):
    """Return the text of each page of a PDF."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
