"""Every upload point — pages, API endpoints, management commands that read files — refuses the
hostile corpus (core/tests/upload_corpus.py) with a clear message and stores nothing, and accepts
the ok files of the kinds it declares.

The upload points are found, not listed by hand: pages from the URL configuration (views that read
request.FILES or use a form with a file field), API endpoints from the OpenAPI schema (multipart
bodies) and from their code, commands from their `path` argument. A new upload point that is not
in POINTS below fails `UploadPointsAreAllKnownTest`: add how to reach it as a user allowed there.
"""

import inspect
import io
import re
import shutil
import tempfile
import types
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from config.api import api
from core.testing import api_client, signed_in
from core.uploads import DEFAULT_MAX_BYTES, DOCUMENT_KINDS, SafeFileField

from .upload_corpus import corpus, docx_bytes, expected_refusal

# ---- finding the upload points ---------------------------------------------------------------


def _project_module(obj):
    module = getattr(obj, "__module__", "") or ""
    return module.split(".")[0] in settings.PROJECT_APPS


def _names(function, depth=2, seen=None):
    """Return (names the function's code uses, their values): with its nested code and the project
    functions it calls, `depth` calls deep."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return set(), {}
    seen.add(code)
    names, stack = set(), [code]
    while stack:
        current = stack.pop()
        names |= set(current.co_names)
        stack += [const for const in current.co_consts if isinstance(const, types.CodeType)]
    values = {name: function.__globals__[name] for name in names if name in function.__globals__}
    if depth:
        for value in list(values.values()):
            if isinstance(value, types.FunctionType) and _project_module(value):
                more, more_values = _names(value, depth - 1, seen)
                names |= more
                values.update(more_values)
    return names, values


def _file_forms(values):
    return {
        value
        for value in values.values()
        if isinstance(value, type)
        and issubclass(value, forms.BaseForm)
        and any(isinstance(f, forms.FileField) for f in value.base_fields.values())
    }


def _url_patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_patterns(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield namespace, pattern


def _view_functions(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return [callback], set()
    functions = [member for _name, member in inspect.getmembers(view_class, inspect.isfunction)]
    form_class = getattr(view_class, "form_class", None)
    return functions, {form_class} if form_class else set()


def page_upload_points():
    """{"page ns:name": (reads request.FILES, {form classes with file fields})} from the URL configuration."""
    found = {}
    for namespace, pattern in _url_patterns(get_resolver().url_patterns):
        functions, file_forms = _view_functions(pattern.callback)
        reads_files = False
        for function in functions:
            if not _project_module(inspect.unwrap(function)):
                continue
            names, values = _names(function)
            reads_files |= "FILES" in names
            file_forms |= _file_forms(values)
        file_forms = _file_forms({form.__name__: form for form in file_forms if form is not None})
        if reads_files or file_forms:
            found[f"page {namespace}:{pattern.name}"] = (reads_files, file_forms)
    return found


def api_upload_points():
    """{"api METHOD /path"} from the OpenAPI schema (multipart bodies) and from the endpoints' code."""
    found = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                found.add(f"api {method.upper()} {path}")
    root = reverse("api:openapi-json").removesuffix("openapi.json").rstrip("/")
    for prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if "FILES" in _names(operation.view_func)[0]:
                    path = re.sub(r"{\w+:(\w+)}", r"{\1}", f"/{prefix}/{route}")
                    for method in operation.methods:
                        found.add(f"api {method} {root}{re.sub('/+', '/', path)}")
    return found


def command_upload_points():
    """{"command name"} of the project's commands that read a file or folder given as `path`."""
    found = set()
    for name, app in get_commands().items():
        if app.split(".")[0] not in settings.PROJECT_APPS:
            continue
        parser = load_command_class(app, name).create_parser("manage.py", name)
        if any(not action.option_strings and action.dest == "path" for action in parser._actions):
            found.add(f"command {name}")
    return found


def project_file_forms():
    """Every form class of the project's apps that has a file field."""
    found, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        if _project_module(cls) and any(isinstance(f, forms.FileField) for f in cls.base_fields.values()):
            found.add(cls)
    return found


# ---- what a user allowed at each point does -----------------------------------------------------


@dataclass
class Point:
    """How to reach one upload point as a user allowed there."""

    user: str  # an attribute of the test network: ts, partner, hn_officer…
    url: Any  # (test) -> URL or command arguments (with "{path}" for the file)
    kinds: frozenset = DOCUMENT_KINDS
    max_bytes: int = DEFAULT_MAX_BYTES
    field: str = "file"
    data: Any = None  # (test) -> the other fields a user fills in
    form_page: Any = None  # (test) -> the page showing the form: its fields are sent as a browser would
    ok: Any = None  # (test) -> {ok file name: content} for points that read what the file says
    stores: bool = True  # an accepted file is kept under MEDIA_ROOT
    undeclared: str = "not accepted here"  # the message for a kind not declared here
    all_refused: tuple = ()  # nothing in the corpus is of this point's kind: the messages it may give


def _report_ok(lang):
    def ok(test):
        from meetings.tests.helpers import seed_text
        from meetings.tests.report_files import pdf_with_pages

        text = seed_text(lang)
        return {
            "ok-plain.txt": text.encode(),
            "ok-real.docx": docx_bytes(text.splitlines()),
            "ok-minimal.pdf": pdf_with_pages(text),
        }

    return ok


def _tree_ok(test):
    from plan import tree_io

    return {"ok-real.xlsx": tree_io.export_tree(test.plan, "xlsx"), "ok.csv": tree_io.export_tree(test.plan, "csv")}


def _meetings_points():
    from meetings.forms import ARCHIVE_MAX_BYTES
    from meetings.importer.reading import ACCEPTED
    from meetings.services import EVIDENCE_KINDS

    return {
        "page meetings:import": Point(
            "ts", lambda t: reverse("meetings:import"), ACCEPTED, ok=_report_ok("en"), stores=False
        ),
        # A zip of reports: nothing in the corpus is a zip, so every file is refused as not one.
        "page meetings:import_archive": Point(
            "ts",
            lambda t: reverse("meetings:import_archive"),
            frozenset({"zip"}),
            max_bytes=ARCHIVE_MAX_BYTES,
            stores=False,
        ),
        "page meetings:translation": Point(
            "ts",
            lambda t: reverse("meetings:translation", args=[t.english_only.pk]),
            ACCEPTED,
            ok=_report_ok("es"),
            stores=False,
        ),
        "page meetings:document_add": Point(
            "ts",
            lambda t: reverse("meetings:document_add", args=[t.meeting.pk]),
            form_page=lambda t: reverse("meetings:document_add", args=[t.meeting.pk]),
            data=lambda t: {"title": "Nota conceptual", "kind": "concept_note"},
        ),
        "page meetings:commitment": Point(
            "ts",
            lambda t: reverse("meetings:commitment", args=[t.commitment.pk]),
            EVIDENCE_KINDS,
            field="evidence_file",
            form_page=lambda t: reverse("meetings:commitment", args=[t.commitment.pk]),
            data=lambda t: {"status": "in_progress"},
        ),
        "command import_report": Point(
            "ts",
            lambda t: ["import_report", "{path}", "--as", t.n.ts.email],
            ACCEPTED,
            ok=_report_ok("en"),
            stores=False,
        ),
        "command import_reports": Point(
            "ts",
            lambda t: ["import_reports", "{path}", "--as", t.n.ts.email],
            ACCEPTED,
            ok=_report_ok("en"),
            stores=False,
        ),
    }


def _circulation_points():
    return {
        "page circulation:attachment_add": Point(
            "ts",
            lambda t: reverse("circulation:attachment_add", args=[t.draft.pk]),
            form_page=lambda t: reverse("circulation:detail", args=[t.draft.pk]),
        ),
        "page circulation:reply": Point(
            "gt_officer",
            lambda t: reverse("circulation:reply", args=[t.sent.pk]),
            form_page=lambda t: reverse("circulation:detail", args=[t.sent.pk]),
        ),
        "api POST /api/v1/circulars/{circular_id}/attachments": Point(
            "ts", lambda t: f"/api/v1/circulars/{t.draft.pk}/attachments"
        ),
        "api POST /api/v1/circulars/{circular_id}/replies": Point(
            "gt_officer", lambda t: f"/api/v1/circulars/{t.sent.pk}/replies", field="files"
        ),
    }


def _plan_points():
    from plan import tree_io

    return {
        "page plan:evidence_add": Point(
            "hn_officer",
            lambda t: reverse("plan:evidence_add", args=[t.plan.pk, 2018, "hn"]),
            data=lambda t: {"line": t.line.pk},
        ),
        "page plan:tree_import": Point(
            "ts",
            lambda t: reverse("plan:tree_import", args=[t.plan.pk]),
            frozenset(tree_io.FORMATS),
            tree_io.MAX_BYTES,
            ok=_tree_ok,
            stores=False,
        ),
        "command import_plan": Point(
            "ts",
            lambda t: ["import_plan", str(t.plan.pk), "{path}", "--as", t.n.ts.email],
            frozenset(tree_io.FORMATS),
            tree_io.MAX_BYTES,
            ok=_tree_ok,
            stores=False,
        ),
    }


def _practices_points():
    from practices.services import ATTACHMENT_KINDS

    return {
        "page practices:practice_file_add": Point(
            "partner",
            lambda t: reverse("practices:practice_file_add", args=[t.practice.pk]),
            ATTACHMENT_KINDS,
            form_page=lambda t: t.practice.get_absolute_url() + "?view=working",
        ),
        "page practices:resource_create": Point(
            "partner",
            lambda t: reverse("practices:resource_create"),
            ATTACHMENT_KINDS,
            form_page=lambda t: reverse("practices:resource_create"),
            data=lambda t: {"kind": "guide", "title_es": "Guía de acogida"},
        ),
        "page practices:resource_edit": Point(
            "partner",
            lambda t: reverse("practices:resource_edit", args=[t.resource.pk]),
            ATTACHMENT_KINDS,
            form_page=lambda t: reverse("practices:resource_edit", args=[t.resource.pk]),
        ),
        "api POST /api/v1/practices/{practice_id}/files": Point(
            "partner", lambda t: f"/api/v1/practices/{t.practice.pk}/files", ATTACHMENT_KINDS
        ),
        "api POST /api/v1/resources/{resource_id}/file": Point(
            "partner", lambda t: f"/api/v1/resources/{t.resource.pk}/file", ATTACHMENT_KINDS
        ),
    }


def _other_commands():
    return {
        # HSDS data packages (a folder, a zip of CSV files, or JSON): none of the corpus is one.
        "command import_hsds": Point(
            "ts", lambda t: ["import_hsds", "{path}"], all_refused=("Nothing was imported",), stores=False
        ),
        # The operator's own backup (a zip with a manifest): none of the corpus is one.
        "command restore": Point(
            "ts",
            lambda t: ["restore", "{path}"],
            all_refused=("not a readable zip file", "not an Enlace backup", "Unsafe path in the backup"),
            stores=False,
        ),
    }


def _core_points():
    from core.services import LOGO_KINDS, LOGO_MAX_BYTES

    return {
        "page core:document_settings": Point(
            "ts",
            lambda t: reverse("core:document_settings"),
            LOGO_KINDS,
            LOGO_MAX_BYTES,
            field="logo",
            form_page=lambda t: reverse("core:document_settings"),
        ),
    }


def all_points():
    return {
        **_core_points(),
        **_meetings_points(),
        **_circulation_points(),
        **_plan_points(),
        **_practices_points(),
        **_other_commands(),
    }


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
