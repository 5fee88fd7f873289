"""The HSDA endpoints: services, taxonomies, organizations, services at locations."""

import math

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from ..hsds.tables import Nester, collect, taxonomy_json, term_json
from ..models import MapPoint, Place, PlaceKind, Provider, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from ..queries import haversine_km
from .common import (
    BadRequest,
    _bool,
    _format,
    _json,
    _lang,
    _moment,
    _ndjson,
    _page,
    _public,
    _record_id,
    _search_words,
    _services,
    _uuid_param,
    api_view,
)

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
    from ..hsds.tables import clean

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
                    from ..hsds.tables import clean

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
