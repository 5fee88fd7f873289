"""Hostile uploads are refused with a message naming the file and the problem."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.utils import translation

from core.uploads import check_upload, safe_name


def docx_bytes(extra=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


class UploadCheckTest(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def refused(self, name, content, **kwargs):
        with self.assertRaises(ValidationError) as caught:
            check_upload(SimpleUploadedFile(name, content), **kwargs)
        message = caught.exception.messages[0]
        self.assertIn(name, message)
        return message

    def test_it_accepts_real_documents(self):
        self.assertEqual(check_upload(SimpleUploadedFile("Nota conceptual.pdf", b"%PDF-1.7\n...")).kind, "pdf")
        checked = check_upload(SimpleUploadedFile("Informe final.docx", docx_bytes()))
        self.assertEqual((checked.kind, checked.name), ("docx", "Informe-final.docx"))
        self.assertEqual(check_upload(SimpleUploadedFile("lista.csv", "país;niñez\n".encode())).kind, "csv")

    def test_it_refuses_an_executable_renamed_pdf(self):
        self.assertIn("program", self.refused("nota.pdf", b"MZ\x90\x00" + b"\x00" * 100))

    def test_it_refuses_a_fake_docx(self):
        self.assertIn("DOCX", self.refused("informe.docx", b"this is plain text"))

    def test_it_refuses_a_zip_bomb(self):
        bomb = docx_bytes({"word/huge.xml": b"0" * 50_000_000})
        self.assertIn("bomb", self.refused("bomba.docx", bomb))

    def test_it_refuses_unsafe_paths_in_a_zip(self):
        self.assertIn("unsafe", self.refused("raro.docx", docx_bytes({"../../etc/passwd": "x"})))

    def test_it_refuses_empty_oversized_and_unknown_files(self):
        self.assertIn("empty", self.refused("vacio.pdf", b""))
        self.assertIn("larger", self.refused("grande.pdf", b"%PDF-" + b"0" * 2000, max_bytes=1000))
        self.assertIn("not accepted", self.refused("script.exe", b"MZ"))
        self.assertIn("UTF-8", self.refused("datos.csv", b"\xff\xfe\x00\x00binary"))

    def test_safe_names_are_plain(self):
        self.assertEqual(safe_name("../../Niñez migrante (2018).PDF", "pdf"), "Ninez-migrante-2018.pdf")
        self.assertEqual(safe_name("", "txt"), "file.txt")
