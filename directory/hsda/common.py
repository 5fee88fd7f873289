"""What every HSDA endpoint shares: its parameters, checked strictly, and its pages."""

import datetime
import json
import math
import re
import uuid

from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core import access
from core.i18n import current_language

from ..models import Service

PER_PAGE = 50


MAX_PER_PAGE = 200


MAX_SEARCH = 200


SPEC_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


class BadRequest(Exception):
    pass


def _json(data, status=200):
    return JsonResponse(data, status=status, safe=isinstance(data, dict), json_dumps_params={"ensure_ascii": False})


def api_view(view):
    """Answer GET only, with JSON errors (400 for a bad parameter, 404) and never a 500 for bad input."""

    @csrf_exempt  # read-only: any other method is a 405 naming GET and HEAD, not a CSRF refusal
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _json({"detail": _("Only GET is allowed here.")}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            _check_parameters(request)
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return _json({"detail": str(error)}, status=400)
        except Http404:
            return _json({"detail": _("Not found.")}, status=404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _lang(request):
    lang = request.GET.get("lang", "")
    return lang if lang in ("es", "en") else current_language()


def _bool(request, name):
    if name not in request.GET:
        return False
    value = request.GET[name].lower()
    if value in ("false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise BadRequest(_("%(name)s must be true or false.") % {"name": name})


def _int(request, name, default, low, high):
    if name not in request.GET:
        return default
    value = request.GET[name]
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(_("%(name)s must be a whole number.") % {"name": name}) from None
    if not low <= number <= high:
        raise BadRequest(_("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high})
    return number


UUID_PATTERN = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


_DAY = r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"


_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?"


DATE_TIME_PATTERN = rf"^{_DAY}([T ]{_TIME})?$"


def _moment(text):
    """A date or date and time as DATE_TIME_PATTERN says, in UTC.

    A day past the month's end rolls over (Feb 31 → Mar 2)."""
    if not re.match(DATE_TIME_PATTERN, text):
        return None
    first = text[:8] + "01" + text[10:]
    when = parse_datetime(first) if len(text) > 10 else parse_date(first)
    if when is None:
        return None
    when += datetime.timedelta(days=int(text[8:10]) - 1)
    if isinstance(when, datetime.datetime) and when.tzinfo is not None:
        # PostgreSQL takes offsets up to ±15:59 only; ISO 8601 allows ±23:59.
        when = when.astimezone(datetime.UTC)
    return when


def _uuid(value, name="id"):
    if not re.match(UUID_PATTERN, str(value)):
        raise BadRequest(_("%(name)s must be a UUID.") % {"name": name})
    return uuid.UUID(str(value))


def _record_id(value):
    """A record's id in a path: one that is not a UUID names no record (404)."""
    if not re.match(UUID_PATTERN, str(value)):
        raise Http404
    return uuid.UUID(str(value))


def _uuid_param(request, name):
    value = request.GET.get(name, "")
    return _uuid(value, name) if value else None


BOOLEANS = ("full", "full_service", "minimal", "top_only")


UUIDS = ("taxonomy_term_id", "taxonomy_id", "organization_id", "parent_id")


def _check_parameters(request):
    """Every parameter the API knows is checked the same way on every path, whether the path uses it or not."""
    _int(request, "page", 1, 1, 10**6)
    _int(request, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    if "format" in request.GET:
        _format(request)
    for name in BOOLEANS:
        _bool(request, name)
    for name in UUIDS:
        _uuid_param(request, name)
    modified = request.GET.get("modified_after", "")
    if modified and _moment(modified) is None:
        raise BadRequest(_("modified_after must be a date and time (ISO 8601)."))
    proximity = request.GET.get("proximity", "")
    if proximity:
        try:
            metres = float(proximity)
        except ValueError:
            raise BadRequest(_("proximity must be a number of metres.")) from None
        if not 0 < metres <= 5_000_000:
            raise BadRequest(_("proximity must be between 1 and 5,000,000 metres."))


def _search_words(request):
    return [w for w in request.GET.get("search", "")[:MAX_SEARCH].split() if w][:8]


def _format(request):
    fmt = request.GET.get("format", "json") or "json"
    if fmt not in ("json", "ndjson"):
        raise BadRequest(_("format must be json or ndjson."))
    return fmt


def _page(request, rows, render):
    """Paginate `rows` (a queryset) as HSDA says, rendering the page's items with `render(list)`."""
    page = _int(request, "page", 1, 1, 10**6)
    per_page = _int(request, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    total = rows.count()
    items = list(rows[(page - 1) * per_page : page * per_page])
    contents = render(items) if items else []
    pages = math.ceil(total / per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _ndjson(rows, render, chunk=200):
    def stream():
        ids = list(rows.values_list("pk", flat=True))
        for start in range(0, len(ids), chunk):
            batch = list(rows.model.objects.filter(pk__in=ids[start : start + chunk]).order_by("pk"))
            for item in render(batch):
                yield json.dumps(item, ensure_ascii=False) + "\n"

    return StreamingHttpResponse(stream(), content_type="application/x-ndjson")


def _public(request):
    return not access.sees_members_only(request.user)


def _services(request):
    return access.restrict(Service.objects.published(), request.user)
