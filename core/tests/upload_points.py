"""Every place a file enters Enlace — pages, API operations, commands — found by walking the project.

Each point says how a user allowed there reaches it and a real file it accepts; used by
test_every_upload_point_refuses_hostile_files.py.
"""

import inspect
import re
import types
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.urls import URLResolver, get_resolver, reverse

from config.api import api
from core.uploads import DEFAULT_MAX_BYTES, DOCUMENT_KINDS

from .upload_corpus import docx_bytes

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
