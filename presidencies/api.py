"""API of the presidencies and their handover, under the same rules as the pages."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.api import Conflict, Error, FieldErrors, Id, InputSchema, filled_text
from network.models import PPTPeriod

from . import queries, services
from .models import HandoverKeep, ItemKind

router = Router(tags=["presidencies"])

READ_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}
WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


class HandoverSummaryOut(Schema):
    change_date: datetime.date
    incoming: str | None = Field(None, description="ISO 3166 alpha-2 code of the incoming presidency")
    prepared_at: datetime.datetime
    carried_out_at: datetime.datetime | None


class PresidencyOut(Schema):
    id: int
    country: str = Field(..., description="ISO 3166 alpha-2 code")
    start_date: datetime.date
    end_date: datetime.date | None
    handed_over_at: str
    commitments_closed: int = Field(..., description="Commitments whose PPT row was closed during the presidency")
    meetings_held: int
    reports_approved: int = Field(..., description="Meeting reports approved during the presidency")
    followup_reports_approved: int = Field(..., description="Strategic-plan follow-up reports approved during it")
    handover: HandoverSummaryOut | None


class KeepOut(Schema):
    id: int
    commitment_id: int
    reason: str
    decided_at: datetime.datetime
    applied_at: datetime.datetime | None


class ItemOut(Schema):
    kind: ItemKind
    label_es: str
    label_en: str
    state_es: str
    state_en: str
    detail_es: str
    detail_en: str
    url: str
    commitment_id: int | None = None
    kept: KeepOut | None = Field(None, description="The TS keeps this commitment with the outgoing country")


class HandoverOut(Schema):
    presidency: int
    outgoing: str = Field(..., description="ISO 3166 alpha-2 code of the outgoing presidency")
    incoming: str | None
    change_date: datetime.date | None = Field(None, description="Unknown while the presidency's end is not recorded")
    prepared_at: datetime.datetime | None
    carried_out_at: datetime.datetime | None
    frozen: bool = Field(..., description="The items as they stood at the change (else as of today)")
    items: list[ItemOut]


class KeepIn(InputSchema):
    commitment_id: Id = Field(..., description="An open commitment of the PPT listed in the handover")
    reason: str = filled_text(services.REASON_MAX)


def _code(period):
    return period.country.code.code if period is not None else None


def _keep_out(keep):
    if keep is None:
        return None
    return {
        "id": keep.pk,
        "commitment_id": keep.commitment_id,
        "reason": keep.reason,
        "decided_at": keep.decided_at,
        "applied_at": keep.applied_at,
    }


def _handover(request, presidency_id):
    period = get_object_or_404(PPTPeriod.objects.select_related("country"), pk=presidency_id)
    handover = queries.handover_of(period)
    access.require(request.user, access.VIEW, handover)
    return period, handover


@router.get("/presidencies", response={200: list[PresidencyOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
def list_presidencies(request):
    """Every presidency, newest first, with what was done during it (network members)."""
    access.require_member(request.user)
    rows = []
    for row in queries.presidencies(request.user):
        handover = row.handover
        rows.append(
            {
                "id": row.period.pk,
                "country": _code(row.period),
                "start_date": row.period.start_date,
                "end_date": row.period.end_date,
                "handed_over_at": row.period.handed_over_at,
                "commitments_closed": row.commitments_closed,
                "meetings_held": row.meetings_held,
                "reports_approved": row.reports_approved,
                "followup_reports_approved": row.followups_approved,
                "handover": None
                if handover is None
                else {
                    "change_date": handover.change_date,
                    "incoming": _code(handover.incoming),
                    "prepared_at": handover.prepared_at,
                    "carried_out_at": handover.carried_out_at,
                },
            }
        )
    return rows


@router.get(
    "/presidencies/{presidency_id}/handover", response={200: HandoverOut, **READ_ERRORS}, openapi_extra=READ_SECURITY
)
def get_handover(request, presidency_id: Id):
    """A presidency's handover: its open items (the TS and the officers of both presidencies)."""
    period, handover = _handover(request, presidency_id)
    frozen = handover.carried_out_at is not None
    items = [item for group in queries.items_of(handover) for item in group.items]
    return {
        "presidency": period.pk,
        "outgoing": _code(period),
        "incoming": _code(handover.incoming),
        "change_date": handover.change_date,
        "prepared_at": handover.prepared_at if handover.pk else None,
        "carried_out_at": handover.carried_out_at,
        "frozen": frozen,
        "items": [
            {
                "kind": item.kind,
                "label_es": item.label_es,
                "label_en": item.label_en,
                "state_es": item.state_es,
                "state_en": item.state_en,
                "detail_es": item.detail_es,
                "detail_en": item.detail_en,
                "url": item.url,
                "commitment_id": item.commitment_id,
                "kept": _keep_out(item.keep),
            }
            for item in items
        ],
    }


@router.post("/presidencies/{presidency_id}/handover/keeps", response={201: KeepOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def keep_commitment(request, presidency_id: Id, payload: KeepIn):
    """Keep a commitment of the PPT with the outgoing country, with the reason (the TS)."""
    period, _handover_ = _handover(request, presidency_id)
    keep = services.keep_with_outgoing(period, payload.commitment_id, reason=payload.reason, acting_user=request.user)
    return Status(201, _keep_out(keep))


@router.delete(
    "/presidencies/{presidency_id}/handover/keeps/{keep_id}",
    response={204: None, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def withdraw_keep(request, presidency_id: Id, keep_id: Id):
    """Withdraw a decision to keep a commitment, while it has not been applied (the TS)."""
    period, _handover_ = _handover(request, presidency_id)
    keep = get_object_or_404(HandoverKeep, pk=keep_id, handover__outgoing=period)
    access.require(request.user, access.DELETE, keep)
    services.withdraw_keep(keep, acting_user=request.user)
    return Status(204, None)
