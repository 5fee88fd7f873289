"""Every upload point — pages, API endpoints, management commands that read files — refuses the
hostile corpus (core/tests/upload_corpus.py) with a clear message and stores nothing, and accepts
the ok files of the kinds it declares.

The upload points are found, not listed by hand: pages from the URL configuration (views that read
request.FILES or use a form with a file field), API endpoints from the OpenAPI schema (multipart
bodies) and from their code, commands from their `path` argument. A new upload point that is not
in core/tests/upload_points.py fails `UploadPointsAreAllKnownTest`: add how to reach it as a user allowed there.
"""

import io
import shutil
import tempfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from core.testing import api_client, signed_in
from core.uploads import SafeFileField

from .upload_corpus import corpus, expected_refusal
from .upload_points import (
    all_points,
    api_upload_points,
    command_upload_points,
    page_upload_points,
    project_file_forms,
)


class UploadPointsAreAllKnownTest(SimpleTestCase):
    def test_every_upload_point_of_the_pages_the_api_and_the_commands_is_in_the_corpus_test(self):
        points = set(all_points())
        pages = page_upload_points()
        found = (
            {key for key, (reads_files, _forms) in pages.items() if reads_files}
            | api_upload_points()
            | command_upload_points()
        )
        self.assertEqual(
            sorted(found ^ points),
            [],
            "An upload point is not in core/tests/test_every_upload_point_refuses_hostile_files.py POINTS "
            "(or is listed there but no longer exists): add how a user allowed there reaches it.",
        )
        # A page that shows an upload form without reading files (a detail page) posts it to a listed point.
        posted = set().union(*(file_forms for key, (_reads, file_forms) in pages.items() if key in points))
        for key, (reads_files, file_forms) in pages.items():
            if not reads_files:
                with self.subTest(page=key):
                    self.assertLessEqual(file_forms, posted)

    def test_every_form_with_a_file_field_is_used_by_a_known_page_and_checks_the_upload(self):
        used = set().union(*(file_forms for _reads, file_forms in page_upload_points().values()))
        for form in project_file_forms():
            with self.subTest(form=form.__qualname__):
                self.assertIn(form, used, "a form with a file field that no page in the URL configuration uses")
                for name, file_field in form.base_fields.items():
                    if isinstance(file_field, forms.FileField):
                        self.assertIsInstance(file_field, SafeFileField, f"{name} must be a core.uploads.SafeFileField")

    def test_the_pages_declare_the_kinds_and_limits_their_services_check(self):
        """The form of a page and the service behind it declare the same kinds (one declaration)."""
        for key, point in all_points().items():
            if not key.startswith("page "):
                continue
            reads, file_forms = page_upload_points()[key]
            for form in file_forms:
                file_field = form.base_fields[point.field]
                with self.subTest(point=key, form=form.__qualname__):
                    self.assertEqual(file_field.kinds, frozenset(point.kinds))
                    self.assertEqual(file_field.max_bytes, point.max_bytes)


# ---- running the corpus -------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would send with each form of a page: {action: {name: [values]}}."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(attrs.get("action") or "", {})
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            value = attrs.get("value") or ("on" if kind == "checkbox" else "")
            self.current.setdefault(attrs["name"], []).append(value)
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], None, None, "multiple" in attrs]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in attrs:
                if self.select[3]:
                    self.current.setdefault(self.select[0], []).append(value)
                else:
                    self.select[2] = value
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.current[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, first, chosen, multiple = self.select
            if not multiple:
                self.current[name] = [chosen if chosen is not None else first or ""]
            self.select = None


def browser_fields(client, page, action):
    """The fields the form posting to `action` on `page` sends as shown (hidden revision fields included)."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = _FormFields()
    parser.feed(response.content.decode())
    fields = parser.forms.get(action) if action != page else parser.forms.get(action, parser.forms.get(""))
    assert fields is not None, f"no form posting to {action} on {page}: {sorted(parser.forms)}"
    fields.pop("csrfmiddlewaretoken", None)
    return {name: values if len(values) > 1 else values[0] for name, values in fields.items()}


def table_counts():
    """Rows in every table, in one query."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models() if model._meta.managed and not model._meta.proxy}
    )
    quote = connection.ops.quote_name
    # Table names come from the models, quoted by the backend: no input reaches this query.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


class EveryUploadPointTest(TestCase):
    """Each point gets every corpus file, each in a transaction rolled back afterwards."""

    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp(prefix="enlace-uploads-")
        cls.folder = tempfile.mkdtemp(prefix="enlace-corpus-")
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media))
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media, ignore_errors=True)
        shutil.rmtree(cls.folder, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        from circulation import services as circulation
        from circulation.testing import circulate
        from meetings.tests.helpers import build_rcm, commitment, import_seed
        from plan.testing import build_plan, fill_report
        from practices import services as practices
        from practices.models import ResourceKind
        from practices.tests.helpers import practice_fields

        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.english_only = import_seed(cls.n, publish=False, approve=False, spanish=False)
        cls.commitment = commitment(cls.meeting, "4c")
        cls.draft = circulation.create_circular(
            acting_user=cls.n.ts, countries=[cls.n.gt], title_en="Draft note", body_en="To attach documents to."
        )
        cls.sent = circulate(acting_user=cls.n.ts, countries=[cls.n.gt], title_en="Sent note", body_en="Reply, please.")
        cls.p = build_plan(cls.n)
        cls.plan = cls.p.plan
        report = fill_report(cls.plan, 2018, cls.n.hn, cls.n.hn_officer, {})
        cls.line = report.lines.get(node=cls.p.national_a)
        cls.practice = practices.create_practice(acting_user=cls.n.partner, **practice_fields(cls.n))
        cls.resource = practices.create_resource(
            acting_user=cls.n.partner, kind=ResourceKind.GUIDE, title_es="Guía", url="https://example.org/guia"
        )

    def setUp(self):
        self.enterContext(translation.override("en"))

    def tearDown(self):
        for child in Path(self.media).iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()

    # -- one case ---------------------------------------------------------------------------------

    def send(self, key, point, client, name, content):
        """Send one file to the point; return (accepted, message shown)."""
        if key.startswith("command "):
            path = Path(self.folder) / name
            path.write_bytes(content)
            args = [str(path) if arg == "{path}" else arg for arg in point.url(self)]
            try:
                call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
            except CommandError as error:
                return False, str(error)
            finally:
                path.unlink()
            return True, ""
        upload = SimpleUploadedFile(name, content)
        url = point.url(self)
        if key.startswith("api "):
            response = client.post(url, {point.field: upload}, headers={"Accept-Language": "en"})
            self.assertIn(response.status_code, (200, 201, 400), response.content[:500])
            return response.status_code != 400, response.json().get("detail", "")
        data = browser_fields(client, point.form_page(self), url) if point.form_page else {}
        data.update(point.data(self) if point.data else {})
        data[point.field] = upload
        response = client.post(url, data, follow=True, headers={"Accept-Language": "en"})
        self.assertIn(response.status_code, (200, 400))
        shown = list(response.context.get("messages", [])) if response.context else []
        errors = [str(message) for message in shown if message.level_tag == "error"]
        refused = response.status_code == 400 or errors or not response.redirect_chain
        return not refused, unescape(response.content.decode())

    def run_corpus(self, key):
        point = all_points()[key]
        client = None
        if key.startswith("page "):
            client = signed_in(getattr(self.n, point.user))
        elif key.startswith("api "):
            client = api_client(getattr(self.n, point.user))
        files = corpus(point.kinds, point.max_bytes, ok=point.ok(self) if point.ok else None)
        for name, content in files.items():
            kind = name.rsplit(".", 1)[-1]
            with self.subTest(point=key, file=name), transaction.atomic():
                before, media_before = table_counts(), stored_files(self.media)
                accepted, message = self.send(key, point, client, name, content)
                if name.startswith("ok") and kind in point.kinds and not point.all_refused:
                    self.assertTrue(accepted, f"{name} refused at {key}: {message[-3000:]}")
                    if point.stores:
                        self.assertEqual(len(stored_files(self.media)), len(media_before) + 1)
                else:
                    self.assertFalse(accepted, f"{name} accepted at {key}")
                    if point.all_refused:
                        self.assertTrue(any(text in message for text in point.all_refused), message)
                    else:
                        self.assertIn(expected_refusal(name, point.kinds, point.undeclared), message)
                    if key.startswith(("page ", "api ")):
                        self.assertIn(name, message)  # the message names the file
                    self.assertEqual(table_counts(), before, f"{name} at {key} wrote rows")
                    self.assertEqual(stored_files(self.media), media_before, f"{name} at {key} stored a file")
                transaction.set_rollback(True)


def _test_for(key):
    def test(self):
        self.run_corpus(key)

    slug = key.replace("api POST /api/v1/", "api ").translate(str.maketrans(" :/{}-", "______"))
    test.__name__ = f"test_{slug.strip('_')}"
    test.__doc__ = f"{key}: every bad file refused with its message and nothing stored; ok files accepted."
    return test


for _key in all_points():
    _test = _test_for(_key)
    setattr(EveryUploadPointTest, _test.__name__, _test)
