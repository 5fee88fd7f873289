"""Hostile uploads are refused with a message naming the file and the problem."""

import io
import warnings
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.utils import translation

from core.tests.upload_corpus import MINIMAL_PDF
from core.uploads import IMAGES, check_upload, safe_name


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
        self.assertEqual(check_upload(SimpleUploadedFile("Nota conceptual.pdf", MINIMAL_PDF)).kind, "pdf")
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

    def test_a_wav_or_avi_named_webp_is_refused_and_a_real_webp_passes(self):
        wav = b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt " + b"\x00" * 32
        avi = b"RIFF" + (36).to_bytes(4, "little") + b"AVI LIST" + b"\x00" * 32
        for name, content in (("logo.webp", wav), ("foto.webp", avi)):
            self.assertIn("WEBP", self.refused(name, content, kinds=IMAGES))
        webp = b"RIFF" + (26).to_bytes(4, "little") + b"WEBPVP8 " + b"\x00" * 18
        self.assertEqual(check_upload(SimpleUploadedFile("logo.webp", webp), kinds=IMAGES).kind, "webp")

    def test_safe_names_are_plain(self):
        self.assertEqual(safe_name("../../Niñez migrante (2018).PDF", "pdf"), "Ninez-migrante-2018.pdf")
        self.assertEqual(safe_name("", "txt"), "file.txt")


class OfficeXmlIsParsedSafelyTest(SimpleTestCase):
    """Every XML part of an Office or OpenDocument file is read without DTD, entities or external references."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    def refused(self, name, content, **kwargs):
        return UploadCheckTest.refused(self, name, content, **kwargs)

    def test_xxe_entity_bombs_and_external_dtds_are_refused_in_every_office_kind(self):
        from core.tests import upload_corpus as corpus

        for name in ("bad-xxe.docx", "bad-billion-laughs.docx", "bad-external-dtd.docx", "bad-xxe.xlsx", "bad-xxe.odt"):
            with self.subTest(file=name):
                message = self.refused(name, corpus.corpus()[name])
                self.assertIn("DTD, entities or external references", message)
                self.assertIn("XXE", message)

    def test_a_dtd_in_any_part_is_refused_whatever_the_part_is_called(self):
        laughs = corpus_word(b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>')
        self.assertIn("customXml/item1.bin", self.refused("oculto.docx", docx_bytes({"customXml/item1.bin": laughs})))

    def test_a_part_that_is_not_well_formed_xml_is_refused(self):
        self.assertIn("not well-formed", self.refused("roto.docx", docx_bytes({"word/styles.xml": "<w:styles>"})))

    def test_duplicate_and_windows_paths_are_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<a/>")
            archive.writestr("word/document.xml", "<b/>")
        self.assertIn("same name", self.refused("doble.docx", buffer.getvalue()))
        self.assertIn("unsafe", self.refused("ruta.docx", docx_bytes({"..\\..\\boot.ini": "x"})))
        self.assertIn("unsafe", self.refused("unidad.docx", docx_bytes({"C:/Windows/x.xml": "<a/>"})))

    def test_an_opendocument_must_say_its_own_kind(self):
        from core.tests import upload_corpus as corpus

        sheet = corpus.replace_parts(corpus.xxe_odt(), {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
        self.assertIn("not a valid ODT", self.refused("hoja.odt", sheet))

    def test_real_office_files_pass(self):
        from core.tests import upload_corpus as corpus

        self.assertEqual(check_upload(SimpleUploadedFile("a.docx", corpus.docx_bytes())).kind, "docx")
        self.assertEqual(check_upload(SimpleUploadedFile("a.xlsx", corpus.xlsx_bytes())).kind, "xlsx")

    def test_the_refusal_is_in_spanish_for_a_spanish_reader(self):
        from core.tests import upload_corpus as corpus

        with translation.override("es"), self.assertRaises(ValidationError) as caught:
            check_upload(SimpleUploadedFile("bad-xxe.docx", corpus.corpus()["bad-xxe.docx"]))
        self.assertIn("declara una DTD", caught.exception.messages[0])


class PdfMustOpenTest(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_the_smallest_pdf_pypdf_opens_is_accepted(self):
        self.assertLess(len(MINIMAL_PDF), 400)
        self.assertEqual(check_upload(SimpleUploadedFile("m.pdf", MINIMAL_PDF)).kind, "pdf")

    def test_a_pdf_header_on_anything_else_is_refused_as_damaged(self):
        for content in (b"%PDF-1.4\n%%EOF\n", b"%PDF-1.7\n" + bytes(range(256))):
            with self.subTest(content=content[:12]):
                message = UploadCheckTest.refused(self, "x.pdf", content)
                self.assertIn("damaged", message)


class DeclarationsTest(SimpleTestCase):
    def test_an_unknown_kind_is_a_programming_error(self):
        from core.uploads import SafeFileField

        with self.assertRaises(ValueError):
            SafeFileField(kinds={"pdf", "exe"})
        with self.assertRaises(ValueError):
            check_upload(SimpleUploadedFile("a.pdf", MINIMAL_PDF), kinds=())

    def test_a_form_field_and_its_service_read_the_content_once(self):
        from unittest import mock

        from core import uploads

        upload = SimpleUploadedFile("a.pdf", MINIMAL_PDF)
        with mock.patch.object(uploads, "_check_pdf", wraps=uploads._check_pdf) as check_pdf:
            check_upload(upload)
            check_upload(upload, kinds={"pdf"})
        self.assertEqual(check_pdf.call_count, 1)


def corpus_word(xml):
    return b'<?xml version="1.0"?>' + xml
