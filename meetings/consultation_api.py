"""API of the consultation on a draft report: the same reads, rules and services as its pages."""

import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.api import Conflict, Error, FieldErrors, InputSchema, filled_text, on_or_after_today, unknown

from . import consulting, services
from .models import (
    Agreement,
    AmendmentAnswer,
    ApprovalBasis,
    Consultation,
    ConsultationParty,
    ConsultationStatus,
    Meeting,
    Position,
    Remark,
    RemarkKind,
)

router = Router(tags=["consultations"])

READ_ERRORS = {400: FieldErrors, 401: Error, 404: Error}
WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


def _party_code(party):
    if party.country_id:
        return party.country.code.code
    return party.organization.short_name


class PartyOut(Schema):
    id: int
    party: str = Field(..., description="An ISO country code, or an organization's acronym")
    kind: Literal["country", "organization"]
    position: Position = Field(..., description="no_objection, objection, or empty: no position (silence)")
    position_at: datetime.datetime | None
    revision: int = Field(..., description="Send it back with a position")

    @staticmethod
    def resolve_party(obj):
        return _party_code(obj)

    @staticmethod
    def resolve_kind(obj):
        return "country" if obj.country_id else "organization"


class RemarkOut(Schema):
    id: int
    party: str = Field(..., description="Who said it: an ISO country code or an organization's acronym")
    kind: RemarkKind
    agreement_id: int | None = Field(None, description="Empty: on the report as a whole")
    ref: str = Field(..., description="The agreement's number when it was written")
    text: str
    proposed_es: str
    proposed_en: str
    base_es: str = Field(..., description="The draft's text when the amendment was proposed")
    base_en: str
    answer: AmendmentAnswer
    answer_reason: str
    answered_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    author: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_party(obj):
        return _party_code(obj.party)

    @staticmethod
    def resolve_author(obj):
        return obj.author_name


class ConsultationOut(Schema):
    id: int
    meeting_id: int
    report_version: int
    round: int
    deadline: datetime.date
    status: ConsultationStatus
    includes_partners: bool
    circular_id: int | None
    decision_note: str
    approval: ApprovalBasis | None = Field(None, description="How the report was approved, once it is")
    approved_at: datetime.datetime | None = None
    revision: int = Field(..., description="Send it back with a decision")
    parties: list[PartyOut]
    remarks: list[RemarkOut]
    url: str

    @staticmethod
    def resolve_meeting_id(obj):
        return obj.version.meeting_id

    @staticmethod
    def resolve_report_version(obj):
        return obj.version.number

    @staticmethod
    def resolve_approval(obj):
        return obj.version.approval_basis or None

    @staticmethod
    def resolve_approved_at(obj):
        return obj.version.approved_at

    @staticmethod
    def resolve_parties(obj):
        return list(obj.parties.all())

    @staticmethod
    def resolve_remarks(obj):
        return list(obj.remarks.all())

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ConsultationIn(InputSchema):
    deadline: datetime.date = Field(
        ..., description="The last day for positions: today or later", json_schema_extra=on_or_after_today
    )
    includes_partners: bool = False
    note_es: str = Field("", max_length=5000)
    note_en: str = Field("", max_length=5000)


class PartyChoice(InputSchema):
    party_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The party you speak for; needed only if you speak for several"
    )


class RemarkCommentIn(PartyChoice):
    agreement_id: int | None = Field(None, ge=1, le=2**63 - 1, description="Empty: on the report as a whole")
    text: str = filled_text(5000)


class RemarkObjectionIn(PartyChoice):
    agreement_id: int | None = Field(None, ge=1, le=2**63 - 1, description="Empty: to the report as a whole")
    text: str = filled_text(5000, description="The reason")


class RemarkAmendmentIn(PartyChoice):
    one_filled = ("proposed_es", "proposed_en")
    blank_is_empty = True
    agreement_id: int = Field(..., ge=1, le=2**63 - 1)
    proposed_es: str = Field("", max_length=20000, description="The new text in Spanish (different from the draft's)")
    proposed_en: str = Field("", max_length=20000, description="The new text in English (different from the draft's)")
    text: str = Field("", max_length=5000, description="Why")


class PartyPositionIn(PartyChoice):
    position: Literal["no_objection", ""] = Field(..., description="no_objection, or empty to take it back")
    revision: int | None = Field(None, ge=1, le=2**31 - 1, description="The party row's revision you read")


class AmendmentAnswerIn(InputSchema):
    accepted: bool
    reason: str = Field("", max_length=2000, description="Required when not accepted: the party reads it")

    schema_rules = {
        "if": {"properties": {"accepted": {"const": False}}},
        "then": {"required": ["reason"], "properties": {"reason": {"pattern": r"\S"}}},
    }


class ConsultationDecisionIn(InputSchema):
    decision: Literal["extend", "new_round", "approve"]
    deadline: datetime.date | None = Field(
        None, description="For an extension or a new round: today or later", json_schema_extra=on_or_after_today
    )
    note: str = Field("", max_length=1000, description="Required to approve despite standing objections")
    revision: int | None = Field(None, ge=1, le=2**31 - 1, description="The consultation's revision you read")

    schema_rules = {
        "if": {"properties": {"decision": {"enum": ["extend", "new_round"]}}},
        "then": {"required": ["deadline"], "properties": {"deadline": {"type": "string"}}},
    }


# ---- endpoints -----------------------------------------------------------------------------


def _consultation(request, consultation_id):
    consultation = consulting.for_api(request.user, consultation_id)
    if consultation is None:
        raise unknown("consultation_id", _("Unknown consultation: %(id)s.") % {"id": consultation_id})
    return consultation


def _fresh(request, consultation_id):
    return consulting.for_api(request.user, consultation_id)


def _party(consultation, party_id):
    if party_id is None:
        return None
    party = ConsultationParty.objects.select_related("country", "organization").filter(
        pk=party_id, consultation=consultation
    )
    if not party.exists():
        raise unknown("party_id", _("This party is not consulted here."))
    return party.first()


def _agreement(consultation, agreement_id):
    if agreement_id is None:
        return None
    agreement = Agreement.objects.filter(pk=agreement_id, version_id=consultation.version_id).first()
    if agreement is None:
        raise unknown("agreement_id", _("This agreement is not in the draft under consultation."))
    return agreement


@router.get(
    "/meetings/{meeting_id}/consultations",
    response={200: list[ConsultationOut], **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_consultations(request, meeting_id: int):
    """The rounds of consultation on the meeting's report the caller may read, newest first."""
    meeting = get_object_or_404(access.restrict(Meeting.objects.all(), request.user), pk=meeting_id)
    ids = access.restrict(Consultation.objects.filter(version__meeting=meeting), request.user).order_by(
        "-version__number", "-round"
    )
    return [consulting.for_api(request.user, pk) for pk in ids.values_list("pk", flat=True)[:50]]


@router.post("/meetings/{meeting_id}/consultations", response={201: ConsultationOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def open_consultation(request, meeting_id: int, payload: ConsultationIn):
    """Consult the parties on the meeting's draft report, by a circular with a deadline (TS)."""
    meeting = get_object_or_404(access.restrict(Meeting.objects.all(), request.user), pk=meeting_id)
    access.require_create(request.user, Consultation)
    draft = services.draft_of(meeting)
    if draft is None:
        raise unknown("meeting_id", _("This meeting has no draft report to consult on."))
    consultation = services.open_consultation(draft, acting_user=request.user, **payload.dict())
    return Status(201, _fresh(request, consultation.pk))


@router.get(
    "/consultations/{consultation_id}", response={200: ConsultationOut, **READ_ERRORS}, openapi_extra=READ_SECURITY
)
def get_consultation(request, consultation_id: int):
    """A consultation: every party's position and everything each said, with the TS's answers."""
    return _consultation(request, consultation_id)


def _add(request, consultation_id, kind, payload):
    consultation = _consultation(request, consultation_id)
    remark = services.add_remark(
        consultation,
        acting_user=request.user,
        kind=kind,
        agreement=_agreement(consultation, payload.agreement_id),
        text=payload.text,
        proposed_es=getattr(payload, "proposed_es", ""),
        proposed_en=getattr(payload, "proposed_en", ""),
        party=_party(consultation, payload.party_id),
    )
    return Status(201, Remark.objects.select_related("party__country", "party__organization").get(pk=remark.pk))


@router.post("/consultations/{consultation_id}/comments", response={201: RemarkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def add_comment(request, consultation_id: int, payload: RemarkCommentIn):
    """Comment, for your country or organization, on an agreement or the whole report."""
    return _add(request, consultation_id, RemarkKind.COMMENT, payload)


@router.post("/consultations/{consultation_id}/amendments", response={201: RemarkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def add_amendment(request, consultation_id: int, payload: RemarkAmendmentIn):
    """Propose new text for an agreement, for your country or organization; the TS answers it."""
    return _add(request, consultation_id, RemarkKind.AMENDMENT, payload)


@router.post("/consultations/{consultation_id}/objections", response={201: RemarkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def add_objection(request, consultation_id: int, payload: RemarkObjectionIn):
    """Object, for your country, with a reason; your country's position becomes "objection"."""
    return _add(request, consultation_id, RemarkKind.OBJECTION, payload)


@router.post("/consultations/{consultation_id}/position", response={200: PartyOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def set_position(request, consultation_id: int, payload: PartyPositionIn):
    """Say your country (or organization) has no objection, or take it back."""
    consultation = _consultation(request, consultation_id)
    return services.set_position(
        consultation,
        payload.position,
        acting_user=request.user,
        party=_party(consultation, payload.party_id),
        revision=payload.revision,
    )


def _remark(request, remark_id):
    query = Remark.objects.select_related(
        "consultation__version__meeting", "party__country", "party__organization", "agreement"
    )
    return get_object_or_404(access.restrict(query, request.user), pk=remark_id)


@router.post("/remarks/{remark_id}/withdraw", response={200: RemarkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def withdraw_objection(request, remark_id: int):
    """Withdraw your country's objection (until the TS decides)."""
    return services.withdraw_objection(_remark(request, remark_id), acting_user=request.user)


@router.post("/remarks/{remark_id}/answer", response={200: RemarkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def answer_amendment(request, remark_id: int, payload: AmendmentAnswerIn):
    """Accept an amendment (the draft takes its text) or not, with a reason (TS)."""
    return services.answer_amendment(
        _remark(request, remark_id), acting_user=request.user, accepted=payload.accepted, reason=payload.reason
    )


@router.post(
    "/consultations/{consultation_id}/decision", response={200: ConsultationOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def decide(request, consultation_id: int, payload: ConsultationDecisionIn):
    """Extend the deadline, open a new round, or approve the report once the deadline has passed (TS)."""
    consultation = _consultation(request, consultation_id)
    result = services.decide_consultation(
        consultation,
        payload.decision,
        acting_user=request.user,
        deadline=payload.deadline,
        note=payload.note,
        revision=payload.revision,
    )
    return _fresh(request, result.pk)
