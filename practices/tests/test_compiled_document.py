"""The compiled DOCX of a call's answers: a cover, a real table of contents, one chapter per practice.

The LibreOffice checks skip, saying why, when LibreOffice is absent (CI installs it and forbids
skips).
"""

import datetime
import io
import re

import docx
import pytest
from django.test import TestCase
from django.urls import reverse

from core.testing import build_network, signed_in
from practices import services

from .helpers import practice_fields, theme
from .libreoffice import LibreOffice, executable, pdf_pages

TITLES = [
    "Familias de acogida temporal para niñez no acompañada",
    "Modelo de cuidado en familia extensa",
    "Hogares de tipo familiar para adolescentes",
]


class CompiledDocumentTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.call = services.open_call(
            acting_user=cls.n.ts,
            title_es="Buenas prácticas en cuidado alternativo",
            title_en="Best practices in alternative care",
            theme=theme("alternative-care"),
            countries=[cls.n.gt, cls.n.hn, cls.n.mx],
            deadline=datetime.date.today() + datetime.timedelta(days=30),
        )
        cls.answers = []
        for number, title in enumerate(TITLES):
            practice = services.create_practice(
                acting_user=cls.n.gt_officer,
                **practice_fields(
                    cls.n,
                    call=cls.call,
                    title_es=title,
                    title_en=f"Practice {number + 1} in English",
                    themes=[theme("alternative-care")],
                    context_es="Contexto. " * 40,
                    description_es=("Descripción detallada de la práctica. " * 60 + "\n") * 4,
                    results_es="Resultados medidos.",
                ),
            )
            practice = services.submit(practice, acting_user=cls.n.gt_officer)
            cls.answers.append(services.publish(practice, acting_user=cls.n.ts) if number < 2 else practice)

    def document(self, client, lang="es", working=False):
        url = reverse("practices:call_compilation", args=[self.call.pk])
        response = client.get(url, {"lang": lang, **({"working": "1"} if working else {})})
        self.assertEqual(response.status_code, 200)
        self.assertIn("wordprocessingml", response["Content-Type"])
        self.assertIn(".docx", response["Content-Disposition"])
        return response.content

    def test_the_docx_has_a_cover_a_toc_field_and_a_chapter_per_answer(self):
        data = self.document(signed_in(self.n.ts), working=True)
        document = docx.Document(io.BytesIO(data))
        self.assertEqual(document.paragraphs[0].text, "Buenas prácticas en cuidado alternativo")
        instructions = [node.text for node in document.element.body.iter() if node.tag.endswith("}instrText")]
        self.assertTrue(any(text.strip().startswith("TOC ") for text in instructions), instructions)
        self.assertEqual(sum("PAGEREF _Toc_practice_" in text for text in instructions), 3)
        chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        # The TS's working copy holds the answer not published yet, saying so.
        expected = [f"{i}. {title}" for i, title in enumerate(TITLES, start=1)]
        expected[2] += " [Presentada — sin aprobar]"
        self.assertEqual(chapters, expected)
        settings = document.settings.element.xml
        self.assertIn("updateFields", settings)

    def test_the_public_gets_only_the_published_answers_and_no_contacts(self):
        document = docx.Document(io.BytesIO(self.document(self.client)))
        chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        self.assertEqual(chapters, [f"1. {TITLES[0]}", f"2. {TITLES[1]}"])
        self.assertNotIn("ana.perez@example.org", "\n".join(p.text for p in document.paragraphs))
        # The TS too, unless it asks for a working copy.
        document = docx.Document(io.BytesIO(self.document(signed_in(self.n.ts))))
        chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        self.assertEqual(chapters, [f"1. {TITLES[0]}", f"2. {TITLES[1]}"])

    def test_it_comes_in_english_too(self):
        document = docx.Document(io.BytesIO(self.document(signed_in(self.n.ts), "en", working=True)))
        self.assertEqual(document.paragraphs[0].text, "Best practices in alternative care")
        chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        self.assertEqual(
            chapters,
            [
                "1. Practice 1 in English",
                "2. Practice 2 in English",
                "3. Practice 3 in English [Submitted — not approved]",
            ],
        )
        self.assertIn("Contents", [p.text for p in document.paragraphs])

    def test_libreoffice_opens_it_with_a_table_of_contents_and_one_chapter_per_practice(self):
        if executable() is None:
            print("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): conversion not checked")
            pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
        data = self.document(signed_in(self.n.ts), working=True)
        office = LibreOffice()
        try:
            pages = pdf_pages(office.convert(data))
            updated = pdf_pages(office.update_and_convert(data))
        finally:
            office.close()
        contents = next(page for page in pages if "Índice" in page.splitlines())
        for title in TITLES:
            self.assertIn(title[:40], contents)
        starts = {}
        for number, page in enumerate(pages, start=1):
            for index, title in enumerate(TITLES, start=1):
                if any(line.startswith(f"{index}. {title[:30]}") for line in page.splitlines()):
                    starts[index] = number
        self.assertEqual(sorted(starts), [1, 2, 3], "each chapter starts a page of its own")
        # LibreOffice updates the TOC field: each entry then carries its chapter's page number.
        toc = next(page for page in updated if "Índice" in page.splitlines())
        numbers = [int(found) for found in re.findall(r"\.{3,}\s*(\d+)", toc)]
        self.assertEqual(numbers, [starts[1], starts[2], starts[3]])


class CompilationTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from .helpers import published_practice

        cls.n = build_network()
        cls.chosen = published_practice(cls.n, title_es="Práctica elegida a mano")
        cls.other = published_practice(cls.n, title_es="Práctica no elegida")
        cls.compilation = services.create_compilation(
            acting_user=cls.n.ts, title_es="Compilación de prueba", practices=[cls.chosen], compiler=cls.n.unicef
        )

    def test_a_compilation_of_chosen_practices_is_for_members_and_has_them_only(self):
        url = reverse("practices:compilation_document", args=[self.compilation.pk])
        self.assertEqual(self.client.get(url).status_code, 302)  # sign in first
        self.assertEqual(signed_in(self.n.outsider).get(url).status_code, 403)
        response = signed_in(self.n.partner).get(url, {"lang": "es"})
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        self.assertEqual(chapters, ["1. Práctica elegida a mano"])

    def test_only_the_ts_starts_compilations(self):
        self.assertEqual(signed_in(self.n.partner).get(reverse("practices:compilation_create")).status_code, 403)
        page = signed_in(self.n.ts).post(
            reverse("practices:compilation_create"),
            {"title_es": "Otra", "practices": [self.other.pk], "compiler": self.n.unicef.pk},
        )
        self.assertEqual(page.status_code, 302)
