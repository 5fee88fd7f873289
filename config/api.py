"""The REST API at /api/v1/: one NinjaAPI, each domain adds its router."""

import importlib
import importlib.util

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from accounts.auth import READ_AUTH
from core.access import record_refusal
from core.apps import project_apps

api = NinjaAPI(
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


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = _error_dict(exc)
    detail = "; ".join(
        f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs) for field, msgs in errors.items()
    )
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


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
