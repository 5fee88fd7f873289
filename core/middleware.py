"""Per-request context: the reader's language and time zone, and the audit trail's request."""

import zoneinfo

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import request_context


class UserPreferencesMiddleware:
    """Use a signed-in user's saved language and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class AuditContextMiddleware:
    """Let audit entries written during the request know who and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)


class RejectNulBytesMiddleware:
    """Refuse input holding NUL characters: no text in Enlace has them, and PostgreSQL rejects them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_nul(request):
            message = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {"__all__": [message]}}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def has_nul(request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith("application/json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        if request.method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            return any("\x00" in value for values in request.POST.lists() for value in values[1])
        return False


class SharedCacheMiddleware:
    """Let a proxy or CDN keep the answers marked `Cache-Control: public`.

    A view answers `public` only when the answer is the same for every reader who asks that
    address (the anonymous map's data names its language and viewport in the address; the borders
    and the documents' logo are the same for all), so the `Vary: Cookie, Accept-Language` that
    sessions and locales add would only stop shared caches from keeping it. Placed outside the
    session and locale middleware, it removes those two from `Vary` (compression still adds
    `Accept-Encoding`). An answer that sets a cookie is made private instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            return response
        if response.cookies:
            response["Cache-Control"] = "private, max-age=60"
            return response
        kept = [part.strip() for part in response.get("Vary", "").split(",") if part.strip()]
        kept = [part for part in kept if part.lower() not in ("cookie", "accept-language")]
        if kept:
            response["Vary"] = ", ".join(kept)
        elif response.has_header("Vary"):
            del response["Vary"]
        return response
