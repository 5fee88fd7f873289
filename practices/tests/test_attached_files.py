"""Attached files: their text is searched; hostile files are refused with a message, nothing half-stored;
downloads keep a clean name and follow the practice's access."""

import io
import os
import zipfile

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from core.testing import api_client, build_network, signed_in
from practices import search, services
from practices.models import PracticeFile, Resource, ResourceKind

from .helpers import TemporaryMedia, docx_with_text, pdf_with_text, practice_fields, published_practice


def stored_files(root):
    return sorted(name for _dir, _subdirs, names in os.walk(root) for name in names)


class AttachedTextIsSearchedTest(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_a_word_found_only_in_an_attached_pdf_finds_its_practice(self):
        practice = services.create_practice(acting_user=self.n.partner, **practice_fields(self.n))
        pdf = SimpleUploadedFile("Informe final (2019).pdf", pdf_with_text("Evaluación de la tutela temporal", "Anexo"))
        attached = services.add_practice_file(practice, pdf, acting_user=self.n.partner)
        self.assertEqual((attached.name, attached.kind), ("Informe-final-2019.pdf", "pdf"))
        self.assertEqual(search.search(AnonymousUser(), "tutela").total, 0)  # not published yet
        self.assertEqual([h.object_id for h in search.search(self.n.partner, "tutela").hits], [practice.pk])
        practice = services.publish(services.submit(practice, acting_user=self.n.partner), acting_user=self.n.ts)
        hits = search.search(AnonymousUser(), "tutelas evaluacion").hits
        self.assertEqual([h.object_id for h in hits], [practice.pk])
        self.assertIn("<mark>tutela</mark>", hits[0].snippet)

    def test_a_word_in_an_attached_docx_finds_its_resource(self):
        upload = SimpleUploadedFile("guia.docx", docx_with_text("Guía de acogimiento", "Supervisión semanal del hogar"))
        resource = services.create_resource(
            acting_user=self.n.partner, kind=ResourceKind.GUIDE, title_es="Guía breve", file=upload
        )
        self.assertIn("Supervisión semanal", resource.file_text)
        self.assertEqual([h.object_id for h in search.search(self.n.partner, "supervision").hits], [resource.pk])

    def test_a_pdf_without_text_is_kept_with_a_note(self):
        practice = services.create_practice(acting_user=self.n.partner, **practice_fields(self.n))
        with translation.override("en"):
            attached = services.add_practice_file(
                practice, SimpleUploadedFile("scan.pdf", pdf_with_text()), acting_user=self.n.partner
            )
        self.assertEqual(attached.text, "")
        self.assertIn("No text was found", attached.text_note)


class HostileUploadsTest(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.practice = services.create_practice(acting_user=cls.n.partner, **practice_fields(cls.n))

    def setUp(self):
        self.enterContext(translation.override("en"))

    def refused_by_the_page(self, name, content):
        client = signed_in(self.n.partner)
        url = reverse("practices:practice_file_add", args=[self.practice.pk])
        response = client.post(
            url, {"file": SimpleUploadedFile(name, content)}, follow=True, headers={"Accept-Language": "en"}
        )
        self.assertEqual(response.status_code, 200)
        shown = [str(m) for m in response.context["messages"]]
        self.assertTrue(any(name.split(".")[0] in m for m in shown), shown)
        self.assertFalse(PracticeFile.objects.exists())
        self.assertEqual(stored_files(self._media), [])
        return " ".join(shown)

    def refused_by_the_api(self, name, content):
        response = api_client(self.n.partner).post(
            f"/api/v1/practices/{self.practice.pk}/files",
            {"file": SimpleUploadedFile(name, content)},
            headers={"Accept-Language": "en"},
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertFalse(PracticeFile.objects.exists())
        self.assertEqual(stored_files(self._media), [])
        return response.json()["detail"]

    def test_an_executable_renamed_pdf_is_refused(self):
        program = b"MZ\x90\x00" + b"\x00" * 200
        self.assertIn("program", self.refused_by_the_page("nota.pdf", program))
        self.assertIn("program", self.refused_by_the_api("nota.pdf", program))

    def test_a_corrupt_pdf_is_refused(self):
        broken = b"%PDF-1.7\n" + os.urandom(300)
        self.assertIn("damaged", self.refused_by_the_page("roto.pdf", broken))
        self.assertIn("damaged", self.refused_by_the_api("roto.pdf", broken))

    def test_an_office_zip_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", b"0" * 60_000_000)
        self.assertIn("bomb", self.refused_by_the_page("bomba.docx", buffer.getvalue()))
        self.assertIn("bomb", self.refused_by_the_api("bomba.docx", buffer.getvalue()))

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
    def test_an_oversized_file_is_refused(self):
        from core import uploads

        big = pdf_with_text("x") + b"%" + b"0" * (uploads.DEFAULT_MAX_BYTES + 10)
        self.assertIn("larger", self.refused_by_the_api("enorme.pdf", big))

    def test_an_unaccepted_type_is_refused(self):
        self.assertIn("not accepted", self.refused_by_the_api("script.sh", b"#!/bin/sh\necho hi"))

    def test_a_refused_resource_file_writes_no_resource(self):
        with self.assertRaises(ValidationError):
            services.create_resource(
                acting_user=self.n.partner,
                kind=ResourceKind.GUIDE,
                title_es="Guía",
                file=SimpleUploadedFile("guia.pdf", b"MZ" + b"\x00" * 50),
            )
        self.assertFalse(Resource.objects.exists())
        self.assertEqual(stored_files(self._media), [])

    def test_a_stranger_cannot_attach_files(self):
        response = api_client(self.n.hn_officer).post(
            f"/api/v1/practices/{self.practice.pk}/files",
            {"file": SimpleUploadedFile("a.pdf", pdf_with_text("hola"))},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(PracticeFile.objects.exists())


class DownloadsTest(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_files_download_with_a_clean_name_and_follow_the_practice(self):
        practice = services.create_practice(acting_user=self.n.partner, **practice_fields(self.n))
        attached = services.add_practice_file(
            practice,
            SimpleUploadedFile("../Niñez migrante (anexo).pdf", pdf_with_text("anexo")),
            acting_user=self.n.partner,
        )
        self.assertNotIn("Ni", os.path.basename(attached.file.name))  # stored under a generated name
        url = reverse("practices:file", args=[attached.pk])
        self.assertEqual(self.client.get(url).status_code, 404)  # an unpublished draft's file
        response = signed_in(self.n.partner).get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn('attachment; filename="Ninez-migrante-anexo.pdf"', response["Content-Disposition"])
        self.assertEqual(response["Content-Type"], "application/pdf")
        services.publish(services.submit(practice, acting_user=self.n.partner), acting_user=self.n.ts)
        self.assertEqual(self.client.get(url).status_code, 200)
        page = self.client.get(practice.get_absolute_url(), headers={"Accept-Language": "en"})
        self.assertContains(page, "Ninez-migrante-anexo.pdf")
        self.assertContains(page, "bytes")  # the size beside the link

    def test_a_file_removed_from_a_revision_stays_with_the_published_version(self):
        practice = services.create_practice(acting_user=self.n.partner, **practice_fields(self.n))
        attached = services.add_practice_file(
            practice, SimpleUploadedFile("a.pdf", pdf_with_text("primera")), acting_user=self.n.partner
        )
        practice = services.publish(services.submit(practice, acting_user=self.n.partner), acting_user=self.n.ts)
        services.remove_practice_file(attached, acting_user=self.n.partner)
        attached.refresh_from_db()
        self.assertFalse(attached.is_current)
        self.assertEqual(self.client.get(reverse("practices:file", args=[attached.pk])).status_code, 200)

    def test_published_practice_shows_its_published_files_only(self):
        practice = published_practice(self.n)
        extra = services.add_practice_file(
            practice, SimpleUploadedFile("nuevo.pdf", pdf_with_text("nuevo")), acting_user=self.n.partner
        )
        self.assertEqual(self.client.get(reverse("practices:file", args=[extra.pk])).status_code, 404)
