"""API for meetings, agreements, commitments and their status changes, under the same access rules as the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.api import LINK_PATTERN, Conflict, Error, FieldErrors, InputSchema, PatchSchema, email_address, unknown
from network.models import Body, Country

from . import queries, services
from .access import DECIDE, UPDATE_STATUS
from .models import (
    Agreement,
    AgreementKind,
    Commitment,
    CommitmentStatus,
    CommitmentStatusChange,
    Decision,
    Delegate,
    Meeting,
    MeetingKind,
    Modality,
)

router = Router(tags=["meetings"])


READ_ERRORS = {400: FieldErrors, 401: Error, 404: Error}
WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


# ---- output ------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    body: str = Field(..., description="The body's slug")
    title_es: str
    title_en: str
    ordinal: int | None
    kind: MeetingKind
    modality: Modality
    place: str
    start_date: datetime.date
    end_date: datetime.date | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    time_zone: str
    status: str
    url: str

    @staticmethod
    def resolve_body(obj):
        return obj.body.slug

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class MeetingDetailOut(MeetingOut):
    mandate_es: str
    mandate_en: str
    delegations: list[str] = Field(..., description="ISO 3166 alpha-2 codes")
    report_version: int | None = Field(None, description="The version the caller reads")
    report_status: str | None = None

    @staticmethod
    def resolve_delegations(obj):
        return sorted(c.code.code for c in obj.delegations.all())


class AgreementOut(Schema):
    id: int
    ref: str
    number: str
    letter: str
    parent_id: int | None
    kind: AgreementKind
    text_es: str
    text_en: str
    revision: int = Field(..., description="Send it back when you change the agreement")
    rcgm_decision: Decision | None = None
    rcgm_meeting_id: int | None = None

    @staticmethod
    def resolve_rcgm_decision(obj):
        return obj.rcgm_decision if obj.kind == AgreementKind.RECOMMENDS_TO_RCGM else None


class ConflictOut(Schema):
    detail: str
    current: AgreementOut


class ActorFollowUpOut(Schema):
    id: int
    actor: str = Field(..., description="TS, PPT, an ISO country code or an organization's acronym")
    label: str
    status: CommitmentStatus
    note: str
    evidence_link: str
    updated_at: datetime.datetime | None
    revision: int = Field(..., description="Send it back with a status change of this actor's row")

    @staticmethod
    def resolve_actor(obj):
        return obj.code


class CommitmentOut(Schema):
    id: int
    revision: int
    meeting_id: int
    agreement_id: int
    ref: str
    actors: list[str] = Field(..., description="TS, PPT, ISO country codes, organization acronyms")
    action_es: str
    action_en: str
    due: str | None = Field(None, description="ISO date, YYYY or YYYY-Qn")
    due_by: datetime.date | None
    status: CommitmentStatus = Field(..., description="Rolled up from the actors' rows (`followup`)")
    followup: list[ActorFollowUpOut] = Field(..., description="Each actor's own status, note and evidence")
    done: int = Field(..., description="How many actors are done (or dropped)")
    overdue: bool
    notes: str
    evidence_link: str
    url: str

    @staticmethod
    def resolve_followup(obj):
        return obj.actor_rows()

    @staticmethod
    def resolve_done(obj):
        return obj.done_count

    @staticmethod
    def resolve_ref(obj):
        return obj.agreement.ref

    @staticmethod
    def resolve_actors(obj):
        return [actor.code for actor in obj.actors.all()]

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class StatusChangeOut(Schema):
    id: int
    commitment_id: int
    actor: str | None = Field(None, description="Whose row changed; null for changes from before per-actor rows")
    from_status: CommitmentStatus
    to_status: CommitmentStatus
    note: str
    evidence_link: str
    changed_by: str
    changed_at: datetime.datetime

    @staticmethod
    def resolve_changed_by(obj):
        return obj.changed_by_label

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.code if obj.actor_id else None


class MeetingDelegateOut(Schema):
    id: int
    country: str = Field(..., description="ISO 3166 alpha-2 code")
    name: str
    position: str
    institution: str
    email: str
    registered_at: datetime.datetime

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code


# ---- input -------------------------------------------------------------------------------


class AgreementIn(InputSchema):
    kind: AgreementKind = AgreementKind.OTHER
    text_es: str = Field("", max_length=20000)
    text_en: str = Field("", max_length=20000)
    parent_id: int | None = Field(None, description="Make it a sub-item of this agreement")


class AgreementPatch(PatchSchema):
    revision: int = Field(..., ge=1, description="The revision you read; a newer one on the server is a conflict")
    kind: AgreementKind | None = None
    text_es: str | None = Field(None, max_length=20000)
    text_en: str | None = Field(None, max_length=20000)


class DecisionIn(InputSchema):
    decision: Decision
    rcgm_meeting_id: int | None = None
    note: str = Field("", max_length=500)


class CommitmentIn(InputSchema):
    actors: list[str] = Field(..., min_length=1, max_length=40)
    action_es: str = Field("", max_length=5000)
    action_en: str = Field("", max_length=5000)
    due: str | None = Field(None, max_length=10, description="ISO date, YYYY or YYYY-Qn")
    notes: str = Field("", max_length=5000)


class StatusChangeIn(InputSchema):
    status: CommitmentStatus
    note: str = Field("", max_length=4000)
    evidence_link: str = Field("", max_length=500, json_schema_extra={"pattern": LINK_PATTERN})
    actor: str | None = Field(
        None,
        max_length=40,
        description=(
            "Whose row changes: TS, PPT, an ISO country code or an organization's acronym (see `followup`). "
            "Left out: every actor you speak for (every actor, for the TS)."
        ),
    )
    revision: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The actor row's revision you read; 409 if it changed since"
    )


class MeetingDelegateIn(InputSchema):
    country: str = Field(..., max_length=2, description="ISO 3166 alpha-2 code of the delegation")
    name: str
    position: str = ""
    institution: str = ""
    email: str = email_address("")


class MeetingFilter(Schema):
    body: str | None = Field(None, max_length=60, description="Body slug")
    when: str | None = Field(None, pattern="^(upcoming|past)$")
    q: str | None = Field(None, max_length=200)


class CommitmentFilter(Schema):
    status: str | None = Field(
        "open",
        pattern="^(open|overdue|pending|in_progress|done|dropped)?$",
        description="open (default), overdue, pending, in_progress, done, dropped or empty",
    )
    actor: str | None = Field(
        None,
        max_length=40,
        pattern="^(ts|ppt|country:[A-Za-z]{2}|org:[0-9]{1,18})?$",
        description="ts, ppt, country:MX or org:<id>",
    )
    body: str | None = Field(None, max_length=60, description="Body slug")
    meeting: int | None = Field(None, ge=1, le=2**63 - 1)
    ours: bool = Field(
        False, description="Only commitments whose actor is the caller's country, organization, TS or PPT"
    )
    q: str | None = Field(None, max_length=200)


def _body(slug):
    if not slug:
        return None
    body = Body.objects.filter(slug=slug).first()
    if body is None:
        raise unknown("body", _("Unknown body: %(slug)s.") % {"slug": slug})
    return body


STATUS_FILTERS = {"open", "overdue", "", *CommitmentStatus.values}


# ---- endpoints -----------------------------------------------------------------------------


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_meetings(request, filters: Query[MeetingFilter]):
    """Meetings the caller may see (drafts for the TS only)."""
    return queries.meetings(request.user, body=_body(filters.body), when=filters.when, q=filters.q or "")


def _visible_meeting(request, meeting_id):
    return get_object_or_404(
        access.restrict(Meeting.objects.select_related("body").prefetch_related("delegations"), request.user),
        pk=meeting_id,
    )


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_meeting(request, meeting_id: int):
    meeting = _visible_meeting(request, meeting_id)
    version, _versions = queries.shown_version(request.user, meeting)
    meeting.report_version = version.number if version else None
    meeting.report_status = version.status if version else None
    return meeting


@router.get(
    "/meetings/{meeting_id}/agreements",
    response={200: list[AgreementOut], **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_agreements(request, meeting_id: int, version: int | None = None):
    """The agreements of the report version the caller reads (or of `version`), in order."""
    meeting = _visible_meeting(request, meeting_id)
    shown, _versions = queries.shown_version(request.user, meeting, version)
    if shown is None:
        return []
    return list(shown.agreements.order_by("position", "sub_position", "pk"))


@router.post("/meetings/{meeting_id}/agreements", response={201: AgreementOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_agreement(request, meeting_id: int, payload: AgreementIn):
    """Add an agreement (or sub-item) to the meeting's draft report (TS)."""
    meeting = _visible_meeting(request, meeting_id)
    access.require(request.user, access.CHANGE, meeting)
    draft = services.draft_of(meeting) or services.start_report(meeting, acting_user=request.user)
    parent = None
    if payload.parent_id is not None:
        parent = Agreement.objects.filter(pk=payload.parent_id, version=draft).first()
        if parent is None:
            raise ValidationError(
                {"parent_id": _("Unknown agreement of this draft: %(id)s.") % {"id": payload.parent_id}}
            )
    agreement = services.add_agreement(
        draft,
        acting_user=request.user,
        parent=parent,
        kind=payload.kind,
        text_es=payload.text_es,
        text_en=payload.text_en,
    )
    return Status(201, agreement)


@router.patch(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **WRITE_ERRORS, 409: ConflictOut},
    auth=WRITE_AUTH,
)
def update_agreement(request, agreement_id: int, payload: AgreementPatch):
    """Change an agreement of a draft; 409 with the saved version if someone changed it since `revision`."""
    agreement = get_object_or_404(
        access.restrict(Agreement.objects.select_related("version"), request.user), pk=agreement_id
    )
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "revision"}
    for key, value in fields.items():
        if value is None:
            raise ValidationError({key: _("This field cannot be null.")})
    try:
        return services.update_agreement(agreement, acting_user=request.user, revision=payload.revision, **fields)
    except services.EditConflict as conflict:
        return Status(409, {"detail": conflict.messages[0], "current": conflict.current})


@router.post("/agreements/{agreement_id}/decision", response={200: AgreementOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def record_decision(request, agreement_id: int, payload: DecisionIn):
    """Record the RCGM's decision on a recommendation (TS)."""
    agreement = get_object_or_404(access.restrict(Agreement.objects.all(), request.user), pk=agreement_id)
    access.require(request.user, DECIDE, agreement)
    rcgm_meeting = None
    if payload.rcgm_meeting_id is not None:
        rcgm_meeting = Meeting.objects.filter(pk=payload.rcgm_meeting_id).select_related("body").first()
        if rcgm_meeting is None:
            raise unknown("rcgm_meeting_id", _("Unknown meeting: %(id)s.") % {"id": payload.rcgm_meeting_id})
    return services.record_rcgm_decision(
        agreement, acting_user=request.user, decision=payload.decision, rcgm_meeting=rcgm_meeting, note=payload.note
    )


@router.get("/commitments", response={200: list[CommitmentOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_commitments(request, filters: Query[CommitmentFilter]):
    """The follow-up board: commitments the caller may see, overdue first (network members only)."""
    status = filters.status if filters.status is not None else "open"
    if status not in STATUS_FILTERS:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})
    meeting = None
    if filters.meeting is not None:
        meeting = access.restrict(Meeting.objects.all(), request.user).filter(pk=filters.meeting).first()
        if meeting is None:
            raise unknown("meeting", _("Unknown meeting: %(id)s.") % {"id": filters.meeting})
    if filters.actor and queries.actor_filter(filters.actor) is None:
        raise ValidationError({"actor": _("Write ts, ppt, country:<code> or org:<id>.")})
    return queries.board(
        request.user,
        actor=filters.actor or "",
        body=_body(filters.body),
        meeting=meeting,
        status=status,
        ours=filters.ours,
        q=filters.q or "",
    )


def _visible_commitment(request, commitment_id):
    return get_object_or_404(access.restrict(Commitment.objects.with_actors(), request.user), pk=commitment_id)


@router.get("/commitments/{commitment_id}", response={200: CommitmentOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_commitment(request, commitment_id: int):
    return _visible_commitment(request, commitment_id)


@router.post("/agreements/{agreement_id}/commitments", response={201: CommitmentOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_commitment(request, agreement_id: int, payload: CommitmentIn):
    """Record a commitment of an agreement (TS)."""
    agreement = get_object_or_404(
        access.restrict(Agreement.objects.select_related("version"), request.user), pk=agreement_id
    )
    commitment = services.create_commitment(
        agreement,
        acting_user=request.user,
        actors=services.actors_from_codes(payload.actors),
        action_es=payload.action_es,
        action_en=payload.action_en,
        due=payload.due,
        notes=payload.notes,
    )
    return Status(201, Commitment.objects.for_board().get(pk=commitment.pk))


@router.get(
    "/commitments/{commitment_id}/status-changes",
    response={200: list[StatusChangeOut], **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_status_changes(request, commitment_id: int):
    """Every status change of a commitment, newest first, with who and when."""
    commitment = _visible_commitment(request, commitment_id)
    return queries.commitment_history(request.user, commitment)


@router.post(
    "/commitments/{commitment_id}/status-changes",
    response={201: StatusChangeOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def change_status(request, commitment_id: int, payload: StatusChangeIn):
    """Change a commitment's status: the TS, or an actor of the commitment (their country, organization, PPT)."""
    commitment = _visible_commitment(request, commitment_id)
    access.require(request.user, UPDATE_STATUS, commitment)
    if payload.evidence_link and not payload.evidence_link.startswith(("https://", "http://")):
        raise ValidationError({"evidence_link": _("Give a web address starting with https://.")})
    services.change_commitment_status(
        commitment,
        payload.status,
        acting_user=request.user,
        note=payload.note,
        evidence_link=payload.evidence_link,
        actor=payload.actor,
        revision=payload.revision,
    )
    return Status(
        201, CommitmentStatusChange.objects.filter(commitment=commitment).order_by("-changed_at", "-pk").first()
    )


@router.get(
    "/meetings/{meeting_id}/delegates",
    response={200: list[MeetingDelegateOut], 403: Error, **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_delegates(request, meeting_id: int):
    """The delegates registered to a meeting, by country (network members only)."""
    meeting = _visible_meeting(request, meeting_id)
    access.require_member(request.user)
    return queries.delegates(request.user, meeting)


@router.post("/meetings/{meeting_id}/delegates", response={201: MeetingDelegateOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def register_delegate(request, meeting_id: int, payload: MeetingDelegateIn):
    """Register a delegate of a country: that country's liaison officers, or the TS; before the meeting starts."""
    meeting = _visible_meeting(request, meeting_id)
    country = Country.objects.filter(code=payload.country.upper()).first()
    if country is None:
        raise unknown("country", _("Unknown country code: %(code)s.") % {"code": payload.country})
    access.require_create(request.user, Delegate, meeting=meeting, country=country)
    fields = payload.dict(exclude={"country"})
    delegate = services.register_delegate(meeting, country, acting_user=request.user, **fields)
    return Status(201, Delegate.objects.for_page().get(pk=delegate.pk))


# The consultation on a draft report: its own module, under the same paths' root.
from .consultation_api import router as consultation_router  # noqa: E402 - after this router's own paths

router.add_router("/", consultation_router)
