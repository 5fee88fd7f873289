"""The practices API's endpoints (router mounted at /api/v1/ by config/api.py)."""

import pydantic
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access, boundedjson
from core.api import (
    Error,
    FieldErrors,
)

from .. import compile as compile_module
from .. import queries, search, services
from ..access import VIEW_TRACKING, VIEW_WORKING
from ..content import version_content
from ..models import Axis, Call, Practice, PracticeFile, Resource, Theme
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AxisOut,
    CallIn,
    CallOut,
    CommentIn,
    EventOut,
    FileOut,
    PracticeIn,
    PracticeOut,
    PracticePatch,
    RequiredCommentIn,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    SearchFilters,
    SearchOut,
    ThemeOut,
    VersionOut,
    _countries,
    _file_out,
    _practice_fields,
    _resource_fields,
    _themes,
    practice_out,
    resource_out,
)

router = Router(tags=["practices"])


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
