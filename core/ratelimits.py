"""Rate limits: public search and token-authenticated API writes, counted in the cache.

With the embedded default (one process, a local-memory cache) the counters are the process's;
with CACHE_URL set to Redis they are shared, so a limit holds across every app server. The
counting is django-ratelimit's (`is_ratelimited`, fixed windows in the cache). A request over its
limit gets 429 with a Retry-After header and a message in the reader's language — JSON on the
API, a page elsewhere — and nothing is done.

RATE_LIMIT_SEARCH (per reader: account, else address), RATE_LIMIT_API_WRITES (per API token) and
RATE_LIMIT_EXPORTS (anonymous downloads of the whole directory, per address) are rates such as
"60/m"; an empty value turns that limit off.
"""

import hashlib
import re

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from .audit import client_address

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Where the public searches: the site search, the repository's page and API, the HSDS services list.
SEARCH_PATHS = {"/search/", "/practices/", "/api/v1/practices/search", "/api/hsds/services"}
SEARCH_PARAMETERS = ("q", "search")
# The public downloads of the whole directory (CSV, XLSX, the HSDS package): each reads every entry.
EXPORT_PATH = re.compile(r"^/map/(export|hsds)\.\w+$")
WINDOW_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _reader(group, request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_address(request) or 'unknown'}"


def _token(group, request):
    secret = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")[2].strip()
    return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]


def limit_for(request):
    """(group, key function, rate) of the limit this request counts against, or None."""
    if request.method in UNSAFE and request.path.startswith("/api/"):
        if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
            return "api-writes", _token, settings.RATE_LIMIT_API_WRITES
        return None
    anonymous = not getattr(getattr(request, "user", None), "is_authenticated", False)
    if request.method == "GET" and anonymous and EXPORT_PATH.match(request.path):
        return "exports", _reader, settings.RATE_LIMIT_EXPORTS
    searching = any(request.GET.get(name, "").strip() for name in SEARCH_PARAMETERS)
    if request.method == "GET" and request.path in SEARCH_PATHS and searching:
        return "search", _reader, settings.RATE_LIMIT_SEARCH
    return None


def window_seconds(rate):
    """The length of a rate's window in seconds: "60/m" → 60, "100/5m" → 300 (a minute if unreadable)."""
    match = re.fullmatch(r"\s*\d+\s*/\s*(\d*)\s*([smhd])\w*\s*", rate or "")
    if match is None:
        return 60
    return int(match.group(1) or 1) * WINDOW_SECONDS[match.group(2)]


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = limit_for(request)
        if limit is not None and limit[2]:
            group, key, rate = limit
            if is_ratelimited(request, group=group, key=key, rate=rate, method=is_ratelimited.ALL, increment=True):
                return self.refused(request, group, rate)
        return self.get_response(request)

    @staticmethod
    def refused(request, group, rate):
        retry = window_seconds(rate)
        if group == "search":
            message = _("Too many searches in a short time: wait a minute and search again.")
        elif group == "exports":
            message = _("Too many downloads of the directory in a short time: wait a minute and download again.")
        else:
            message = _("Too many changes through the API in a short time: wait a minute and send again.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "errors": {"__all__": [message]}}, status=429)
        else:
            response = render(request, "429.html", {"message": message}, status=429)
        response["Retry-After"] = str(retry)
        return response
