"""The REST API at /api/v1/: one NinjaAPI, each domain adds its router."""

import importlib
import importlib.util
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from accounts.auth import READ_AUTH
from core import boundedjson
from core.access import record_refusal
from core.api import without_null
from core.apps import project_apps
from core.refusals import status_of
from core.text import VISIBLE_TEXT_PATTERN
from core.versioning import EditConflict, current_as_dict


class BoundedParser(Parser):
    """Request bodies parsed with a nesting limit (core.boundedjson): a body 100,000 levels deep is a 400."""

    def parse_body(self, request):
        try:
            return boundedjson.loads(request.body)
        except boundedjson.TooDeep as error:
            raise json.JSONDecodeError(str(error), "", 0) from None


class EnlaceAPI(NinjaAPI):
    """The API, whose OpenAPI schema says what the server takes: every text of a request body is
    described with the characters it may hold (core.text), so no schema-valid text is refused."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        describe_request_texts(schema)
        return schema

    def get_openapi_operation_id(self, operation):
        """`<app>_api_<function>`, wherever in the app's api package the endpoint is written: clients
        keep the same operation names when an api.py becomes a package (schemas, endpoints)."""
        module = operation.view_func.__module__.split(".")
        return "_".join([*module[:2], operation.view_func.__name__])


def describe_request_texts(schema):
    """Add core.text's pattern to every free text of the request bodies (not to enums, formats or patterns)."""
    components = schema.get("components", {}).get("schemas", {})
    seen = set()

    def visit(node):
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen and name in components:
                seen.add(name)
                visit(components[name])
            return
        if node.get("type") == "string" and not ({"enum", "format", "pattern", "const"} & set(node)):
            node["pattern"] = VISIBLE_TEXT_PATTERN
        for key, value in node.items():
            if key not in ("enum", "const", "default", "example", "examples"):
                visit(value)

    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            if "requestBody" in operation:
                visit(operation["requestBody"])
                _no_null_in_forms(operation["requestBody"])
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema", {}))


def _no_null_in_forms(body):
    """A form field cannot be null: a multipart field is sent or left out."""
    form = body.get("content", {}).get("multipart/form-data", {}).get("schema", {})
    for field in form.get("properties", {}).values():
        without_null(field)


NO_NUL = "^[^\\u0000]*$"  # core.middleware refuses a NUL byte anywhere in a request


def _no_nul(node):
    """Say that a free-text query or path parameter holds no NUL byte (other characters are searched as given)."""
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not ({"enum", "format", "pattern", "const"} & set(node)):
        node["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            _no_nul(option)
    _no_nul(node.get("items"))


api = EnlaceAPI(
    parser=BoundedParser(),
    title="Enlace API",
    version="1",
    description=(
        "Network directory of the Regional Conference on Migration. Read without signing in to get "
        "published records; with a session or a bearer token (from your account's API tokens page) "
        "members also get contact details and may write what their role allows."
    ),
    auth=READ_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error_dict(error):
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for item in errors for m in getattr(item, "messages", [item])]
            for field, errors in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


def _detail(errors):
    return "; ".join(
        f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs) for field, msgs in errors.items()
    )


@api.exception_handler(EditConflict)
def on_edit_conflict(request, exc):
    """Someone saved the record after the caller read it: 409 with the saved version; nothing written."""
    current = exc.current
    body = {
        "detail": exc.messages[0],
        "revision": getattr(current, "revision", None),
        "current": current_as_dict(current),
    }
    return api.create_response(request, body, status=409)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    """400 with field messages; 404, 403 or 409 when every message says so (core.refusals)."""
    errors = _error_dict(exc)
    status = status_of(exc)
    return api.create_response(request, {"detail": _detail(errors), "errors": errors}, status=status)


@api.exception_handler(NinjaValidationError)
def on_input_error(request, exc):
    """Malformed input (wrong type, too long, missing): 400 with field messages, like service errors."""
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        errors.setdefault(".".join(location) or "__all__", []).append(message)
    return api.create_response(request, {"detail": _detail(errors), "errors": errors}, status=400)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    """Ninja's own refusals (e.g. an unreadable body): 400s keep the field-errors shape."""
    if exc.status_code == 400:
        message = _("The request body is not valid JSON.")
        return api.create_response(request, {"detail": message, "errors": {"__all__": [message]}}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    """A multipart body without a boundary, or broken: 400, not a server error."""
    message = _("The request body is not a valid multipart form (with a boundary).")
    return api.create_response(request, {"detail": message, "errors": {"__all__": [message]}}, status=400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    record_refusal(exc, request)
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign in or send a valid API token.")}, status=401)


def _register_routers():
    """Mount the router of every domain app that has an api.py."""
    for app in project_apps():
        if importlib.util.find_spec(f"{app.name}.api"):
            module = importlib.import_module(f"{app.name}.api")
            router = getattr(module, "router", None)
            if router is not None:
                api.add_router("/", router)


_register_routers()
