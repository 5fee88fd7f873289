"""The HSDS package and JSON written a chunk of services at a time hold the same text as built whole."""

import io
import zipfile
from unittest import mock

from django.test import TestCase

from directory import synthetic
from directory.hsds import package, streaming
from directory.hsds.tables import collect
from directory.models import Service

from .helpers import build_directory


class StreamedHsds(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        synthetic.create(25, build=False)
        cls.services = Service.objects.published()

    def written(self, fmt, public):
        handle = io.BytesIO()
        streaming.write_download(fmt, self.services, handle, public=public, lang="es")
        return handle.getvalue()

    def test_the_zip_holds_the_same_files_in_chunks_of_any_size(self):
        for public in (True, False):
            whole = package.package_files(collect(self.services, public=public, lang="es"))
            self.assertGreater(whole["attributes.csv"].count("\n"), 50)
            for size in (streaming.CHUNK, 4, 1):
                with self.subTest(public=public, chunk=size), mock.patch.object(streaming, "CHUNK", size):
                    archive = zipfile.ZipFile(io.BytesIO(self.written("zip", public)))
                    self.assertEqual(sorted(archive.namelist()), sorted(whole))
                    for name, text in whole.items():
                        self.assertEqual(archive.read(name).decode(), text, name)
            # Chunks of one service merged three runs at a time: runs of runs, the same text.
            fan_in = mock.patch.object(streaming, "FAN_IN", 3)
            with mock.patch.object(streaming, "CHUNK", 1), fan_in, self.subTest(public=public, fan_in=3):
                archive = zipfile.ZipFile(io.BytesIO(self.written("zip", public)))
                self.assertEqual(sorted(archive.namelist()), sorted(whole))
                for name, text in whole.items():
                    self.assertEqual(archive.read(name).decode(), text, name)

    def test_the_json_is_the_same_text_in_chunks_of_any_size(self):
        for public in (True, False):
            whole = package.json_text(collect(self.services, public=public, lang="es")).encode()
            for size in (streaming.CHUNK, 4, 1):
                with self.subTest(public=public, chunk=size), mock.patch.object(streaming, "CHUNK", size):
                    self.assertEqual(self.written("json", public), whole)

    def test_no_service_is_an_empty_list(self):
        handle = io.BytesIO()
        streaming.write_json(Service.objects.none(), handle, public=True, lang="es")
        self.assertEqual(handle.getvalue(), package.json_text(collect(Service.objects.none(), lang="es")).encode())
