"""Make report files of other layouts from a text report, as other offices produce them (tests only).

- `pdf_with_pages(text, header=...)`: a PDF whose text layer is wrapped at its own width, spread over
  pages that each carry a running header and a page number, as a printed report has;
- `word_with_header_and_table(text)`: a DOCX with a running header and its agreements in a two-column
  table (number | text), as some secretariats lay conclusions out.
"""

import io
import textwrap

from meetings.importer.parser import LETTER_RE, NUMBER_RE
from meetings.importer.reflow import reflow

LINES_PER_PAGE = 24
WIDTH = 88


def _pdf_string(text):
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_with_pages(text, header="", width=WIDTH, lines_per_page=LINES_PER_PAGE):
    """A PDF of `text`'s paragraphs, wrapped at `width` characters, with a header and 'Page n of m' per page."""
    lines = []
    for paragraph in reflow(text.splitlines()):
        lines += textwrap.wrap(paragraph, width, break_on_hyphens=False)
    pages = [lines[start : start + lines_per_page] for start in range(0, len(lines), lines_per_page)]
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    font = 3
    objects[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    kids = []
    for number, page_lines in enumerate(pages, start=1):
        stream = [b"BT /F1 10 Tf 12 TL 56 760 Td"]
        if header:
            stream += [_pdf_string(header) + b" Tj T* T*"]
        stream += [_pdf_string(line) + b" Tj T*" for line in page_lines]
        stream += [b"ET", b"BT /F1 9 Tf 280 40 Td " + _pdf_string(f"Page {number} of {len(pages)}") + b" Tj ET"]
        content = b"\n".join(stream)
        content_id, page_id = 2 + 2 * number, 3 + 2 * number
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content_id
        )
        kids.append(page_id)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets.get(number, 0))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def word_with_header_and_table(text, header="Regional Consultation Group on Migration · Conclusions"):
    """A DOCX: a running header, the paragraphs before the agreements, then a table (number | text)."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    table = None
    for paragraph in reflow(text.splitlines()):
        number, letter = NUMBER_RE.match(paragraph), LETTER_RE.match(paragraph)
        if number or (letter and table is not None):
            table = table or document.add_table(rows=0, cols=2)
            cells = table.add_row().cells
            cells[0].text = f"{number['num']}." if number else f"{letter['letter']})"
            cells[1].text = (number or letter)["rest"].strip()
        else:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
