"""Test data for the repository: practices taken through the real services, and small documents."""

import importlib
import io
import shutil
import tempfile

import docx
from django.test import override_settings

from network.models import Country
from practices import services
from practices.models import Axis, Theme


class TemporaryMedia:
    """Store the tests' uploads in a folder of their own, removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="enlace-practices-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)


_taxonomy = importlib.import_module("practices.migrations.0002_taxonomy")


def theme(slug):
    """The theme of the taxonomy migration (created again if a transactional test flushed it)."""
    order, name_es, name_en = next((i, es, en) for i, (s, es, en) in enumerate(_taxonomy.THEMES) if s == slug)
    return Theme.objects.get_or_create(slug=slug, defaults={"name_es": name_es, "name_en": name_en, "order": order})[0]


def axis(number):
    """The plan axis of the taxonomy migration (created again if a transactional test flushed it)."""
    name_es, name_en = next((es, en) for n, es, en in _taxonomy.AXES if n == number)
    return Axis.objects.get_or_create(number=number, defaults={"name_es": name_es, "name_en": name_en})[0]


def practice_fields(n, **changes):
    """A complete practice of Guatemala on return and reintegration, in Spanish."""
    fields = {
        "title_es": "Retornos seguros de la niñez migrante",
        "summary_es": "Acompañamiento a niñas y niños migrantes en sus retornos.",
        "description_es": "Un equipo recibe a cada niña o niño retornado y coordina su reintegración.",
        "countries": [n.gt],
        "themes": [theme("return-reintegration")],
        "axis": axis(4),
        "start_year": 2019,
        "contact_name": "Ana Pérez",
        "contact_email": "ana.perez@example.org",
    }
    fields.update(changes)
    return fields


def published_practice(n, author=None, **changes):
    """Create a practice as `author` (the partner by default) and have the TS publish it."""
    author = author or n.partner
    practice = services.create_practice(acting_user=author, **practice_fields(n, **changes))
    practice = services.submit(practice, acting_user=author)
    return services.publish(practice, acting_user=n.ts)


def country(code):
    return Country.objects.get(code=code)


def _pdf_string(text):
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_with_text(*lines):
    """Return the bytes of a one-page PDF showing `lines` (Helvetica, WinAnsi: accents work)."""
    content = b"BT /F1 12 Tf 72 720 Td 14 TL " + b" ".join(b"(" + _pdf_string(line) + b") '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
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
    return out.getvalue()


def docx_with_text(*lines):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
