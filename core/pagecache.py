"""What every anonymous reader sees alike, rendered once per change: the public page cache.

A view marked `@public_page` (and the public API lists of `PUBLIC_API`) is kept in the cache for
anonymous GET requests, under a key made of the content version, the day, the address with its
query, the reader's language, whether the answer is gzipped and the htmx headers. The content
version is the newest change in the audit trail (`core.audit`): every create, update and delete
of a tracked record — bulk imports included, which write their own entry — makes a new version,
so the next request renders the page again. Every worker reads the version from the database
(one indexed query), so a write seen by one app server is seen by all, whatever the cache
(local memory by default, Redis with CACHE_URL).

Answers carry `X-Page-Cache: hit` or `miss`, `ETag` and `Last-Modified`; a conditional GET whose
ETag still holds gets 304. The CSRF token of the page (the language switcher's form) and the CSP
nonce of its scripts are the reader's own: the cached copy holds markers that each answer replaces.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.http import http_date, quote_etag

# Public API reads kept like pages: anonymous GETs without credentials.
PUBLIC_API = ("/api/v1/practices/search", "/api/v1/organizations", "/api/v1/comparisons/analyses")
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Content-Language", "Vary", "Content-Disposition", "Cache-Control")
TOKEN_MARK = "@@enlace-csrf-token@@"  # noqa: S105 - a placeholder, not a secret
NONCE_MARK = "@@enlace-csp-nonce@@"
TIMEOUT = 24 * 3600


def public_page(view):
    """Mark a view whose anonymous answer is the same for every anonymous reader (language aside)."""
    view.public_page = True
    return view


def content_version():
    """(version, moment) of the newest change of a record, from the audit trail."""
    from core.models import AuditAction, AuditEntry

    changes = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
    newest = AuditEntry.objects.filter(action__in=changes).order_by("-pk").values_list("pk", "at").first()
    return newest or (0, None)


def cacheable(request, view_func):
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE:
        return False
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
        return False
    if "messages" in request.COOKIES:  # a message waits to be shown to this reader
        return False
    if getattr(view_func, "public_page", False):
        return True
    return request.path in PUBLIC_API


def _key(request, version):
    parts = [
        settings.PAGE_CACHE_RELEASE,
        str(version),
        timezone.localdate().isoformat(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-Trigger", ""),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class PublicPageCacheMiddleware:
    """Answer anonymous requests for public pages from the cache; keep what the view renders."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_page_cache", None)
        if pending is None or response.streaming:
            return response
        key, version, moment = pending
        content = response.content
        if response.status_code == 200 and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            kept = content
            nonce = getattr(request, "_csp_nonce", None)
            if nonce:  # the page's scripts carry this answer's CSP nonce: each answer puts its own
                kept = kept.replace(str(nonce).encode(), NONCE_MARK.encode())
            cache.set(f"page:{key}", (kept, headers), TIMEOUT)
            self._validators(response, key, version, moment)
            response["X-Page-Cache"] = "miss"
        if TOKEN_MARK.encode() in content:
            response.content = content.replace(TOKEN_MARK.encode(), get_token(request).encode())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not cacheable(request, view_func):
            return None
        version, moment = content_version()
        key = _key(request, version)
        request._page_cache = (key, version, moment)
        etag = self._etag(key)
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            request._page_cache = None
            return response
        kept = cache.get(f"page:{key}")
        if kept is None:
            return None
        content, headers = kept
        if TOKEN_MARK.encode() in content:
            content = content.replace(TOKEN_MARK.encode(), get_token(request).encode())
        if NONCE_MARK.encode() in content:
            content = content.replace(NONCE_MARK.encode(), str(request._csp_nonce).encode())
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        request._page_cache = None
        self._validators(response, key, version, moment)
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _etag(key):
        return quote_etag(f"p-{key[:32]}")

    def _validators(self, response, key, version, moment):
        response["ETag"] = self._etag(key)
        if moment is not None:
            response["Last-Modified"] = http_date(moment.timestamp())
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-cache"  # the browser asks again and gets 304 while nothing changed


def csrf_mark(request):
    """Context processor: in a page being kept, the CSRF token is a marker each answer replaces."""
    if getattr(request, "_page_cache", None) is not None:
        return {"csrf_token": TOKEN_MARK}
    return {}
