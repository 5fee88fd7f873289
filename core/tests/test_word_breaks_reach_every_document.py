"""A soft line break pasted from Word never breaks a document.

Word's Shift+Enter (\\x0b) and page break (\\x0c) are what a paste from Word brings; XML 1.0 — hence
every DOCX and XLSX — cannot hold them. The test walks every model of the project that holds text,
writes both characters into every free-text field of every row of a world that has every document
(core/tests/documents_world.py), saves each row the way every path saves it, and downloads every
document: each opens, in both languages, for the TS's working copy too. Other control characters are
refused with the field's name, and nothing is written.
"""

import io
import re
import zipfile

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import TestCase

from core.tests.documents_world import DOCUMENTS, build_world, fetch, signed_in_as, text_of
from core.text import UNCHECKED_FIELDS, UNCHECKED_MODELS, without_word_breaks
from meetings.models import Agreement

PROJECT_APPS = {
    "core",
    "accounts",
    "network",
    "meetings",
    "plan",
    "practices",
    "directory",
    "comparisons",
    "circulation",
}
# What people write, as opposed to codes, keys, passwords, addresses and values a program reads.
PROSE = re.compile(
    r"^(title|name|text|description|summary|body|narrative|notes?|comment|participants|submission|action|"
    r"mandate|context|results|lessons|replicability|introduction|guidance|label|position|institution|place|"
    r"presenter|rcgm_note|correction_note|review_comment|alert|application_process|fees_description|"
    r"eligibility_description|basis_instrument|basis_article|department|attention|address_[12]|city)(_es|_en)?$"
)
# Rows built from others (search index, map points) or messages already sent: they are not written by people.
DERIVED = {
    "practices.searchentry",
    "practices.searchtext",
    "practices.facetbit",
    "directory.mappoint",
    "circulation.notification",
}


def free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.choices or field.unique:
            continue
        if PROSE.match(field.name) and field.name not in UNCHECKED_FIELDS:
            yield field


def text_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in PROJECT_APPS and label not in UNCHECKED_MODELS and label not in DERIVED:
            fields = list(free_text_fields(model))
            if fields:
                yield model, fields


class WordBreaksNeverBreakADocument(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()
        cls.touched = {}
        for model, fields in text_models():
            for row in model._base_manager.all():
                changed = []
                for field in fields:
                    value = getattr(row, field.attname)
                    if isinstance(value, str) and value.strip() and len(value) + 8 <= (field.max_length or 10**6):
                        setattr(row, field.attname, f"{value}\x0bsoft\x0cpage")
                        changed.append(field.attname)
                if changed:
                    row.save(update_fields=changed)
                    cls.touched.setdefault(model._meta.label, set()).update(changed)

    def test_the_world_walks_the_models_that_reach_documents(self):
        for label in ("meetings.Agreement", "meetings.Commitment", "meetings.Meeting", "practices.Practice"):
            self.assertIn(label, self.touched)
        self.assertGreaterEqual(len(self.touched), 15, sorted(self.touched))

    def test_no_row_keeps_a_word_break(self):
        for model, fields in text_models():
            for field in fields:
                with self.subTest(field=f"{model._meta.label}.{field.name}"):
                    query = models.Q(**{f"{field.attname}__contains": "\x0b"}) | models.Q(
                        **{f"{field.attname}__contains": "\x0c"}
                    )
                    self.assertFalse(model._base_manager.filter(query).exists())

    def test_a_long_text_keeps_the_line_and_a_name_gets_a_space(self):
        self.assertEqual(without_word_breaks("a\x0bb\x0cc"), "a\nb\nc")
        self.assertEqual(without_word_breaks("a\x0bb", long_text=False), "a b")
        agreement = Agreement.objects.filter(text_en__contains="soft").first()
        self.assertIn("\nsoft\npage", agreement.text_en)

    def test_every_document_opens_for_every_reader_in_both_languages(self):
        for doc in DOCUMENTS:
            readers = [("ts", signed_in_as(self.n, "ts"), True), ("member", signed_in_as(self.n, doc.member), False)]
            for who, client, working in readers:
                for lang in ("es", "en"):
                    for copy in (False, True) if working and doc.approval and doc.kind != "html" else (False,):
                        with self.subTest(document=doc.name, reader=who, lang=lang, working=copy):
                            response = fetch(client, doc, self.n, lang, working=copy)
                            self.assertEqual(response.status_code, 200)
                            if doc.kind in ("docx", "xlsx"):
                                with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                                    self.assertIsNone(archive.testzip())
                            text = text_of(doc.kind, response.content)
                            self.assertNotIn("\x0b", text)
                            self.assertNotIn("\x0c", text)

    def test_the_pasted_text_is_in_the_report(self):
        doc = next(doc for doc in DOCUMENTS if doc.name == "meeting report")
        text = text_of("docx", fetch(self.client, doc, self.n, "en").content)
        self.assertIn("soft", text)

    def test_a_bell_or_an_escape_is_refused_with_the_fields_name_and_nothing_is_written(self):
        agreement = Agreement.objects.first()
        before = agreement.text_en
        agreement.text_en = "To thank\x07 the delegations"
        with self.assertRaises(ValidationError) as raised:
            agreement.save()
        self.assertIn("U+0007", str(raised.exception))
        agreement.refresh_from_db()
        self.assertEqual(agreement.text_en, before)
