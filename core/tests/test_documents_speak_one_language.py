"""Each document is in one language: every document, exported in Spanish and in English, holds no word
of the other language's labels, no other-language acronym, and no raw value of a choice.

The words come from the Spanish catalogues themselves (polib): a word of the English msgids that is
no word of any Spanish msgstr is English-only, and the other way round. Words both languages use
("general", "regional", "plan") and words of three letters or fewer are left out, so the check is
strict on labels without tripping on what the two languages share. The catalogues read are the
project's, django-countries' (country names) and Django's dates (month names).

What a document may hold in any language is taken out before the words are compared: people's
names, the proper names of organizations that have a name in one language only (a national
institution, a map provider), postal addresses, e-mail and web addresses, the circular's reference
number, HXL hashtags and the spreadsheet's page codes (&P), vCard property names.
"""

import functools
import io
import re
from pathlib import Path

import docx
import polib
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import TestCase
from django.urls import reverse

from core.testing import body_of
from core.tests.documents_world import DOCUMENTS, build_world, fetch, signed_in_as, text_of
from directory.models import Address, Provider
from network.models import Body, Conference, Organization, Person

WORD = re.compile(r"[^\W\d_]+")
TOKEN = re.compile(r"\w+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^}]*\}|<[^>]+>|&\w+;|https?://\S+")
MIN_LENGTH = 4
# Country codes of the test network: a document names countries, never by their ISO codes.
ISO_CODES = {"GT", "HN", "MX", "PA", "SV", "CR"}


def _words(text):
    return {word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text or ""))}


def _plain_words(text):
    """The words of a text as a reader reads them, lower-cased: acronyms (TS, PPT) are not words."""
    return {word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text or "")) if not word.isupper()}


def _catalogues():
    """Every Spanish catalogue whose words a document may show: the project's and django-countries'."""
    import django_countries

    root = Path(settings.BASE_DIR)
    paths = sorted(root.glob("*/locale/es/LC_MESSAGES/django.po")) + sorted(root.glob("locale/es/LC_MESSAGES/*.po"))
    return [*paths, Path(django_countries.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"]


def _date_names():
    """(English, Spanish) names of months and days, as Django's date formats write them."""
    from django.utils import dates, translation

    names = [*dates.MONTHS.values(), *dates.MONTHS_ALT.values(), *dates.MONTHS_AP.values(), *dates.WEEKDAYS.values()]
    pairs = []
    for name in names:
        with translation.override("en"):
            english = str(name)
        with translation.override("es"):
            spanish = str(name)
        pairs.append((english, spanish))
    return pairs


class _Vocabulary:
    """The words of one language's side of the catalogues.

    `own` keeps the words an entry does not share with its translation: "countries" is English,
    "principal" Spanish, while "ts" in "Write ts, ppt, country:<code>…" is a code both sides keep.
    """

    def __init__(self):
        self.lower = set()
        self.own = set()

    def add(self, text, translation=""):
        self.lower |= _words(text)
        self.own |= _plain_words(text) - _words(translation)


@functools.cache
def vocabularies():
    """(English, Spanish) vocabularies, from the catalogues' msgids and msgstrs."""
    english, spanish = _Vocabulary(), _Vocabulary()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            translated = entry.msgstr or " ".join(entry.msgstr_plural.values())
            if not translated.strip():
                continue
            source = entry.msgid + " " + (entry.msgid_plural or "")
            english.add(source, translated)
            spanish.add(translated, source)
    for name_en, name_es in _date_names():
        english.add(name_en, name_es)
        spanish.add(name_es, name_en)
    return english, spanish


@functools.cache
def foreign_words():
    """{document language: words that belong to the other language only}."""
    english, spanish = vocabularies()
    english_only = {w for w in english.lower - spanish.lower if len(w) >= MIN_LENGTH}
    spanish_only = {w for w in spanish.lower - english.lower if len(w) >= MIN_LENGTH}
    return {"es": english_only, "en": spanish_only}


RAW_VALUE = re.compile(r"^[a-z][a-z0-9_]*$")


def _project_choices():
    """(value, label) of every choice of the project's models (country codes aside)."""
    from django_countries.fields import CountryField

    for app in settings.PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field) and field.choices and not isinstance(field, CountryField):
                    yield from field.flatchoices


@functools.cache
def raw_values():
    """{language: stored choice values ("in_progress", "ts") that are no plain word of that language}.

    A plain word of a language is one its choice labels use ("regional" in both, "draft" in English), or
    one of its side of the catalogues that the translation does not repeat ("countries", "principal").
    """
    from django.utils import translation

    choices = list(_project_choices())
    values = {str(value) for value, _label in choices if RAW_VALUE.match(str(value))}
    english, spanish = vocabularies()
    found = {}
    for lang, vocabulary in (("es", spanish), ("en", english)):
        with translation.override(lang):
            plain = {word for _value, label in choices for word in _plain_words(str(label))}
        plain |= vocabulary.own
        found[lang] = {value for value in values if value not in plain}
    return found


def foreign_acronyms():
    """{document language: the acronyms of the other language (IOM in Spanish, OIM in English)}."""
    found = {"es": set(), "en": set()}
    for model in (Organization, Body, Conference):
        for es, en in model.objects.values_list("acronym_es", "acronym_en"):
            if es and en and es != en:
                found["es"].add(en)
                found["en"].add(es)
    found["es"].add("TS")  # the Technical Secretariat is ST in Spanish
    found["en"].add("ST")
    return found


def proper_names(lang):
    """Texts any document may hold whatever its language: names of people, places and one-language organizations."""
    names = set()
    for given, family in Person.objects.values_list("given_names", "family_names"):
        names |= {f"{given} {family}", given, family}
    field = f"name_{lang}"
    for organization in Organization.objects.all():
        if not getattr(organization, field):
            names |= {organization.name_es, organization.name_en, organization.acronym_es, organization.acronym_en}
    for provider in Provider.objects.all():
        names |= {provider.name_es, provider.name_en}
    for address in Address.objects.all():
        names |= {f"{address.address_1}, {address.city}", address.address_1}
    return sorted((name for name in names if name), key=len, reverse=True)


IDENTIFIERS = [
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),  # UUIDs ("a334debe-…")
    re.compile(r"\S+@\S+"),  # e-mail addresses
    re.compile(r"https?://\S+"),
    re.compile(r"#[a-z0-9+]+"),  # HXL hashtags
    re.compile(r"&[A-Z]"),  # spreadsheet page codes (&P, &N)
    re.compile(r"\b[a-z]{2}-[A-Z]{2}\b"),  # the language tag of a Word document's properties (es-ES)
]


def readable(kind, text, lang, circular_reference):
    """The document's words, without what is the same in every language."""
    if kind == "vcf":
        text = "\n".join(line.split(":", 1)[1] for line in text.splitlines() if ":" in line)
    text = text.replace(circular_reference, " ")
    for name in proper_names(lang):
        text = text.replace(name, " ")
    for pattern in IDENTIFIERS:
        text = pattern.sub(" ", text)
    return text


def leaks(kind, text, lang):
    """What of the other language, and which raw values, a document's text holds."""
    found = sorted({word for word in _words(text) if word in foreign_words()[lang]})
    tokens = set(TOKEN.findall(text))
    found += sorted(tokens & foreign_acronyms()[lang])
    found += sorted(f"raw:{token}" for token in tokens & raw_values()[lang])
    if kind in ("docx", "html"):
        found += sorted(f"iso:{token}" for token in tokens & ISO_CODES)
    return found


class TheWordListIsSound(TestCase):
    """The check itself: it knows both languages' labels and tells them apart."""

    def test_it_knows_labels_of_both_languages_and_leaves_shared_words_out(self):
        words = foreign_words()
        self.assertIn("approved", words["es"])
        self.assertIn("aprobado", words["en"])
        self.assertIn("november", words["es"])  # Django's month names
        self.assertIn("noviembre", words["en"])
        self.assertIn("mexico", words["es"])  # django-countries' names
        for shared in ("regional", "plan", "final"):
            self.assertNotIn(shared, words["es"])
            self.assertNotIn(shared, words["en"])
        self.assertGreater(min(len(words["es"]), len(words["en"])), 500)

    def test_it_finds_a_leak_of_each_kind(self):
        build_world()
        self.assertEqual(leaks("docx", "Estado: Approved", "es"), ["approved"])
        self.assertEqual(leaks("docx", "Responsables: IOM, TS", "es"), ["IOM", "TS"])
        self.assertEqual(leaks("xlsx", "Estado: in_progress", "es"), ["progress", "raw:in_progress"])
        self.assertEqual(leaks("xlsx", "Responsables: ts", "es"), ["raw:ts"])
        self.assertEqual(leaks("xlsx", "Actors: ts", "en"), ["raw:ts"])
        self.assertEqual(leaks("xlsx", "Status: in_progress", "en"), ["raw:in_progress"])
        self.assertEqual(leaks("docx", "Países: GT, HN", "es"), ["iso:GT", "iso:HN"])
        self.assertEqual(leaks("docx", "Estado: Aprobado · Regional", "es"), [])


class EveryDocumentSpeaksOneLanguage(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()

    def test_every_document_in_each_language_holds_no_word_of_the_other(self):
        checked = 0
        for doc in DOCUMENTS:
            who = "ts" if doc.member == "ts" else doc.member
            for working in (False, True) if doc.approval else (False,):
                for lang in ("es", "en"):
                    with self.subTest(document=doc.name, lang=lang, working=working):
                        response = fetch(signed_in_as(self.n, who if not working else "ts"), doc, self.n, lang, working)
                        self.assertEqual(response.status_code, 200)
                        text = readable(doc.kind, text_of(doc.kind, body_of(response)), lang, self.n.circular.reference)
                        self.assertEqual(leaks(doc.kind, text, lang), [], text[:3000])
                        checked += 1
        self.assertEqual(checked, 2 * (len(DOCUMENTS) + sum(1 for doc in DOCUMENTS if doc.approval)))


class ATextWithoutTranslationIsMarkedOnceAndCounted(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()
        from meetings import services

        correction = services.start_correction(cls.n.meeting, acting_user=cls.n.ts)
        services.add_agreement(correction, acting_user=cls.n.ts, kind="thanks", text_en="To thank Belize.")
        services.approve_report(correction, acting_user=cls.n.ts)

    def test_the_spanish_report_shows_the_english_text_marked_and_ends_with_the_count(self):
        response = signed_in_as(self.n, "gt_officer").get(
            reverse("meetings:report_docx", args=[self.n.meeting.pk]), {"lang": "es"}
        )
        text = text_of("docx", response.content)
        self.assertEqual(text.count("To thank Belize. (solo en inglés)"), 1)
        self.assertEqual(text.count("(solo en inglés)"), 2)  # the text, and the closing note naming the mark
        body = docx.Document(io.BytesIO(response.content)).paragraphs
        self.assertEqual(
            body[-1].text,
            "1 texto aún no tiene traducción: aparece en el idioma en que se escribió, marcado (solo en inglés).",
        )
        # Apart from the text itself, the document is Spanish throughout.
        rest = readable("docx", text.replace("To thank Belize.", " "), "es", self.n.circular.reference)
        self.assertEqual(leaks("docx", rest, "es"), [])
        english = signed_in_as(self.n, "gt_officer").get(
            reverse("meetings:report_docx", args=[self.n.meeting.pk]), {"lang": "en"}
        )
        self.assertNotIn("(only in", text_of("docx", english.content))
