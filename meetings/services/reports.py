"""Reports to the RCGM: drafts, corrections, approval, and their numbered agreements."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.refusals import STATE, refusal
from core.services import assign
from network.models import BodyKind

from ..access import APPROVE, DECIDE
from ..models import (
    ACTIVE_CONSULTATION,
    Agreement,
    AgreementKind,
    ApprovalBasis,
    Commitment,
    Decision,
    Meeting,
    ReportStatus,
    ReportVersion,
)
from .common import AGREEMENT_FIELDS, REPORT_FIELDS, EditConflict, _changed, _remember_edits, checked_off

# ---- reports -------------------------------------------------------------------------------


def draft_of(meeting: Meeting) -> ReportVersion | None:
    return meeting.reports.filter(status=ReportStatus.DRAFT).first()


@transaction.atomic
def start_report(meeting: Meeting, *, acting_user: Any) -> ReportVersion:
    """Open the first draft of a meeting's report (drafted live during the meeting)."""
    access.require(acting_user, access.CHANGE, meeting)
    existing = draft_of(meeting)
    if existing is not None:
        return existing
    if meeting.reports.exists():
        raise refusal(STATE, _("This report was approved: start a correction to change it."))
    with acting_as(acting_user):
        return ReportVersion.objects.create(meeting=meeting, number=1, created_by=acting_user)


@transaction.atomic
def start_correction(meeting: Meeting, *, acting_user: Any, note: str = "") -> ReportVersion:
    """Open a new draft version copying the approved one; the approved version stays as it was."""
    access.require(acting_user, access.CHANGE, meeting)
    if draft_of(meeting) is not None:
        raise refusal(STATE, _("A correction is already being drafted."))
    approved = meeting.reports.filter(status=ReportStatus.APPROVED).first()
    if approved is None:
        raise refusal(STATE, _("There is no approved report to correct."))
    with acting_as(acting_user):
        version = ReportVersion(meeting=meeting, number=approved.number + 1, created_by=acting_user)
        for name in ("participants_es", "participants_en", "submission_es", "submission_en"):
            setattr(version, name, getattr(approved, name))
        version.correction_note = note[:500]
        version.full_clean()
        version.save()
        copies: dict[Any, Agreement] = {}
        # Numbered agreements first, so their sub-items find their new parent (NULLs sort
        # differently on SQLite and PostgreSQL, so no ordering on parent_id).
        olds = list(approved.agreements.filter(parent__isnull=True).order_by("position", "pk"))
        olds += list(approved.agreements.filter(parent__isnull=False).order_by("position", "sub_position", "pk"))
        for old in olds:
            new = Agreement(
                version=version,
                parent=copies.get(old.parent_id),
                key=old.key,
                position=old.position,
                sub_position=old.sub_position,
                number=old.number,
                letter=old.letter,
                kind=old.kind,
                text_es=old.text_es,
                text_en=old.text_en,
                source_text=old.source_text,
                rcgm_decision=old.rcgm_decision,
                rcgm_meeting_id=old.rcgm_meeting_id,
                rcgm_note=old.rcgm_note,
                updated_by=acting_user,
            )
            new.save()
            copies[old.pk] = new
        # Commitments follow the report being written; their history stays with them.
        for old_pk, new in copies.items():
            Commitment.objects.filter(agreement_id=old_pk).update(agreement=new)
    return version


@transaction.atomic
def update_report_text(version: ReportVersion, *, acting_user: Any, **fields: Any) -> ReportVersion:
    """Change a draft's participants paragraph and submission line."""
    access.require(acting_user, access.CHANGE, version)
    with acting_as(acting_user):
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        assign(version, fields, REPORT_FIELDS)
        version.full_clean()
        version.save()
        checked_off(version.meeting_id, "field:participants")
    return version


@transaction.atomic
def approve_report(version: ReportVersion, *, acting_user: Any) -> ReportVersion:
    """Approve a draft (the TS): it is locked; the version it corrects is kept, marked superseded."""
    access.require(acting_user, APPROVE, version)
    if version.consultations.filter(status__in=ACTIVE_CONSULTATION).exists():
        raise refusal(
            STATE,
            _("The parties are being consulted on this draft: it is approved at the end of the consultation."),
        )
    return approve_as(version, basis=ApprovalBasis.TS, acting_user=acting_user)


@transaction.atomic
def approve_as(version: ReportVersion, *, basis: str, acting_user: Any) -> ReportVersion:
    """Lock a draft as approved on `basis` (the TS, the silence procedure…); callers have checked who may."""
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ReportStatus.DRAFT:
        raise refusal(STATE, _("This version is not a draft."))
    if not version.agreements.exists():
        raise refusal(STATE, _("A report needs at least one agreement before it is approved."))
    with acting_as(acting_user):
        for previous in version.meeting.reports.filter(status=ReportStatus.APPROVED):
            previous.status = ReportStatus.SUPERSEDED
            previous.save()
        version.status = ReportStatus.APPROVED
        version.approved_by = acting_user
        version.approved_at = timezone.now()
        version.approval_basis = basis
        version.save()
    return version


def _renumber(version: ReportVersion) -> None:
    """Number agreements 1, 2, 3… and their sub-items a, b, c… in their current order."""
    tops = list(version.agreements.filter(parent__isnull=True).order_by("position", "pk"))
    items: dict[int | None, list[Agreement]] = {}
    for item in version.agreements.filter(parent__isnull=False).order_by("position", "sub_position", "pk"):
        items.setdefault(item.parent_id, []).append(item)
    for index, top in enumerate(tops, start=1):
        if (top.position, top.number) != (index, str(index)):
            top.position, top.number = index, str(index)
            top.save(update_fields=["position", "number", "updated_at"])
        for sub_index, item in enumerate(items.get(top.pk, []), start=1):
            letter = _letter(sub_index)
            if (item.position, item.sub_position, item.number, item.letter) != (index, sub_index, str(index), letter):
                item.position, item.sub_position, item.number, item.letter = index, sub_index, str(index), letter
                item.save(update_fields=["position", "sub_position", "number", "letter", "updated_at"])


def _letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _require_draft(version: ReportVersion, acting_user: Any) -> None:
    if version.status != ReportStatus.DRAFT:
        access.refuse(acting_user, access.CHANGE, version)
    access.require(acting_user, access.CHANGE, version)


@transaction.atomic
def add_agreement(
    version: ReportVersion,
    *,
    acting_user: Any,
    parent: Agreement | None = None,
    after: Agreement | None = None,
    kind: str = AgreementKind.OTHER,
    text_es: str = "",
    text_en: str = "",
) -> Agreement:
    """Add an agreement (or a sub-item of `parent`) at the end, or just after `after`."""
    _require_draft(version, acting_user)
    if parent is not None and (parent.version_id != version.pk or parent.parent_id is not None):
        raise ValidationError({"parent": _("Sub-items belong to a numbered agreement of the same report.")})
    with acting_as(acting_user):
        agreement = Agreement(version=version, parent=parent, kind=kind, text_es=text_es, text_en=text_en)
        agreement.updated_by = acting_user
        siblings = version.agreements.filter(parent=parent)
        if parent is None:
            if after is not None:
                siblings.filter(position__gt=after.position).update(position=F("position") + 1)
                agreement.position = after.position + 1
            else:
                agreement.position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
            agreement.number = str(agreement.position)
        else:
            agreement.position = parent.position
            agreement.number = parent.number
            agreement.sub_position = (siblings.aggregate(m=Max("sub_position"))["m"] or 0) + 1
            agreement.letter = _letter(agreement.sub_position)
        _validate_agreement(agreement)
        agreement.save()
        _renumber(version)
        agreement.refresh_from_db()
    return agreement


def _validate_agreement(agreement: Agreement) -> None:
    agreement.full_clean()
    if not (agreement.text_es.strip() or agreement.text_en.strip()):
        raise ValidationError({"text_es": _("Write the agreement in Spanish or in English.")})


@transaction.atomic
def update_agreement(agreement: Agreement, *, acting_user: Any, revision: Any, **fields: Any) -> Agreement:
    """Change an agreement's kind or text; refused without loss if someone saved it meanwhile."""
    current = Agreement.objects.select_for_update().select_related("version").get(pk=agreement.pk)
    _require_draft(current.version, acting_user)
    if int(revision) != current.revision:
        raise EditConflict(current)
    with acting_as(acting_user):
        _remember_edits(current, _changed(current, fields))
        assign(current, fields, AGREEMENT_FIELDS)
        current.revision += 1
        current.updated_by = acting_user
        _validate_agreement(current)
        current.save()
        checked_off(current.version.meeting_id, f"ref:{current.ref}")
    return current


@transaction.atomic
def move_agreement(agreement: Agreement, offset: int, *, acting_user: Any) -> Agreement:
    """Move an agreement (or a sub-item, among its siblings) up (-1) or down (+1); renumber."""
    agreement = Agreement.objects.select_for_update().select_related("version").get(pk=agreement.pk)
    _require_draft(agreement.version, acting_user)
    field = "sub_position" if agreement.parent_id else "position"
    siblings = list(agreement.version.agreements.filter(parent_id=agreement.parent_id).order_by(field, "pk"))
    index = next(i for i, a in enumerate(siblings) if a.pk == agreement.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(siblings):
        return agreement
    siblings[index], siblings[target] = siblings[target], siblings[index]
    with acting_as(acting_user):
        for position, sibling in enumerate(siblings, start=1):
            if getattr(sibling, field) != position:
                setattr(sibling, field, position)
                sibling.save(update_fields=[field, "updated_at"])
                if field == "position":
                    sibling.items.update(position=position)
        _renumber(agreement.version)
    agreement.refresh_from_db()
    return agreement


@transaction.atomic
def delete_agreement(agreement: Agreement, *, acting_user: Any, revision: int | None = None) -> None:
    """Delete an agreement of a draft, with its sub-items, unless commitments come from it."""
    agreement = Agreement.objects.select_for_update().select_related("version").get(pk=agreement.pk)
    _require_draft(agreement.version, acting_user)
    if revision is not None and int(revision) != agreement.revision:
        raise EditConflict(agreement)
    if Commitment.objects.filter(agreement__in=[agreement, *agreement.items.all()]).exists():
        raise refusal(STATE, _("Commitments come from this agreement: delete or move them first."))
    version = agreement.version
    with acting_as(acting_user):
        agreement.delete()
        _renumber(version)


@transaction.atomic
def record_rcgm_decision(
    agreement: Agreement, *, acting_user: Any, decision: str, rcgm_meeting: Meeting | None = None, note: str = ""
) -> Agreement:
    """Record what the RCGM decided on a recommendation, in every version of the report."""
    access.require(acting_user, DECIDE, agreement)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if decision != Decision.PENDING and rcgm_meeting is None:
        raise ValidationError({"rcgm_meeting": _("Say which RCGM meeting decided.")})
    if rcgm_meeting is not None and rcgm_meeting.body.kind != BodyKind.RCGM:
        raise ValidationError({"rcgm_meeting": _("Choose a meeting of the RCGM.")})
    with acting_as(acting_user):
        for same in Agreement.objects.select_for_update().filter(key=agreement.key):
            same.rcgm_decision = decision
            same.rcgm_meeting = rcgm_meeting if decision != Decision.PENDING else None
            same.rcgm_note = note[:500]
            same.full_clean()
            same.save()
    agreement.refresh_from_db()
    return agreement
