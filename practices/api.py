"""API of the repository: search with facets and filters, practices, resources, the review, calls.

The same access rules as the pages: anonymous readers get published versions only; the working
copy, review steps and call tracking need the rights core.access gives.
"""

import datetime
from typing import Annotated

import pydantic
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access, boundedjson
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

from . import compile as compile_module
from . import queries, search, services
from .access import VIEW_CONTACT, VIEW_TRACKING, VIEW_WORKING
from .content import version_content
from .models import Axis, Call, Language, Population, Practice, PracticeFile, Resource, ResourceKind, Theme
from .models import Status as State

router = Router(tags=["practices"])

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


# ---- search ---------------------------------------------------------------------------------


@router.get("/practices/search", response={200: SearchOut, 400: FieldErrors, 401: Error}, openapi_extra=READ_SECURITY)
def search_repository(request, filters: Query[SearchFilters]):
    """Search practices and resources: ranked, with snippets and facet counts over what the caller may see."""
    data = filters.dict()
    found = search.search(
        request.user,
        data.pop("q") or "",
        {facet: data.get(facet) for facet in search.FACETS},
        page=data["page"],
        per_page=data["per_page"],
        with_facets=data["facets"],
    )
    payload = {
        "query": found.query,
        "count": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "note": str(found.note),
        "results": [
            {
                "kind": hit.kind,
                "id": hit.object_id,
                "url": hit.url,
                "title": str(hit.title),
                "snippet": str(hit.snippet),
                "type": hit.item_type,
                "type_label": hit.type_label,
                "year": hit.year,
                "language": hit.language,
                "is_public": hit.is_public,
                "status": hit.status,
                "score": hit.score,
            }
            for hit in found.hits
        ],
        "facets": [
            {
                "name": f.name,
                "label": f.label,
                "values": [
                    {"value": v.value, "label": str(v.label), "count": v.count, "selected": v.selected}
                    for v in f.values
                ],
            }
            for f in found.facets
        ],
    }
    # Built from plain values that SearchOut documents (a test validates it against the schema);
    # returned as is, it skips validating every nested hit and facet again on the hottest endpoint.
    return JsonResponse(payload)


@router.get("/themes", response=list[ThemeOut], openapi_extra=READ_SECURITY)
def list_themes(request):
    """The repository's themes."""
    return Theme.objects.filter(is_active=True)


@router.get("/axes", response=list[AxisOut], openapi_extra=READ_SECURITY)
def list_axes(request):
    """The axes of the network's Strategic Plan."""
    return Axis.objects.all()


# ---- practices -------------------------------------------------------------------------------


VIEW_PARAM = Query(None, pattern="^(published|working)?$", description="published or working")


def _view_param(view):
    if view not in (None, "", queries.PUBLISHED, queries.WORKING):
        raise ValidationError({"view": _("Use 'published' or 'working'.")})
    return view or None


@router.get("/practices/{practice_id}", response={200: PracticeOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_practice(
    request,
    practice_id: int,
    view: str | None = VIEW_PARAM,
):
    """A practice: its published version, or the working copy for its contributors and reviewers."""
    record = queries.get_visible(request.user, Practice, practice_id)
    content, shown = queries.shown(request.user, record, _view_param(view))
    return practice_out(request, record, content, shown)


@router.get(
    "/practices/{practice_id}/versions", response={200: list[VersionOut], **READ_ERRORS}, openapi_extra=READ_SECURITY
)
def list_practice_versions(request, practice_id: int):
    """Every published version of a practice, newest first."""
    record = queries.get_visible(request.user, Practice, practice_id)
    return queries.versions(record)


@router.get(
    "/practices/{practice_id}/versions/{number}",
    response={200: PracticeOut, **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def get_practice_version(request, practice_id: int, number: int):
    """One published version of a practice, as it was published."""
    record = queries.get_visible(request.user, Practice, practice_id)
    content = version_content(record, queries.version(record, number))
    return practice_out(request, record, content, queries.PUBLISHED)


@router.get(
    "/practices/{practice_id}/review",
    response={200: list[EventOut], 403: Error, **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_practice_review(request, practice_id: int):
    """The review steps and comments (for the practice's contributors and reviewers)."""
    record = queries.get_visible(request.user, Practice, practice_id)
    access.require(request.user, VIEW_WORKING, record)
    return [_event_out(event) for event in queries.review_events(record)]


def _event_out(event):
    person = getattr(event.actor, "person", None)
    return {
        "action": event.action,
        "comment": event.comment,
        "at": event.at,
        "by": person.full_name if person else event.actor.email,
    }


@router.post("/practices", response={201: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_practice(request, payload: PracticeIn):
    """Start a practice (a draft of the caller's organization or country)."""
    record = services.create_practice(acting_user=request.user, **_practice_fields(request, payload.dict()))
    record = queries.get_visible(request.user, Practice, record.pk)
    content, shown = queries.shown(request.user, record, queries.WORKING)
    return Status(201, practice_out(request, record, content, shown))


@router.patch("/practices/{practice_id}", response={200: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_practice(request, practice_id: int, payload: PracticePatch):
    """Change the working copy (only the fields sent)."""
    record = queries.get_visible(request.user, Practice, practice_id)
    data = payload.dict(exclude_unset=True)
    revision = data.pop("revision")
    fields = _practice_fields(request, data)
    services.update_practice(record, acting_user=request.user, revision=revision, **fields)
    record = queries.get_visible(request.user, Practice, practice_id)
    content, shown = queries.shown(request.user, record, queries.WORKING)
    return practice_out(request, record, content, shown)


@router.post("/practices/{practice_id}/files", response={201: FileOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def add_practice_file(request, practice_id: int, file: File[UploadedFile]):
    """Attach a PDF, Office, ODT or image file (checked by its content; its text is searched)."""
    record = queries.get_visible(request.user, Practice, practice_id)
    return Status(201, _file_out(services.add_practice_file(record, file, acting_user=request.user)))


def _optional_comment(request):
    """Read an optional body {"comment": "…"} (JSON, or a form field); a malformed one is a 400."""
    if request.content_type != "application/json":
        return CommentIn(comment=request.POST.get("comment", "")[:5000]) if request.POST else None
    if not request.body.strip():
        return None
    try:
        return CommentIn(**boundedjson.loads(request.body))
    except (ValueError, TypeError, pydantic.ValidationError):
        raise ValidationError({"comment": _('Send a JSON object such as {"comment": "…"}.')}) from None


def _transition(model, action):
    def run(request, record_id, payload):
        record = queries.get_visible(request.user, model, record_id)
        text = payload.comment if payload is not None else ""
        if action == "submit":
            services.submit(record, acting_user=request.user, comment=text)
        elif action == "start-review":
            services.start_review(record, acting_user=request.user)
        elif action == "return":
            services.return_to_author(record, text, acting_user=request.user)
        elif action == "publish":
            services.publish(record, acting_user=request.user, comment=text)
        elif action == "withdraw":
            services.withdraw(record, acting_user=request.user, comment=text)
        elif action == "comments":
            services.comment(record, text, acting_user=request.user)
        record = queries.get_visible(request.user, model, record_id)
        return record

    return run


_practice_steps = {
    action: _transition(Practice, action)
    for action in ("submit", "start-review", "return", "publish", "withdraw", "comments")
}


def _practice_step_out(request, record):
    content, shown = queries.shown(request.user, record)
    return practice_out(request, record, content, shown)


@router.post("/practices/{practice_id}/submit", response={200: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def submit_practice(request, practice_id: int):
    """Send a draft or returned practice for review (body optional: {"comment": "…"})."""
    return _practice_step_out(request, _practice_steps["submit"](request, practice_id, _optional_comment(request)))


@router.post("/practices/{practice_id}/start-review", response={200: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def start_practice_review(request, practice_id: int):
    """Take a submitted practice into review (TS or named reviewers)."""
    return _practice_step_out(request, _practice_steps["start-review"](request, practice_id, None))


@router.post("/practices/{practice_id}/return", response={200: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def return_practice(request, practice_id: int, payload: RequiredCommentIn):
    """Return a practice to its author with a comment saying what to fix."""
    return _practice_step_out(request, _practice_steps["return"](request, practice_id, payload))


@router.post("/practices/{practice_id}/publish", response={200: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def publish_practice(request, practice_id: int):
    """Publish the reviewed practice as its next version (body optional: {"comment": "…"})."""
    return _practice_step_out(request, _practice_steps["publish"](request, practice_id, _optional_comment(request)))


@router.post("/practices/{practice_id}/withdraw", response={200: PracticeOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def withdraw_practice(request, practice_id: int, payload: RequiredCommentIn):
    """Take a practice out of publication (TS); its versions are kept."""
    return _practice_step_out(request, _practice_steps["withdraw"](request, practice_id, payload))


@router.post("/practices/{practice_id}/comments", response={201: EventOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def comment_practice(request, practice_id: int, payload: RequiredCommentIn):
    """Write a comment in the review (reviewers to the author, the author back)."""
    record = queries.get_visible(request.user, Practice, practice_id)
    return Status(201, _event_out(services.comment(record, payload.comment, acting_user=request.user)))


# ---- resources -------------------------------------------------------------------------------


@router.get("/resources/{resource_id}", response={200: ResourceOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_resource(
    request,
    resource_id: int,
    view: str | None = VIEW_PARAM,
):
    """A resource: its published version, or the working copy for its contributors and reviewers."""
    record = queries.get_visible(request.user, Resource, resource_id)
    content, shown = queries.shown(request.user, record, _view_param(view))
    return resource_out(record, content, shown)


@router.post("/resources", response={201: ResourceOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_resource(request, payload: ResourceIn):
    """Add a resource (a draft); attach its file with POST /resources/{id}/file."""
    record = services.create_resource(acting_user=request.user, **_resource_fields(payload.dict()))
    record = queries.get_visible(request.user, Resource, record.pk)
    content, shown = queries.shown(request.user, record, queries.WORKING)
    return Status(201, resource_out(record, content, shown))


@router.patch("/resources/{resource_id}", response={200: ResourceOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_resource(request, resource_id: int, payload: ResourcePatch):
    record = queries.get_visible(request.user, Resource, resource_id)
    data = payload.dict(exclude_unset=True)
    revision = data.pop("revision")
    services.update_resource(record, acting_user=request.user, revision=revision, **_resource_fields(data))
    record = queries.get_visible(request.user, Resource, resource_id)
    content, shown = queries.shown(request.user, record, queries.WORKING)
    return resource_out(record, content, shown)


@router.post("/resources/{resource_id}/file", response={200: ResourceOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def set_resource_file(request, resource_id: int, file: File[UploadedFile]):
    """Attach or replace the resource's file (PDF, Office, ODT or image, checked by its content)."""
    record = queries.get_visible(request.user, Resource, resource_id)
    services.update_resource(record, acting_user=request.user, file=file)
    record = queries.get_visible(request.user, Resource, resource_id)
    content, shown = queries.shown(request.user, record, queries.WORKING)
    return resource_out(record, content, shown)


_resource_steps = {
    action: _transition(Resource, action) for action in ("submit", "start-review", "return", "publish", "withdraw")
}


@router.post("/resources/{resource_id}/{step}", response={200: ResourceOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def resource_step(request, resource_id: int, step: str):
    """A review step of a resource: submit, start-review, return, publish or withdraw ({"comment": "…"})."""
    if step not in _resource_steps:
        raise Http404
    record = _resource_steps[step](request, resource_id, _optional_comment(request))
    content, shown = queries.shown(request.user, record)
    return resource_out(record, content, shown)


# ---- calls for practices -------------------------------------------------------------------


def _call_out(request, call):
    tracking = None
    if access.can(request.user, VIEW_TRACKING, call):
        tracking = [
            {
                "country": row["country"].code.code,
                "name": str(row["country"].name),
                "answered": row["answered"],
                "answers": row["answers"],
            }
            for row in queries.call_tracking(call)
        ]
    return {
        "id": call.pk,
        "title_es": call.title_es,
        "title_en": call.title_en,
        "description_es": call.description_es,
        "description_en": call.description_en,
        "theme": call.theme.slug,
        "countries": [c.code.code for c in call.countries.all()],
        "deadline": call.deadline,
        "is_open": call.is_open,
        "tracking": tracking,
    }


@router.get("/calls", response=list[CallOut], openapi_extra=READ_SECURITY)
def list_calls(request):
    """Calls for practices, the latest deadline first (without tracking; see each call)."""
    return [{**_call_out(request, call), "tracking": None} for call in queries.calls(request.user)]


@router.get("/calls/{call_id}", response={200: CallOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_call(request, call_id: int):
    """A call for practices; members also see which countries have answered."""
    return _call_out(request, get_object_or_404(Call.objects.select_related("theme"), pk=queries.valid_id(call_id)))


@router.post("/calls", response={201: CallOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def open_call(request, payload: CallIn):
    """Open a call for practices (TS)."""
    data = payload.dict()
    theme = _themes([data.pop("theme")])[0]
    countries = _countries(data.pop("countries"))
    call = services.open_call(acting_user=request.user, theme=theme, countries=countries, **data)
    return Status(201, _call_out(request, call))


DOCX_RESPONSE = {
    "responses": {
        "200": {
            "description": "The compiled document",
            "content": {compile_module.DOCX_MIME: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/calls/{call_id}/compilation",
    response={400: FieldErrors, 401: Error, 404: Error},
    openapi_extra={**READ_SECURITY, **DOCX_RESPONSE},
)
def call_compilation(request, call_id: int, lang: str = Query("es", pattern="^(es|en)$", description="es or en")):
    """The call's answers that the caller may see, compiled as one DOCX (cover, contents, a chapter each)."""
    if lang not in ("es", "en"):
        raise ValidationError({"lang": _("Use 'es' or 'en'.")})
    call = get_object_or_404(Call, pk=queries.valid_id(call_id))
    answers = queries.call_answers(request.user, call)
    return compiled_response(request, answers, lang, title=call.localized("title", lang))


def compiled_response(request, records, lang, *, title):
    """Return the DOCX of these records' published versions, as the caller may see them."""
    data, name = compile_module.compiled(request.user, records, lang=lang, title=title)
    response = HttpResponse(data, content_type=compile_module.DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/files/{file_id}", response={200: FileOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_file(request, file_id: int):
    """An attached file's details (download it from its url)."""
    attached = get_object_or_404(
        PracticeFile.objects.select_related("practice__published_version"), pk=queries.valid_id(file_id)
    )
    if not queries.file_visible(request.user, attached):
        raise Http404
    return _file_out(attached)
