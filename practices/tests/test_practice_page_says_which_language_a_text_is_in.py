"""A practice or resource shown to a reader whose language a text lacks shows it in the other language,
marked with its `lang` and a short note saying which; the texts in the reader's language carry neither."""

import re

from django.test import TestCase
from django.urls import reverse

from core.testing import build_network
from practices import services

from .helpers import published_practice

SUMMARY_EN = "Officers trained across the region."
DESCRIPTION_ES = "Talleres en cada país con las autoridades centrales."
RESULTS_ES = "Doscientas personas formadas."


def section(page, heading):
    """The <h2> named `heading` and the element that follows it, as HTML."""
    html = page.content.decode()
    found = re.search(rf"<h2>{re.escape(heading)}.*?</h2>\s*<div[^>]*>.*?</div>", html, re.S)
    assert found, f"no section {heading!r}"
    return found.group()


class PracticePageSaysWhichLanguageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.practice = published_practice(
            cls.n,
            title_es="Formación regional",
            title_en="Regional training",
            summary_es="Funcionarios formados en la región.",
            summary_en=SUMMARY_EN,
            description_es=DESCRIPTION_ES,
            results_es=RESULTS_ES,
        )

    def read(self, lang, url=None):
        return self.client.get(url or self.practice.get_absolute_url(), headers={"accept-language": lang})

    def test_an_english_reader_is_told_which_texts_are_in_spanish(self):
        page = self.read("en")
        description = section(page, "Description")
        self.assertIn('<span class="muted">(in Spanish)</span></h2>', description)
        self.assertIn(f'<div class="prose" lang="es"><p>{DESCRIPTION_ES}</p></div>', description)
        self.assertIn('lang="es"', section(page, "Results and evidence"))
        self.assertIn("(in Spanish)", section(page, "Results and evidence"))

    def test_texts_in_the_readers_language_carry_no_note(self):
        summary = section(self.read("en"), "Summary")
        self.assertIn(SUMMARY_EN, summary)
        self.assertNotIn("lang=", summary)
        self.assertNotIn("(in ", summary)
        page = self.read("es")
        self.assertNotContains(page, "(en español)")
        self.assertNotIn("lang=", section(page, "Descripción"))
        self.assertIn(f"<h1>{'Formación regional'}</h1>", page.content.decode())

    def test_a_title_in_the_other_language_is_marked_too(self):
        practice = published_practice(self.n, title_es="Sólo en español", title_en="")
        self.assertContains(self.read("en", practice.get_absolute_url()), '<h1 lang="es">Sólo en español</h1>')

    def test_a_resource_description_in_the_other_language_is_marked(self):
        resource = services.create_resource(
            acting_user=self.n.partner,
            kind="guide",
            title_es="Guía",
            description_es="Una guía para los equipos.",
            url="https://example.org/guia",
            language="es",
        )
        resource = services.publish(services.submit(resource, acting_user=self.n.partner), acting_user=self.n.ts)
        page = self.read("en", reverse("practices:resource", args=[resource.pk]))
        description = section(page, "Description")
        self.assertIn("(in Spanish)", description)
        self.assertIn('<div class="prose" lang="es">', description)

    def test_a_spanish_reader_is_told_which_texts_are_in_english(self):
        """Fails until the Spanish catalogue has "(in English)"."""
        practice = published_practice(self.n, description_es="", description_en="Workshops in each country.")
        description = section(self.read("es", practice.get_absolute_url()), "Descripción")
        self.assertIn('<span class="muted">(en inglés)</span>', description)
        self.assertIn('<div class="prose" lang="en">', description)
