"""API of the map of services under /api/v1/directory/, with the same rules as the pages.

The HSDS API (Open Referral's HSDA) lives apart, under /api/hsds/ (directory/hsda.py).
"""

import datetime
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.access import require
from core.api import Conflict, Error, FieldErrors, InputSchema, PatchSchema, Revision, unknown
from network.models import Country

from . import queries, services
from .access import VIEW_CONFIDENTIAL
from .models import MAX_AGE, Place, ServiceAtLocation, ServiceEdit, ServiceStatus
from .models import Service as ServiceModel

router = Router(tags=["directory"])


READ_ERRORS = {400: FieldErrors, 401: Error, 404: Error}
WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


class LocationOut(Schema):
    id: uuid.UUID
    name: str
    country: str
    division: str | None = None
    municipality: str | None = None
    is_confidential: bool
    latitude: float | None = Field(None, description="A confidential location's municipality for the public.")
    longitude: float | None = None
    address: str | None = Field(None, description="Null for the public when the location is confidential.")

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code

    @staticmethod
    def resolve_division(obj):
        return obj.division.name if obj.division_id else None

    @staticmethod
    def resolve_municipality(obj):
        return obj.municipality.name if obj.municipality_id else None

    @staticmethod
    def _exact(obj, context):
        return access.can(context["request"].user, VIEW_CONFIDENTIAL, obj)

    @staticmethod
    def resolve_latitude(obj, context):
        return obj.latitude if LocationOut._exact(obj, context) else obj.public_point()[0]

    @staticmethod
    def resolve_longitude(obj, context):
        return obj.longitude if LocationOut._exact(obj, context) else obj.public_point()[1]

    @staticmethod
    def resolve_address(obj, context):
        if not LocationOut._exact(obj, context):
            return None
        return "; ".join(f"{a.address_1}, {a.city}" for a in obj.addresses.all()) or ""


class ServiceOut(Schema):
    id: uuid.UUID
    revision: int = Field(..., description="Send it back when you change the service (PATCH)")
    provider: str
    country: str
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    status: ServiceStatus
    minimum_age: int | None
    maximum_age: int | None
    assured_date: datetime.date | None
    is_published: bool
    categories: list[str] = Field(description="Codes of service types and population profiles")
    languages: list[str]
    locations: list[LocationOut]

    @staticmethod
    def resolve_provider(obj):
        return str(obj.provider)

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code

    @staticmethod
    def resolve_categories(obj):
        return [term.code for term in obj.terms.all()]

    @staticmethod
    def resolve_languages(obj):
        return [language.code for language in obj.languages.all()]

    @staticmethod
    def resolve_locations(obj):
        return [link.location for link in obj.service_at_locations.all()]


class ServicePatch(PatchSchema):
    nullable = frozenset({"minimum_age", "maximum_age", "categories", "languages"})
    name_es: str | None = Field(None, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    description_es: str | None = Field(None, max_length=10000)
    description_en: str | None = Field(None, max_length=10000)
    status: ServiceStatus | None = None
    minimum_age: int | None = Field(None, ge=0, le=MAX_AGE)
    maximum_age: int | None = Field(None, ge=0, le=MAX_AGE)
    categories: list[uuid.UUID] | None = Field(None, max_length=50, description="Taxonomy term ids")
    revision: Revision
    languages: list[str] | None = Field(None, max_length=30)


class ServiceChangeOut(Schema):
    applied: bool = Field(description="False when the change waits for approval (a partner's draft)")
    edit_id: int | None
    service: ServiceOut


class ClustersOut(Schema):
    zoom: int
    total: int
    clusters: list[list[float]] = Field(description="[latitude, longitude, count]")
    points: list[dict]


class EditOut(Schema):
    id: int
    service_id: uuid.UUID
    status: str
    changes: dict = Field(description="The proposed items (directory/proposals.py)")
    before: dict = Field(description="What the service held for each item when proposed")
    decisions: dict = Field(description='Per item once decided: {"approved": bool, "note": str}')


ItemKey = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}(:[0-9a-f-]{32,36})?$")]


class ItemDecision(InputSchema):
    item: ItemKey = Field(
        ..., description='An item of the change: a field ("name_es"), "phones", "hours", "address:<location id>"…'
    )
    approve: bool
    note: str = Field("", max_length=500, description="Why, for the partner")


class DecisionsIn(InputSchema):
    decisions: list[ItemDecision] = Field(..., max_length=200, description="Every item of the change, decided")
    revision: Revision | None = None


def _service(service_id, rows=None):
    """Return the service of a path id (404 when it is not a UUID or not there)."""
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(rows if rows is not None else ServiceModel.objects.all(), pk=key)


def _edit(edit_id):
    if not edit_id.isdigit():
        raise Http404
    return get_object_or_404(ServiceEdit, pk=int(edit_id))


def _with_details(rows):
    links = ServiceAtLocation.objects.select_related(
        "location__country", "location__division", "location__municipality"
    ).prefetch_related("location__addresses")
    return rows.select_related("provider", "country").prefetch_related(
        "terms", "languages", Prefetch("service_at_locations", queryset=links)
    )


def _filters(country, division, category, age, language, status):
    found = None
    if country:
        found = Country.objects.filter(code=country.upper()).first()
        if found is None:
            raise unknown("country", _("Unknown country code: %(code)s.") % {"code": country})
    place = Place.objects.filter(pk=division).first() if division else None
    return queries.MapFilters(
        country=found,
        division=place,
        terms=[category] if category else [],
        age=age,
        language=language or "",
        status=status or "",
    )


@router.get("/directory/services", response={200: list[ServiceOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_services(
    request,
    country: str | None = Query(None, max_length=2),
    division: int | None = Query(None, ge=1),
    category: uuid.UUID | None = None,
    age: int | None = Query(None, ge=0, le=MAX_AGE),
    language: str | None = Query(None, max_length=8),
    status: ServiceStatus | None = None,
):
    """Published services the caller may see, filtered as on the map."""
    filters = _filters(country, division, category, age, language, status)
    ids = queries.map_points(request.user, filters).values("service_id")
    rows = access.restrict(ServiceModel.objects.filter(pk__in=ids), request.user)
    return _with_details(rows).order_by("name_es", "pk")


@router.get("/directory/services/{service_id}", response={200: ServiceOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_service(request, service_id: str):
    service = _service(service_id, _with_details(ServiceModel.objects.all()))
    require(request.user, access.VIEW, service)
    return service


@router.get("/directory/map", response={200: ClustersOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def map_clusters(
    request,
    bbox: str = Query(
        ..., max_length=120, pattern=queries.BBOX_PATTERN, description="west,south,east,north in degrees"
    ),
    zoom: int = Query(4, ge=0, le=20),
    country: str | None = Query(None, max_length=2),
    category: uuid.UUID | None = None,
):
    """Clusters and points of a viewport (what the map draws)."""
    box = queries.BBox.parse(bbox)
    if box is None:
        raise ValidationError({"bbox": _("Give west,south,east,north in degrees.")})
    return queries.clusters(request.user, _filters(country, None, category, None, None, None), box, zoom)


@router.patch("/directory/services/{service_id}", response={200: ServiceChangeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_service(request, service_id: str, payload: ServicePatch):
    """Change a service; a partner's change is kept as a draft until approved."""
    service = _service(service_id)
    data = payload.dict(exclude_unset=True)
    terms = data.pop("categories", None)
    languages = data.pop("languages", None)
    for key in ("name_es", "name_en", "description_es", "description_en", "status"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be null.")})
    result = services.update_service(service, acting_user=request.user, terms=terms, languages=languages, **data)
    edit = result if isinstance(result, ServiceEdit) else None
    fresh = _with_details(ServiceModel.objects.all()).get(pk=service.pk)
    return {"applied": edit is None, "edit_id": edit.pk if edit else None, "service": fresh}


@router.post("/directory/services/{service_id}/verify", response={200: ServiceOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def verify_service(request, service_id: str):
    """Record that the entry was checked today (HSDS assured_date)."""
    service = _service(service_id)
    services.verify_service(service, acting_user=request.user)
    return _with_details(ServiceModel.objects.all()).get(pk=service.pk)


@router.post("/directory/edits/{edit_id}/approve", response={200: EditOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def approve_edit(request, edit_id: str):
    return services.approve_edit(_edit(edit_id), acting_user=request.user)


@router.post("/directory/edits/{edit_id}/decide", response={200: EditOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def decide_edit(request, edit_id: str, payload: DecisionsIn):
    """Approve or reject each item of a partner's change, with a note each; the approved items are applied."""
    return services.decide_edit(
        _edit(edit_id),
        acting_user=request.user,
        decisions={decision.item: decision.approve for decision in payload.decisions},
        notes={decision.item: decision.note for decision in payload.decisions},
        revision=payload.revision,
    )


@router.post("/directory/edits/{edit_id}/reject", response={200: EditOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def reject_edit(request, edit_id: str):
    return services.reject_edit(_edit(edit_id), acting_user=request.user)
