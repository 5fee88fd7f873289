"""What the practices API takes and gives: its request and response schemas and the functions that fill them."""

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Schema

from core import access
from core.api import (
    WEB_ADDRESS_PATTERN,
    Conflict,
    Error,
    FieldErrors,
    InputSchema,
    PatchSchema,
    Revision,
    email_address,
    filled_text,
    on_or_after_today,
    unknown,
)
from network.models import Country, Organization

from .. import queries
from ..access import VIEW_CONTACT
from ..models import Axis, Call, Language, Population, Practice, Resource, ResourceKind, Theme
from ..models import Status as State

# Ids the database can hold: a larger one in a request is a 400/422, not a database error.
Id = Annotated[int, Field(ge=1, le=queries.MAX_ID)]


READ_ERRORS = {400: FieldErrors, 401: Error, 404: Error}


WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


# ---- output ------------------------------------------------------------------------------


class ThemeOut(Schema):
    slug: str
    name_es: str
    name_en: str


class AxisOut(Schema):
    number: int
    name_es: str
    name_en: str


class HitOut(Schema):
    kind: str = Field(..., description="practice or resource")
    id: int
    url: str
    title: str = Field(..., description="HTML: matched words in <mark>")
    snippet: str = Field(..., description="HTML: an excerpt around the first match")
    type: str
    type_label: str
    year: int | None
    language: str
    is_public: bool
    status: str
    score: float


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    query: str
    count: int
    page: int
    per_page: int
    note: str
    results: list[HitOut]
    facets: list[FacetOut]


class FileOut(Schema):
    id: int
    name: str
    size: int
    kind: str
    url: str
    text_note: str


class PracticeOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back when you change the practice (PATCH)")
    view: str = Field(..., description="'published' (the latest published version) or 'working' (the working copy)")
    status: State
    version: int | None = Field(None, description="Number of the version shown, when published")
    title_es: str
    title_en: str
    summary_es: str
    summary_en: str
    context_es: str
    context_en: str
    description_es: str
    description_en: str
    results_es: str
    results_en: str
    lessons_es: str
    lessons_en: str
    replicability_es: str
    replicability_en: str
    countries: list[str]
    themes: list[str]
    axis: int | None
    implementing_institutions: list[int]
    submitting_organization_id: int | None
    submitting_country: str | None
    population: list[str]
    population_other: str
    start_year: int | None
    end_year: int | None
    original_language: str
    translations: list[str]
    contact_name: str | None = Field(None, description="Network members only")
    contact_email: str | None = Field(None, description="Network members only")
    contact_phone: str | None = Field(None, description="Network members only")
    resources: list[int]
    files: list[FileOut]
    call_id: int | None
    url: str
    is_demo: bool


class ResourceOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back when you change the resource (PATCH)")
    view: str
    status: State
    version: int | None
    kind: ResourceKind
    title_es: str
    title_en: str
    description_es: str
    description_en: str
    language: str
    year: int | None
    url: str
    provider_id: int | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    countries: list[str]
    themes: list[str]
    axis: int | None
    file_name: str
    file_size: int | None
    file_url: str | None
    file_text_note: str
    submitting_organization_id: int | None
    submitting_country: str | None
    is_demo: bool


class VersionOut(Schema):
    number: int
    published_at: datetime.datetime


class EventOut(Schema):
    action: str
    comment: str
    at: datetime.datetime
    by: str


class TrackingOut(Schema):
    country: str
    name: str
    answered: bool
    answers: int


class CallOut(Schema):
    id: int
    title_es: str
    title_en: str
    description_es: str
    description_en: str
    theme: str
    countries: list[str]
    deadline: datetime.date
    is_open: bool
    tracking: list[TrackingOut] | None = Field(None, description="Who has answered: network members only")


def _file_out(attached):
    return {
        "id": attached.pk,
        "name": attached.name,
        "size": attached.size,
        "kind": attached.kind,
        "url": attached.get_absolute_url(),
        "text_note": attached.text_note,
    }


def _shown_version(record, view):
    """The published version shown: the published view, or a working copy identical to it."""
    if view == queries.PUBLISHED or record.status == State.PUBLISHED:
        return record.published_version
    return None


def practice_out(request, record, content, view):
    members = access.can(request.user, VIEW_CONTACT, record)
    data = {
        name: getattr(content, name)
        for name in (
            *(f"{f}_{lang}" for f in Practice.TEXT_FIELDS for lang in ("es", "en")),
            "population_other",
            "start_year",
            "end_year",
            "original_language",
            "submitting_organization_id",
            "call_id",
        )
    }
    version = getattr(content, "version", None) or _shown_version(record, view)
    data.update(
        id=record.pk,
        revision=record.revision,
        view=view,
        status=record.status,
        version=version.number if version else None,
        countries=[c.code.code for c in content.country_list],
        themes=[t.slug for t in content.theme_list],
        axis=content.axis_obj.number if content.axis_obj else None,
        implementing_institutions=[o.pk for o in content.institution_list],
        submitting_country=content.submitting_country_obj.code.code if content.submitting_country_obj else None,
        population=list(content.population or []),
        translations=content.translations(),
        contact_name=content.contact_name if members else None,
        contact_email=content.contact_email if members else None,
        contact_phone=content.contact_phone if members else None,
        resources=[r.pk for r in queries.visible_resources(request.user, content.resource_ids)],
        files=[_file_out(f) for f in content.file_list],
        url=record.get_absolute_url(),
        is_demo=record.is_demo,
    )
    return data


def resource_out(record, content, view):
    version = getattr(content, "version", None) or _shown_version(record, view)
    return {
        "id": record.pk,
        "revision": record.revision,
        "view": view,
        "status": record.status,
        "version": version.number if version else None,
        **{
            name: getattr(content, name)
            for name in (
                "kind",
                "title_es",
                "title_en",
                "description_es",
                "description_en",
                "language",
                "year",
                "url",
                "provider_id",
                "starts_on",
                "ends_on",
                "file_name",
                "file_size",
                "file_text_note",
                "submitting_organization_id",
            )
        },
        "countries": [c.code.code for c in content.country_list],
        "themes": [t.slug for t in content.theme_list],
        "axis": content.axis_obj.number if content.axis_obj else None,
        "file_url": _resource_file_url(record, view) if content.file_name else None,
        "submitting_country": content.submitting_country_obj.code.code if content.submitting_country_obj else None,
        "is_demo": record.is_demo,
    }


def _resource_file_url(record, view):
    from django.urls import reverse

    url = reverse("practices:resource_file", args=[record.pk])
    return url if view == queries.PUBLISHED else f"{url}?view=working"


# ---- input -------------------------------------------------------------------------------


def _countries(codes, field="countries"):
    codes = [str(code).upper()[:2] for code in codes or []]
    found = {c.code.code: c for c in Country.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise unknown(field, _("Unknown country code: %(code)s.") % {"code": ", ".join(missing)})
    return [found[code] for code in codes]


def _themes(slugs):
    found = {t.slug: t for t in Theme.objects.filter(slug__in=list(slugs or []))}
    missing = [slug for slug in slugs or [] if slug not in found]
    if missing:
        raise unknown("themes", _("Unknown theme: %(slug)s.") % {"slug": ", ".join(missing)})
    return [found[slug] for slug in slugs]


def _organizations(ids, field):
    found = Organization.objects.in_bulk(list(ids or []))
    missing = [str(pk) for pk in ids or [] if pk not in found]
    if missing:
        raise unknown(field, _("Unknown organization: %(id)s.") % {"id": ", ".join(missing)})
    return [found[pk] for pk in ids]


def _axis(number):
    if number is None:
        return None
    axis = Axis.objects.filter(number=number).first()
    if axis is None:
        raise unknown("axis", _("Unknown plan axis: %(number)s.") % {"number": number})
    return axis


def _resources(user, ids):
    found = Resource.objects.select_related("published_version").in_bulk(list(ids or []))
    missing = [str(pk) for pk in ids or [] if pk not in found or not access.can(user, access.VIEW, found[pk])]
    if missing:
        raise unknown("resources", _("Unknown resource: %(id)s.") % {"id": ", ".join(missing)})
    return [found[pk] for pk in ids]


class PracticeIn(InputSchema):
    one_filled = ("title_es", "title_en")
    title_es: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    summary_es: str = Field("", max_length=3000)
    summary_en: str = Field("", max_length=3000)
    context_es: str = Field("", max_length=20000)
    context_en: str = Field("", max_length=20000)
    description_es: str = Field("", max_length=40000)
    description_en: str = Field("", max_length=40000)
    results_es: str = Field("", max_length=20000)
    results_en: str = Field("", max_length=20000)
    lessons_es: str = Field("", max_length=20000)
    lessons_en: str = Field("", max_length=20000)
    replicability_es: str = Field("", max_length=20000)
    replicability_en: str = Field("", max_length=20000)
    countries: list[str] = Field(default_factory=list, max_length=40, description="ISO 3166 alpha-2 codes")
    themes: list[str] = Field(default_factory=list, max_length=30, description="Theme slugs")
    axis: int | None = Field(None, ge=1, le=99, description="Plan axis number")
    implementing_institutions: list[Id] = Field(default_factory=list, max_length=40)
    resources: list[Id] = Field(default_factory=list, max_length=40)
    population: list[Population] = Field(default_factory=list, max_length=20)
    population_other: str = Field("", max_length=300)
    start_year: int | None = Field(None, ge=1950, le=2100)
    end_year: int | None = Field(None, ge=1950, le=2100)
    original_language: Language = Language.SPANISH
    contact_name: str = Field("", max_length=200)
    contact_email: str = email_address("")
    contact_phone: str = Field("", max_length=40)
    submitting_organization_id: Id | None = None
    submitting_country: str | None = Field(None, max_length=2)
    call_id: Id | None = None


class PracticePatch(PracticeIn, PatchSchema):
    """Only the fields sent are changed; `revision` is the one you read (409 if it changed since)."""

    nullable = frozenset(
        {"axis", "start_year", "end_year", "submitting_organization_id", "submitting_country", "call_id"}
    )

    revision: Revision


def _practice_fields(request, data: dict):
    fields = {}
    for key, value in data.items():
        if key == "countries":
            fields[key] = _countries(value)
        elif key == "themes":
            fields[key] = _themes(value)
        elif key == "axis":
            fields[key] = _axis(value)
        elif key == "implementing_institutions":
            fields[key] = _organizations(value, key)
        elif key == "resources":
            fields[key] = _resources(request.user, value)
        elif key == "submitting_organization_id":
            fields["submitting_organization"] = _organizations([value], key)[0] if value else None
        elif key == "submitting_country":
            fields["submitting_country"] = _countries([value], key)[0] if value else None
        elif key == "call_id":
            fields["call"] = get_object_or_404(Call, pk=value) if value else None
        elif key == "population":
            fields[key] = [str(getattr(v, "value", v)) for v in value]
        elif key == "original_language":
            fields[key] = str(getattr(value, "value", value))
        elif value is None and key not in ("start_year", "end_year"):
            raise ValidationError({key: _("This field cannot be null.")})
        else:
            fields[key] = value
    return fields


class ResourceIn(InputSchema):
    one_filled = ("title_es", "title_en")
    kind: ResourceKind
    title_es: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    description_es: str = Field("", max_length=10000)
    description_en: str = Field("", max_length=10000)
    language: Language = Language.SPANISH
    year: int | None = Field(None, ge=1950, le=2100)
    url: str = Field("", max_length=500, json_schema_extra={"pattern": WEB_ADDRESS_PATTERN})
    provider_id: Id | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    countries: list[str] = Field(default_factory=list, max_length=40)
    themes: list[str] = Field(default_factory=list, max_length=30)
    axis: int | None = Field(None, ge=1, le=99)
    submitting_organization_id: Id | None = None
    submitting_country: str | None = Field(None, max_length=2)


class ResourcePatch(ResourceIn, PatchSchema):
    nullable = frozenset(
        {"year", "provider_id", "starts_on", "ends_on", "axis", "submitting_organization_id", "submitting_country"}
    )
    kind: ResourceKind | None = None
    revision: Revision


def _resource_fields(data: dict):
    fields = {}
    for key, value in data.items():
        if key == "countries":
            fields[key] = _countries(value)
        elif key == "themes":
            fields[key] = _themes(value)
        elif key == "axis":
            fields[key] = _axis(value)
        elif key == "provider_id":
            fields["provider"] = _organizations([value], key)[0] if value else None
        elif key == "submitting_organization_id":
            fields["submitting_organization"] = _organizations([value], key)[0] if value else None
        elif key == "submitting_country":
            fields["submitting_country"] = _countries([value], key)[0] if value else None
        elif key in ("kind", "language"):
            if value is None:
                raise ValidationError({key: _("This field cannot be null.")})
            fields[key] = str(getattr(value, "value", value))
        elif value is None and key not in ("year", "starts_on", "ends_on"):
            raise ValidationError({key: _("This field cannot be null.")})
        else:
            fields[key] = value
    return fields


class CommentIn(InputSchema):
    comment: str = Field("", max_length=5000)


class RequiredCommentIn(InputSchema):
    comment: str = filled_text(5000)


class CallIn(InputSchema):
    title_es: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    description_es: str = Field("", max_length=5000)
    description_en: str = Field("", max_length=5000)
    theme: str = Field(..., max_length=60)
    countries: list[str] = Field(..., max_length=40)
    deadline: datetime.date = Field(..., json_schema_extra=on_or_after_today)


class SearchFilters(Schema):
    q: str = Field("", description="Words to find; a word ending in * is a prefix. At most 200 characters.")
    type: list[str] = Field(default_factory=list, description="practice, guide, protocol, study, training, course")
    theme: list[str] = Field(default_factory=list, description="Theme slugs")
    country: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")
    year: list[str] = Field(default_factory=list)
    language: list[str] = Field(default_factory=list, description="es, en, fr, pt")
    axis: list[str] = Field(default_factory=list, description="Plan axis numbers")
    page: int = Field(1, ge=1, le=100)
    per_page: int = Field(20, ge=1, le=50)
    facets: bool = True
