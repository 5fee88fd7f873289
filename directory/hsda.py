"""The HSDS API (HSDA 3.0) under /api/hsds/: every path of Open Referral's openapi.json.

Plain JSON views, read-only, paginated as the specification says (`page` from 1, `per_page`,
and `total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`
around `contents`). Callers get what core.access lets them see: the public gets published
services, no named contacts, and a confidential location at its municipality. Texts come in
the reader's language (`Accept-Language` or `?lang=es|en`), both languages as attributes.
"""

import copy
import datetime
import json
import math
import re
import uuid

from django.db.models import Q
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core import access
from core.i18n import current_language

from . import hsds
from .hsds.tables import Nester, collect, taxonomy_json, term_json
from .models import MapPoint, Place, PlaceKind, Provider, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .queries import haversine_km

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
    return not access.principal_for(request.user).is_member


def _services(request):
    return access.restrict(Service.objects.published(), request.user)


# ---- Views -----------------------------------------------------------------------------------


@api_view
def root(request):
    """About this API and its relation with HSDS."""
    return _json(
        {
            "version": "3.0",
            "profile": "https://docs.openreferral.org/en/latest/hsds/",
            "openapi_url": request.build_absolute_uri(reverse("directory:hsds_openapi")),
        }
    )


def _render_services(request, full):
    def render(items):
        tables = collect(
            Service.objects.filter(pk__in=[s.pk for s in items]), public=_public(request), lang=_lang(request)
        )
        nester = Nester(tables)
        by_id = {row["id"]: row for row in tables.rows("service")}
        out = []
        for service in items:
            row = by_id[str(service.pk)]
            item = nester.service(row, full=full)
            if not full and row.get("organization_id") in tables["organization"]:
                item["organization"] = hsds_clean_org(tables["organization"][row["organization_id"]])
            out.append(item)
        return out

    return render


def hsds_clean_org(row):
    from .hsds.tables import clean

    return clean("organization", row)


@api_view
def services(request):
    """Services, paginated; `full=true` nests everything, `minimal=true` gives ids and dates only."""
    rows = _services(request)
    for word in _search_words(request):
        rows = rows.filter(
            Q(name_es__icontains=word) | Q(name_en__icontains=word) | Q(description_es__icontains=word)
            | Q(description_en__icontains=word) | Q(provider__name_es__icontains=word)
        )  # fmt: skip
    term = _uuid_param(request, "taxonomy_term_id")
    if term:
        rows = rows.filter(terms=term)
    taxonomy = _uuid_param(request, "taxonomy_id")
    if taxonomy:
        rows = rows.filter(terms__taxonomy=taxonomy).distinct()
    organization = _uuid_param(request, "organization_id")
    if organization:
        rows = rows.filter(provider_id=organization)
    modified = request.GET.get("modified_after", "")
    if modified:
        when = _moment(modified)
        if when is None:
            raise BadRequest(_("modified_after must be a date and time (ISO 8601)."))
        rows = (
            rows.filter(last_modified__gte=when)
            if hasattr(when, "hour")
            else rows.filter(last_modified__date__gte=when)
        )
    rows = rows.order_by("pk")
    if _bool(request, "minimal"):
        render = lambda items: [  # noqa: E731
            {"id": str(s.pk), "last_modified": s.last_modified.isoformat().replace("+00:00", "Z")} for s in items
        ]
    else:
        render = _render_services(request, full=_bool(request, "full"))
    if _format(request) == "ndjson":
        return _ndjson(rows, render)
    return _json(_page(request, rows, render))


@api_view
def service(request, pk):
    """One fully nested service."""
    obj = _services(request).filter(pk=_record_id(pk)).first()
    if obj is None:
        raise Http404
    return _json(_render_services(request, full=True)([obj])[0])


@api_view
def taxonomies(request):
    rows = Taxonomy.objects.order_by("pk")
    for word in _search_words(request):
        rows = rows.filter(Q(name_es__icontains=word) | Q(name_en__icontains=word) | Q(code__icontains=word))
    lang = _lang(request)
    render = lambda items: [taxonomy_json(t, lang) for t in items]  # noqa: E731
    if _format(request) == "ndjson":
        return _ndjson(rows, render)
    return _json(_page(request, rows, render))


@api_view
def taxonomy(request, pk):
    obj = Taxonomy.objects.filter(pk=_record_id(pk)).first()
    if obj is None:
        raise Http404
    return _json(taxonomy_json(obj, _lang(request)))


@api_view
def taxonomy_terms(request):
    rows = TaxonomyTerm.objects.select_related("taxonomy").order_by("pk")
    for word in _search_words(request):
        rows = rows.filter(Q(name_es__icontains=word) | Q(name_en__icontains=word) | Q(code__icontains=word))
    taxonomy_id = _uuid_param(request, "taxonomy_id")
    if taxonomy_id:
        rows = rows.filter(taxonomy_id=taxonomy_id)
    parent_id = _uuid_param(request, "parent_id")
    if parent_id:
        rows = rows.filter(parent_id=parent_id)
    if _bool(request, "top_only"):
        rows = rows.filter(children__isnull=True)
    lang = _lang(request)
    render = lambda items: [term_json(t, lang) for t in items]  # noqa: E731
    if _format(request) == "ndjson":
        return _ndjson(rows, render)
    return _json(_page(request, rows, render))


@api_view
def taxonomy_term(request, pk):
    obj = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=_record_id(pk)).first()
    if obj is None:
        raise Http404
    return _json(term_json(obj, _lang(request)))


def _render_organizations(request, full, full_service):
    def render(items):
        ids = [p.pk for p in items]
        tables = collect(
            _services(request).filter(provider_id__in=ids), public=_public(request), lang=_lang(request), providers=ids
        )
        nester = Nester(tables)
        by_org = {}
        for row in tables.rows("service"):
            item = (
                nester.service(row, full=True)
                if full_service
                else {"id": row["id"], "name": row["name"], "status": row["status"]}
            )
            by_org.setdefault(row["organization_id"], []).append(item)
        out = []
        for provider in items:
            row = tables["organization"][str(provider.pk)]
            if full or full_service:
                out.append(nester.organization(row, services=by_org.get(row["id"], [])))
            else:
                out.append(hsds_clean_org(row))
        return out

    return render


@api_view
def organizations(request):
    rows = Provider.objects.order_by("pk")
    for word in _search_words(request):
        rows = rows.filter(Q(name_es__icontains=word) | Q(name_en__icontains=word) | Q(alternate_name__icontains=word))
    render = _render_organizations(request, _bool(request, "full"), _bool(request, "full_service"))
    if _format(request) == "ndjson":
        return _ndjson(rows, render)
    return _json(_page(request, rows, render))


@api_view
def organization(request, pk):
    obj = Provider.objects.filter(pk=_record_id(pk)).first()
    if obj is None:
        raise Http404
    return _json(_render_organizations(request, True, _bool(request, "full_service"))([obj])[0])


def _render_links(request, full):
    def render(items):
        service_ids = {link.service_id for link in items}
        tables = collect(_services(request).filter(pk__in=service_ids), public=_public(request), lang=_lang(request))
        nester = Nester(tables)
        out = []
        for link in items:
            row = tables["service_at_location"].get(str(link.pk))
            if row is None:
                continue
            if full:
                item = nester.service_at_location(row)
                item["service"] = nester.service(tables["service"][row["service_id"]], full=False)
            else:
                item = {k: v for k, v in row.items() if v not in (None, "")}
                location = tables["location"].get(row["location_id"])
                if location is not None:
                    from .hsds.tables import clean

                    item["location"] = clean("location", location)
                item["service"] = nester.service(tables["service"][row["service_id"]], full=False)
            out.append(item)
        return out

    return render


@api_view
def service_at_locations(request):
    rows = ServiceAtLocation.objects.filter(service__in=_services(request)).order_by("pk")
    for word in _search_words(request):
        rows = rows.filter(
            Q(service__name_es__icontains=word)
            | Q(service__name_en__icontains=word)
            | Q(location__name__icontains=word)
        )
    term = _uuid_param(request, "taxonomy_term_id")
    if term:
        rows = rows.filter(service__terms=term)
    taxonomy = _uuid_param(request, "taxonomy_id")
    if taxonomy:
        rows = rows.filter(service__terms__taxonomy=taxonomy).distinct()
    organization = _uuid_param(request, "organization_id")
    if organization:
        rows = rows.filter(service__provider_id=organization)
    rows = _proximity(request, rows)
    render = _render_links(request, _bool(request, "full"))
    if _format(request) == "ndjson":
        return _ndjson(rows, render)
    return _json(_page(request, rows, render))


def _proximity(request, rows):
    """`postcode` names one of our municipalities (its code); `proximity` is metres from its centroid."""
    postcode = request.GET.get("postcode", "")[:40]
    proximity = request.GET.get("proximity", "")
    try:
        metres = float(proximity) if proximity else 25000.0
    except ValueError:
        raise BadRequest(_("proximity must be a number of metres.")) from None
    if not 0 < metres <= 5_000_000:
        raise BadRequest(_("proximity must be between 1 and 5,000,000 metres."))
    if not postcode:  # a distance from nowhere filters nothing
        return rows
    place = Place.objects.filter(kind=PlaceKind.MUNICIPALITY, code=postcode).first()
    if place is None:
        return rows.none()
    km = metres / 1000
    lat_col, lon_col = ("latitude", "longitude") if not _public(request) else ("public_latitude", "public_longitude")
    dlat = km / 111.0
    dlon = km / max(1e-6, 111.0 * math.cos(math.radians(min(89.0, abs(place.latitude)))))
    near = MapPoint.objects.filter(
        **{
            f"{lat_col}__gte": place.latitude - dlat,
            f"{lat_col}__lte": place.latitude + dlat,
            f"{lon_col}__gte": place.longitude - dlon,
            f"{lon_col}__lte": place.longitude + dlon,
        }
    ).values_list("service_at_location_id", lat_col, lon_col)[:20000]
    ids = [pk for pk, lat, lon in near if haversine_km(place.latitude, place.longitude, lat, lon) <= km]
    return rows.filter(pk__in=ids)


@api_view
def service_at_location(request, pk):
    obj = ServiceAtLocation.objects.filter(pk=_record_id(pk), service__in=_services(request)).first()
    if obj is None:
        raise Http404
    return _json(_render_links(request, True)([obj])[0])


def _local_schemas(document):
    """Point the spec's remote schema references at light local ones (fuzzers must stay offline)."""
    names = {}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SPEC_BASE):
                name = ref[len(SPEC_BASE) :].replace("compiled/", "").removesuffix(".json")
                names[name] = ref
                node["$ref"] = f"#/components/schemas/{name}"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    for name in names:
        source = hsds.schema(name) if (hsds.SCHEMA_DIR / f"{name}.json.gz").exists() else {}
        document["components"]["schemas"][name] = {
            "type": "object",
            "required": source.get("required", ["id"]),
            "description": f"HSDS 3.0 {name} (full schema: {names[name]}).",
        }
    return document


@api_view
def openapi(request):
    """Open Referral's HSDA definition, with our server, title and local schema references."""
    document = _local_schemas(copy.deepcopy(hsds.openapi()))
    document["info"] = {
        "title": "Enlace HSDS API",
        "version": "3.0",
        "summary": "Map of specialized actors and services for migrant children (Open Referral HSDS 3.0).",
        "description": "Read-only HSDS API of Enlace. The public gets published services and public fields only.",
        "license": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("directory:hsds_root")).rstrip("/")}]
    _strict_parameters(document)
    _document_ndjson(document)
    for spec in document["paths"].values():
        for operation in spec.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("400", {"description": "A parameter is not valid."})
                operation["responses"].setdefault("404", {"description": "Not found."})
    # `minimal=true` answers ids and dates only, which the specification's page schema does not
    # describe: document both shapes.
    listing = document["paths"].get("/services", {}).get("get", {}).get("responses", {}).get("200", {})
    content = listing.get("content", {}).get("application/json")
    if content and "schema" in content:
        content["schema"] = {"anyOf": [content["schema"], MINIMAL_PAGE]}
    return _json(document)


OPTIONAL_UUID = UUID_PATTERN.replace("^", "^(", 1).replace("$", ")?$")  # empty: no filter
NO_NUL = "^[^\\u0000]*$"
PARAMETER_SCHEMAS = {  # what the server takes, said as strictly as it checks it
    "page": {"type": "integer", "minimum": 1, "maximum": 10**6},
    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    "format": {"type": "string", "enum": ["json", "ndjson"]},
    "taxonomy_term_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "taxonomy_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "organization_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "parent_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "search": {"type": "string", "pattern": NO_NUL},  # a NUL byte is refused before any view (core.middleware)
    "postcode": {"type": "string", "pattern": NO_NUL},
    "modified_after": {"type": "string", "pattern": DATE_TIME_PATTERN.replace("^", "^(", 1)[:-1] + ")?$"},
    "proximity": {"type": "number", "exclusiveMinimum": 0, "maximum": 5_000_000},
}


def _strict_parameters(document):
    """Tighten the specification's parameters to what this server checks (page from 1, UUIDs, …)."""
    parameters = list(document.get("components", {}).get("parameters", {}).values())
    for spec in document["paths"].values():
        for operation in spec.values():
            if isinstance(operation, dict):
                parameters += [p for p in operation.get("parameters", []) if "$ref" not in p]
    for parameter in parameters:
        schema = PARAMETER_SCHEMAS.get(parameter.get("name"))
        if schema is not None and parameter.get("in") == "query":
            parameter["schema"] = dict(schema)


def _document_ndjson(document):
    """`format=ndjson` answers newline-delimited JSON: say so on every operation that takes `format`."""
    for spec in document["paths"].values():
        for operation in spec.values():
            if not isinstance(operation, dict):
                continue
            names = {p.get("name") or p.get("$ref", "").rsplit("/", 1)[-1] for p in operation.get("parameters", [])}
            ok = operation.get("responses", {}).get("200", {})
            if "format" in names and "content" in ok:
                ok["content"].setdefault("application/x-ndjson", {"schema": {"type": "string"}})


MINIMAL_PAGE = {
    "type": "object",
    "required": ["contents"],
    "properties": {
        "contents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "last_modified": {"type": "string"}},
            },
        }
    },
}


urlpatterns = [
    path("api/hsds/", root, name="hsds_root"),
    path("api/hsds/openapi.json", openapi, name="hsds_openapi"),
    path("api/hsds/services", services, name="hsds_services"),
    path("api/hsds/services/<str:pk>", service, name="hsds_service"),
    path("api/hsds/taxonomies", taxonomies, name="hsds_taxonomies"),
    path("api/hsds/taxonomies/<str:pk>", taxonomy, name="hsds_taxonomy"),
    path("api/hsds/taxonomy_terms", taxonomy_terms, name="hsds_taxonomy_terms"),
    path("api/hsds/taxonomy_terms/<str:pk>", taxonomy_term, name="hsds_taxonomy_term"),
    path("api/hsds/organizations", organizations, name="hsds_organizations"),
    path("api/hsds/organizations/<str:pk>", organization, name="hsds_organization"),
    path("api/hsds/service_at_locations", service_at_locations, name="hsds_service_at_locations"),
    path("api/hsds/service_at_locations/<str:pk>", service_at_location, name="hsds_service_at_location"),
]
