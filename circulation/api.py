"""API for circulars, their recipients and replies, and one's notifications: the same rules as the pages."""

import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accounts.auth import WRITE_AUTH
from core import access, fulfilment
from core.api import FILLED_TEXT_PATTERN, Conflict, Error, FieldErrors, Id, InputSchema, Revision, on_or_after_today
from messaging.models import Notification, NotificationKind

from . import queries, services
from .models import CircularKind, CircularRecipient, CircularStatus, Reply

router = Router(tags=["circulation"])


READ_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


# ---- output ------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class CircularOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back when you change the draft (PATCH)")
    kind: CircularKind
    status: CircularStatus
    title_es: str
    title_en: str
    body_es: str
    body_en: str
    reply_deadline: datetime.date | None
    sent_at: datetime.datetime | None
    reference: str = Field("", description="Given when it is sent, in the TS's pattern, e.g. CRM/ST/2026/007.")
    created_at: datetime.datetime
    author: str
    fulfils: str | None = Field(None, description='The record it fulfils, as "app.model:id".')
    fulfilment_recorded_at: datetime.datetime | None = None
    recipient_count: int = 0
    replied_count: int = 0

    @staticmethod
    def resolve_author(obj):
        return obj.created_by.get_full_name()

    @staticmethod
    def resolve_fulfils(obj):
        if not obj.target_type_id:
            return None
        return f"{obj.target_type.app_label}.{obj.target_type.model}:{obj.target_id}"

    @staticmethod
    def resolve_fulfilment_recorded_at(obj):
        return obj.target_fulfilled_at


class CircularDetailOut(CircularOut):
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class RecipientOut(Schema):
    id: int
    circular_id: int
    kind: str = Field(..., description="country, organization or person")
    country: str | None = None
    organization_id: int | None = None
    person_id: int | None = None
    name: str
    state: str = Field(..., description="unread, read, acknowledged or replied")
    first_read_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    last_reply_at: datetime.datetime | None
    deadline: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_kind(obj):
        return obj.party_kind

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code if obj.country_id else None

    @staticmethod
    def resolve_name(obj):
        return str(obj.party)

    @staticmethod
    def resolve_state(obj):
        return obj.state()

    @staticmethod
    def resolve_deadline(obj):
        return obj.effective_deadline

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()


class ReplyOut(Schema):
    id: int
    circular_id: int
    recipient_id: int
    on_behalf_of: str
    text: str
    author: str
    created_at: datetime.datetime
    via: str = Field(description="How the reply came: 'page' (Enlace's page or this API) or 'email'.")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_on_behalf_of(obj):
        return str(obj.recipient.party)

    @staticmethod
    def resolve_author(obj):
        return obj.author.get_full_name()

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    subject: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_subject(obj):
        return obj.subject_text

    @staticmethod
    def resolve_body(obj):
        return obj.body_text


# ---- input -------------------------------------------------------------------------------


def _fulfils_pattern(schema):
    schema["pattern"] = fulfilment.reference_pattern()


FULFILS = Field(
    None,
    max_length=100,
    description='The record it fulfils, e.g. "meetings.commitment:3"',
    json_schema_extra=_fulfils_pattern,
)


class CircularIn(InputSchema):
    one_filled = ("title_es", "title_en")
    blank_is_empty = True
    kind: CircularKind = CircularKind.INFORMATION_NOTE
    title_es: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    body_es: str = Field("", max_length=50000)
    body_en: str = Field("", max_length=50000)
    reply_deadline: datetime.date | None = Field(None, json_schema_extra=on_or_after_today)
    countries: list[str] = Field(default_factory=list, max_length=50, description="ISO 3166 alpha-2 codes")
    organizations: list[Id] = Field(default_factory=list, max_length=100)
    people: list[Id] = Field(default_factory=list, max_length=200)
    fulfils: str | None = FULFILS


class CircularPatch(InputSchema):
    kind: CircularKind | None = None
    title_es: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    body_es: str | None = Field(None, max_length=50000)
    body_en: str | None = Field(None, max_length=50000)
    reply_deadline: datetime.date | None = Field(None, json_schema_extra=on_or_after_today)
    countries: list[str] | None = Field(None, max_length=50)
    organizations: list[Id] | None = Field(None, max_length=100)
    people: list[Id] | None = Field(None, max_length=200)
    fulfils: str | None = FULFILS
    revision: Revision


class AcknowledgeIn(InputSchema):
    recipient_id: Id | None = None


def _circular_fields(request, data):
    fields = dict(data)
    if "countries" in fields:
        codes = fields.pop("countries")
        fields["countries"] = services.countries_by_code(codes) if codes is not None else None
    if "organizations" in fields:
        ids = fields.pop("organizations")
        fields["organizations"] = services.organizations_by_id(ids) if ids is not None else None
    if "people" in fields:
        ids = fields.pop("people")
        fields["people"] = services.people_by_id(ids, request.user) if ids is not None else None
    if "fulfils" in fields:
        fields["fulfils"] = services.resolve_target(fields.pop("fulfils"), request.user)
    for key in ("kind", "title_es", "title_en", "body_es", "body_en"):
        if key in fields and fields[key] is None:
            fields.pop(key)
    return fields


def _visible(request):
    return queries.visible_circulars(request.user).select_related("target_type")


def _get(request, circular_id):
    return get_object_or_404(_visible(request), pk=circular_id)


def _recipient(circular, recipient_id):
    if recipient_id is None:
        return None
    recipient = get_object_or_404(CircularRecipient.objects.with_parties(), pk=recipient_id, circular=circular)
    recipient.circular = circular
    return recipient


# ---- endpoints -----------------------------------------------------------------------------


@router.get("/circulars", response={200: list[CircularOut], **READ_ERRORS}, auth=WRITE_AUTH)
@paginate
def list_circulars(request, status: CircularStatus | None = None):
    """Circulars you may see: drafts you wrote (TS: all), sent circulars addressed to you."""
    rows = _visible(request).annotate(
        recipient_count=Count("recipients", distinct=True),
        replied_count=Count("recipients", filter=Q(recipients__last_reply_at__isnull=False), distinct=True),
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


@router.get("/circulars/{circular_id}", response={200: CircularDetailOut, **READ_ERRORS}, auth=WRITE_AUTH)
def get_circular(request, circular_id: Id):
    """One circular; opening it as one of its recipients' people records that it was read."""
    circular = _get(request, circular_id)
    services.mark_read(circular, acting_user=request.user)
    return circular


@router.post("/circulars", response={201: CircularDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_circular(request, payload: CircularIn):
    """Write a draft (TS, or the PPT during its year)."""
    circular = services.create_circular(acting_user=request.user, **_circular_fields(request, payload.dict()))
    return Status(201, circular)


@router.patch("/circulars/{circular_id}", response={200: CircularDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_circular(request, circular_id: Id, payload: CircularPatch):
    circular = _get(request, circular_id)
    fields = _circular_fields(request, payload.dict(exclude_unset=True))
    return services.update_circular(circular, acting_user=request.user, **fields)


@router.post("/circulars/{circular_id}/send", response={200: CircularDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def send_circular(request, circular_id: Id):
    """Send a draft to its recipients (and mark done the record it fulfils)."""
    return services.send_circular(_get(request, circular_id), acting_user=request.user)


@router.post("/circulars/{circular_id}/attachments", response={201: AttachmentOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def add_attachment(request, circular_id: Id, file: File[UploadedFile]):
    """Attach a document to a draft (multipart); the upload checks apply."""
    return Status(201, services.add_attachment(_get(request, circular_id), file, acting_user=request.user))


@router.get("/circulars/{circular_id}/recipients", response={200: list[RecipientOut], **READ_ERRORS}, auth=WRITE_AUTH)
def list_recipients(request, circular_id: Id):
    """The tracking board: every recipient for the TS and the author, one's own for a recipient."""
    circular = _get(request, circular_id)
    rows = access.restrict(circular.recipients.with_parties().select_related("circular"), request.user)
    return list(rows)


@router.post("/circulars/{circular_id}/acknowledge", response={200: RecipientOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def acknowledge(request, circular_id: Id, payload: AcknowledgeIn):
    """Acknowledge receipt on behalf of your country or organization."""
    circular = _get(request, circular_id)
    recipient = _recipient(circular, payload.recipient_id)
    recipient = services.acknowledge_circular(circular, acting_user=request.user, recipient=recipient)
    return CircularRecipient.objects.with_parties().select_related("circular").get(pk=recipient.pk)


@router.get("/circulars/{circular_id}/replies", response={200: list[ReplyOut], **READ_ERRORS}, auth=WRITE_AUTH)
def list_replies(request, circular_id: Id):
    circular = _get(request, circular_id)
    rows = access.restrict(
        Reply.objects.filter(circular=circular).select_related(
            "recipient__country", "recipient__organization", "recipient__person", "author__person"
        ),
        request.user,
    ).prefetch_related("attachments")
    return list(rows)


# A reply says something: a text that is not blank, or at least one document (at most MAX_FILES).
REPLY_SAYS_SOMETHING = {
    "properties": {"files": {"maxItems": services.MAX_FILES}},
    "anyOf": [
        {"required": ["text"], "properties": {"text": {"pattern": FILLED_TEXT_PATTERN}}},
        {"required": ["files"], "properties": {"files": {"minItems": 1}}},
    ],
}


@router.post(
    "/circulars/{circular_id}/replies",
    response={201: ReplyOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": REPLY_SAYS_SOMETHING}}}},
)
def create_reply(
    request,
    circular_id: int,
    text: Form[str] = "",
    recipient_id: Form[Id | None] = None,
    files: File[list[UploadedFile]] = None,
):
    """Reply on behalf of your country or organization (multipart: text, recipient_id, files)."""
    circular = _get(request, circular_id)
    reply = services.reply_to_circular(
        circular,
        acting_user=request.user,
        text=text,
        files=files or [],
        recipient=_recipient(circular, recipient_id),
    )
    reply = (
        Reply.objects.select_related("recipient__country", "recipient__organization", "recipient__person", "author")
        .prefetch_related("attachments")
        .get(pk=reply.pk)
    )
    return Status(201, reply)


@router.get("/inbox", response={200: list[RecipientOut], **READ_ERRORS}, auth=WRITE_AUTH)
def inbox(request):
    """Sent circulars addressed to your countries, organizations or yourself, with their state."""
    return queries.inbox(request.user)


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS}, auth=WRITE_AUTH)
@paginate
def list_notifications(request, unread: bool = False):
    rows = access.restrict(Notification.objects.all(), request.user)
    return rows.filter(read_at=None) if unread else rows


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def read_notification(request, notification_id: Id):
    notification = get_object_or_404(access.restrict(Notification.objects.all(), request.user), pk=notification_id)
    services.mark_notification_read(notification, acting_user=request.user)
    notification.refresh_from_db()
    return notification
