"""What every anonymous reader sees alike, rendered once per change: the public page cache.

A view marked `@public_page` (and the public API lists of `PUBLIC_API`) is kept in the cache for
anonymous GET requests, under a key made of the content version, the day, the address with its
query, the reader's language, whether the answer is gzipped and the htmx headers. The content
version is the newest change in the audit trail (`core.audit`): every create, update and delete
of a tracked record — bulk imports included, which write their own entry — makes a new version,
so the next request renders the page again. Every worker reads the version from the database
(one indexed query), so a write seen by one app server is seen by all, whatever the cache
(local memory by default, Redis with CACHE_URL).

A signed-in reader's working pages (views marked `@reader_page`: the follow-up board, My work,
notifications, a circular's board, the plan's and a comparison's pages, and their own commitments
through the API), and the public pages they read while signed in, are kept for that reader
alone, under the same version plus their notifications' state and time zone, for one minute at
most: they say "overdue" or "today".

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
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, quote_etag

# Public API reads kept like pages: anonymous GETs without credentials (the meetings: one minute).
PUBLIC_API = ("/api/v1/practices/search", "/api/v1/organizations", "/api/v1/comparisons/analyses")
PUBLIC_API_CLOCK = ("/api/v1/meetings",)
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Content-Language", "Vary", "Content-Disposition", "Cache-Control")
TOKEN_MARK = "@@enlace-csrf-token@@"  # noqa: S105 - a placeholder, not a secret
NONCE_MARK = "@@enlace-csp-nonce@@"
TIMEOUT = 24 * 3600
# A reader's own working pages (board, My work, the plan's pages…) are kept one minute at most:
# they say "overdue" or "today", which change with the clock and not with a write.
READER_TIMEOUT = 60
# The reader's own API list kept like their pages (signed in through the session).
READER_API = ("/api/v1/commitments",)


def public_page(view=None, *, clock=False):
    """Mark a view whose anonymous answer is the same for every anonymous reader (language aside).

    `clock=True`: the page also says what is happening now (a meeting under way, upcoming ones), so
    it is kept one minute at most.
    """

    def mark(function):
        function.public_page = "clock" if clock else True
        return function

    return mark(view) if view is not None else mark


def reader_page(view):
    """Mark a signed-in reader's working page, kept for that reader until a change (or a minute)."""
    view.reader_page = True
    return view


def content_version(user=None):
    """(version, moment) of the newest change of a record, from the audit trail.

    Read once per request: kept on the request's user (anonymous included) when one is given.
    """
    known = getattr(user, "_enlace_content_version", None)
    if known is not None:
        return known
    from core.models import AuditAction, AuditEntry

    changes = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
    newest = AuditEntry.objects.filter(action__in=changes).order_by("-pk").values_list("pk", "at").first()
    newest = newest or (0, None)
    if user is not None:
        user._enlace_content_version = newest
    return newest


_reader_states = []


def register_reader_state(read):
    """Let an app add what else a reader's pages show that the audit trail does not hold.

    `read(user)` returns a short text that changes when that state does (messaging registers the
    reader's notifications: newest and unread count).
    """
    _reader_states.append(read)


def reader_version(user):
    parts = [str(user.pk), timezone.get_current_timezone_name(), *(read(user) for read in _reader_states)]
    return ":".join(parts)


def cacheable(request, view_func):
    """None (not kept), "public", "clock" (public, one minute at most) or "reader"."""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE:
        return None
    if "HTTP_AUTHORIZATION" in request.META or "messages" in request.COOKIES:  # a message waits for this reader
        return None
    if request.user.is_authenticated:
        # A public page read while signed in shows member-only parts: kept for that reader alone.
        if getattr(view_func, "reader_page", False) or getattr(view_func, "public_page", False):
            return "reader"
        return "reader" if request.path in READER_API else None
    marked = getattr(view_func, "public_page", False)
    if marked == "clock" or request.path in PUBLIC_API_CLOCK:
        return "clock"
    if marked or request.path in PUBLIC_API:
        return "public"
    return None


def _key(request, version, reader=""):
    parts = [
        settings.PAGE_CACHE_RELEASE,
        str(version),
        reader,
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
        key, version, moment, timeout = pending
        content = response.content
        shown_messages = len(getattr(request, "_messages", ()) or ())
        if response.status_code == 200 and not response.cookies and not shown_messages:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            kept = content
            nonce = getattr(request, "_csp_nonce", None)
            if nonce:  # the page's scripts carry this answer's CSP nonce: each answer puts its own
                kept = kept.replace(str(nonce).encode(), NONCE_MARK.encode())
            cache.set(f"page:{key}", (kept, headers), timeout)
            self._validators(response, key, version, moment, timeout)
            response["X-Page-Cache"] = "miss"
        if TOKEN_MARK.encode() in content:
            response.content = content.replace(TOKEN_MARK.encode(), get_token(request).encode())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        kind = cacheable(request, view_func)
        if kind is None:
            return None
        version, moment = content_version(request.user)
        if kind == "reader":
            key, timeout = _key(request, version, reader_version(request.user)), READER_TIMEOUT
        elif kind == "clock":
            key, timeout = _key(request, version, "clock"), READER_TIMEOUT
        else:
            key, timeout = _key(request, version), TIMEOUT
        request._page_cache = (key, version, moment, timeout)
        etag = self._etag(key)
        if kind == "public" and etag in request.headers.get("If-None-Match", ""):
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
        self._validators(response, key, version, moment, timeout)
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _etag(key):
        return quote_etag(f"p-{key[:32]}")

    def _validators(self, response, key, version, moment, timeout=TIMEOUT):
        if timeout == TIMEOUT:  # a reader's page also changes with the clock: no validators
            response["ETag"] = self._etag(key)
            if moment is not None:
                response["Last-Modified"] = http_date(moment.timestamp())
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-cache"  # the browser asks again and gets 304 while nothing changed
        patch_vary_headers(response, ["Cookie", "Accept-Language"])


def csrf_mark(request):
    """Context processor: in a page being kept, the CSRF token is a marker each answer replaces."""
    if getattr(request, "_page_cache", None) is not None:
        return {"csrf_token": TOKEN_MARK}
    return {}
