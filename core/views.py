"""Pages every domain shares: health check, search, error pages, document settings."""

import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import access, services
from . import prepared as prepared_exports
from . import search as search_module
from .access import record_refusal
from .forms import DocumentSettingsForm, add_service_errors
from .models import DocumentSettings


@never_cache
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def search(request):
    """Search the records the reader may see."""
    query = (request.GET.get("q") or "").strip()
    error = None
    results = []
    if len(query) > search_module.MAX_QUERY_LENGTH:
        error = _("The search is too long: use at most %(max)s characters.") % {"max": search_module.MAX_QUERY_LENGTH}
    elif query:
        results = search_module.search(request.user, query)
    status = 400 if error else 200
    template = "core/search.html#results" if request.htmx else "core/search.html"
    return render(request, template, {"query": query, "results": results, "error": error}, status=status)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """A refusal that says why in the reader's terms: members-only pages to the public and outsiders,
    records not published for this reader, and changes their role does not allow."""
    record_refusal(exception, request)
    action = getattr(exception, "action", "")
    if not access.sees_members_only(getattr(request, "user", None)) and action in ("view", "member"):
        reason = "members"
    elif action == "view":
        reason = "unpublished"
    else:
        reason = "role"
    return render(request, "403.html", {"reason": reason}, status=403)


DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request):
    """A failure: 503 when the database does not answer, else 500; JSON for the API and /healthz.

    No request context and no query: the failure may be the database the context processors read.
    """
    failure = sys.exc_info()[1]
    status = 503 if isinstance(failure, DATABASE_DOWN) else 500
    if request.path.startswith("/api/") or request.path.startswith("/healthz"):
        detail = (
            _("The database is unavailable; try again in a moment.")
            if status == 503
            else _("Something went wrong on the server; it was logged.")
        )
        if request.path.startswith("/healthz"):
            return JsonResponse({"status": "error", "database": type(failure).__name__}, status=status)
        return JsonResponse({"detail": detail}, status=status)
    template = "503.html" if status == 503 else "500.html"
    return HttpResponse(loader.render_to_string(template), status=status)


def bad_request(request, exception=None):
    """A request Django refuses before any view (a Host header not served, …): JSON for the API."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("The request is malformed (e.g. a Host header this server does not serve).")}, status=400
        )
    return render(request, "400.html", status=400)


@login_required
def document_settings(request):
    """The TS sets the logo of the official documents and the pattern of circular references."""
    row = DocumentSettings.current()
    access.require(request.user, access.CHANGE, row)
    form = DocumentSettingsForm(
        request.POST or None, request.FILES or None, initial={"circular_reference": row.circular_reference}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_document_settings(
                acting_user=request.user,
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
                circular_reference=data["circular_reference"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document settings are saved."))
            return redirect("core:document_settings")
    example = row.reference(timezone.localdate().year, 1)
    return render(
        request,
        "core/document_settings.html",
        {"form": form, "settings_row": row, "example": example},
        status=400 if form.errors else 200,
    )


def document_logo(request):
    """The network's logo as the documents show it (public, like the documents' headers)."""
    from .models import DocumentSettings

    row = DocumentSettings.objects.filter(pk=DocumentSettings.SINGLETON).first()
    if row is None or not row.logo:
        raise Http404
    kind = row.logo.name.rsplit(".", 1)[-1].lower()
    content_type = "image/png" if kind == "png" else "image/jpeg"
    response = FileResponse(row.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def prepared(request, key):
    """Where a prepared download stands (htmx polls it until it is ready), then its link."""
    row = prepared_exports.visible(request.user, key)
    if row is None:
        raise Http404
    template = "core/prepared.html#progress" if request.htmx else "core/prepared.html"
    return render(request, template, {"row": row, "name": prepared_exports.filename(row)})


@require_safe
def prepared_file(request, key):
    """A prepared download, sent from storage a block at a time (to whoever may have it)."""
    row = prepared_exports.visible(request.user, key)
    if row is None:
        raise Http404
    return prepared_exports.response(row)
