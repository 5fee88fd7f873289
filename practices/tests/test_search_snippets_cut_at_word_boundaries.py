"""A search snippet starts and ends with whole words, stays short, and marks exactly the words found."""

import html
import re

from django.contrib.auth.models import AnonymousUser
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from core.testing import build_network
from practices import search
from practices.search import text
from practices.search.query import parse

from .helpers import published_practice

SEPARATED = (
    "Procedimiento acordado entre autoridades de protección y consulados para reunificar a niñas y niños "
    "separados de sus familias a ambos lados de la frontera."
)
# Words that hide others ("para" in "separados", "la" in "familia"), long words, and punctuation.
VOCABULARY = [
    "para",
    "separados",
    "la",
    "familia",
    "de",
    "sus",
    "interinstitucionalmente",
    "acompañamiento",
    "niñas",
    "y",
    "«retorno»",
    "(GT)",
    "—",
    "2022,",
    "reunificación",
    "familiar.",
    "x" * 60,
]


def shown(snippet):
    """The text a snippet shows, without its marks and its ellipses."""
    plain = html.unescape(re.sub(r"</?mark>", "", snippet))
    return plain.removeprefix("… ").removesuffix(" …")


def marked(snippet):
    return [html.unescape(word) for word in re.findall(r"<mark>(.*?)</mark>", snippet)]


class SnippetTest(SimpleTestCase):
    terms = parse("reunificacion familiar").terms

    def test_the_reported_snippet_starts_with_the_whole_word(self):
        self.assertEqual(
            text.snippet(SEPARATED, "es", self.terms),
            "… para reunificar a niñas y niños separados de sus <mark>familias</mark> a ambos lados de la frontera.",
        )

    def test_a_window_opening_inside_a_word_leaves_it_out(self):
        before = "aaaa " + "b" * 300 + " de sus "
        snippet = text.snippet(before + "familias unidas", "es", self.terms)
        self.assertEqual(snippet, "… de sus <mark>familias</mark> unidas")

    def test_a_text_cut_at_the_scanned_length_does_not_end_with_a_part_of_a_word(self):
        source = "p " * (text.SCAN_CHARS // 2 - 10) + "familias unidas extraordinariamente largas"
        self.assertEqual(source[: text.SCAN_CHARS][-4:], "extr")
        self.assertTrue(text.snippet(source, "es", self.terms).endswith("<mark>familias</mark> unidas …"))

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=80), st.sampled_from(["", " ", ".", " \n"]))
    def test_any_snippet_is_whole_words_of_the_text_with_every_match_marked(self, words, tail):
        source = " ".join(words) + tail
        snippet = text.snippet(source, "es", self.terms)
        if snippet is None:
            self.assertFalse(any(text._matches(w, "es", self.terms) for w in text.WORD.findall(source)))
            return
        excerpt = shown(snippet)

        def cut_well(at):
            end = at + len(excerpt)
            return (
                not (at > 0 and text.WORD.match(source, at - 1))
                and not (text.WORD.match(source, end) and text.WORD.match(source, end - 1))
                and snippet.startswith("… ") == bool(text.WORD.search(source, 0, at))
                and snippet.endswith(" …") == bool(text.WORD.search(source, end))
            )

        places = [m.start() for m in re.finditer(re.escape(excerpt), source)]
        self.assertTrue(places, snippet)
        self.assertTrue(any(cut_well(at) for at in places), f"not cut at whole words: {snippet!r}")
        found = [w for w in text.WORD.findall(excerpt) if text._matches(w, "es", self.terms)]
        self.assertTrue(found)
        self.assertEqual(marked(snippet), found)
        self.assertLessEqual(len(text.WORD.findall(excerpt)), text.SNIPPET_WORDS + 1)
        self.assertLessEqual(len(excerpt), text.BEFORE_CHARS + len(found[0]) + text.AFTER_CHARS)


class SearchPageSnippetTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.practice = published_practice(
            cls.n, title_es="Mecanismo binacional de reunificación familiar", summary_es=SEPARATED
        )

    def test_the_search_page_shows_the_whole_word(self):
        page = self.client.get(reverse("practices:search"), {"q": "reunificacion familiar"})
        self.assertContains(page, "… para reunificar a niñas")
        self.assertNotContains(page, "… parados")
        hit = search.search(AnonymousUser(), "reunificacion familiar").hits[0]
        self.assertTrue(str(hit.snippet).startswith("… para reunificar"))
