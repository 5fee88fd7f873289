"""The TS's side of a consultation on a draft report: answers to amendments, the deadline, the decisions.

At the deadline (`close_due_consultations`, run daily), no objection standing and no amendment
unanswered approves the report under the silence procedure; otherwise the TS decides: extend, a
new round, or approve noting the objections.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.refusals import STATE, refusal
from core.versioning import expect
from network.models import Appointment
from network.queries import officer_users

from ..access import ANSWER, DECIDE_CONSULTATION
from ..models import (
    AmendmentAnswer,
    ApprovalBasis,
    Consultation,
    ConsultationParty,
    ConsultationStatus,
    Remark,
    RemarkKind,
)
from .consultation import _check_deadline, _locked_open, _locked_remark, open_consultation
from .reports import approve_as, update_agreement

# ---- the TS's answers and decisions -------------------------------------------------------------


def _party_users(party: ConsultationParty) -> list[Any]:
    """Who hears for a party: a country's current liaison officers, an organization's current staff."""
    if party.country is not None:
        return officer_users(party.country)
    from accounts.models import User

    staff = Appointment.objects.current().filter(organization_id=party.organization_id)
    return list(User.objects.filter(is_active=True, person__in=staff.values("person_id")).distinct())


@transaction.atomic
def answer_amendment(remark: Remark, *, acting_user: Any, accepted: bool, reason: str = "") -> Remark:
    """The TS accepts an amendment (the draft takes the new text; the history keeps the old) or not, with a reason."""
    from messaging.models import NotificationKind
    from messaging.notifications import notify

    remark = _locked_remark(remark)
    access.require(acting_user, ANSWER, remark)
    _locked_open(remark.consultation, allow_awaiting=True)
    reason = (reason or "").strip()
    if remark.kind != RemarkKind.AMENDMENT:
        raise ValidationError({"answer": _("Only amendments are answered.")})
    if remark.answer != AmendmentAnswer.PENDING:
        raise refusal(STATE, _("This amendment was already answered."))
    if not accepted and not reason:
        raise ValidationError({"reason": _("Say why the amendment is not accepted: the party will read it.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("At most %(max)s characters.") % {"max": 2000}})
    if accepted:
        if remark.agreement is None:
            raise refusal(STATE, _("The agreement this amendment changed was deleted from the draft."))
        agreement = remark.agreement
        fields = {
            "text_es": remark.proposed_es or agreement.text_es,
            "text_en": remark.proposed_en or agreement.text_en,
        }
        update_agreement(agreement, acting_user=acting_user, revision=agreement.revision, **fields)
    with acting_as(acting_user):
        remark.answer = AmendmentAnswer.ACCEPTED if accepted else AmendmentAnswer.NOT_ACCEPTED
        remark.answer_reason = reason
        remark.answered_by = acting_user
        remark.answered_at = timezone.now()
        remark.save()
        meeting = remark.consultation.version.meeting
        notify(
            _party_users(remark.party),
            NotificationKind.CHANGE_DECIDED,
            subject=lambda lang: (
                (
                    _("Your amendment to agreement %(ref)s was accepted")
                    if accepted
                    else _("Your amendment to agreement %(ref)s was not accepted")
                )
                % {"ref": remark.ref}
            ),
            body=lambda lang: str(meeting) + (f"\n{reason}" if reason else ""),
            url=remark.consultation.get_absolute_url(),
            dedupe_key=f"consultation-amendment:{remark.pk}",
        )
    return remark


def standing_objections(consultation: Consultation) -> list[Remark]:
    return list(
        consultation.remarks.filter(kind=RemarkKind.OBJECTION, withdrawn_at__isnull=True)
        .select_related("party__country", "party__organization")
        .order_by("party__country__code", "created_at")
    )


def _pending_amendments(consultation: Consultation) -> int:
    return consultation.remarks.filter(kind=RemarkKind.AMENDMENT, answer=AmendmentAnswer.PENDING).count()


def _approve(consultation: Consultation, basis: str, acting_user: Any, note: str = "") -> None:
    from messaging.models import NotificationKind
    from messaging.notifications import notify, ts_users

    version = approve_as(consultation.version, basis=basis, acting_user=acting_user)
    consultation.status = ConsultationStatus.APPROVED
    consultation.closed_at = version.approved_at
    consultation.closed_by = acting_user
    consultation.decision_note = note[:1000]
    consultation.save()
    users = ts_users()
    for party in consultation.parties.select_related("country", "organization"):
        users += _party_users(party)
    meeting = version.meeting
    notify(
        users,
        NotificationKind.REPORT_APPROVED,
        subject=lambda lang: _("Report approved: %(meeting)s") % {"meeting": meeting},
        body=lambda lang: str(ApprovalBasis(basis).label),
        url=meeting.get_absolute_url(),
        dedupe_key=f"consultation-approved:{consultation.pk}",
    )


@transaction.atomic
def close_consultation_at_deadline(consultation: Consultation, today: datetime.date | None = None) -> str:
    """Close one consultation whose deadline has passed: approve it under silence, or hand it to the TS."""
    from messaging.models import NotificationKind
    from messaging.notifications import notify, ts_users

    today = today or timezone.localdate()
    consultation = (
        Consultation.objects.select_for_update(of=("self",)).select_related("version__meeting").get(pk=consultation.pk)
    )
    if consultation.status != ConsultationStatus.OPEN or consultation.deadline >= today:
        return "unchanged"
    with acting_as(None):
        if not standing_objections(consultation) and not _pending_amendments(consultation):
            _approve(consultation, ApprovalBasis.SILENCE, None)
            return "approved"
        consultation.status = ConsultationStatus.AWAITING
        consultation.save()
        meeting = consultation.version.meeting
        notify(
            ts_users(),
            NotificationKind.REVIEW_REQUESTED,
            subject=lambda lang: (
                _("Consultation closed with objections or amendments to answer: %(meeting)s") % {"meeting": meeting}
            ),
            url=consultation.get_absolute_url(),
            dedupe_key=f"consultation-awaiting:{consultation.pk}:{consultation.deadline.isoformat()}",
        )
    return "awaiting"


def close_due_consultations(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: close every open consultation whose deadline has passed (safe to run twice)."""
    today = today or timezone.localdate()
    counts = {"approved": 0, "awaiting": 0, "unchanged": 0}
    due = Consultation.objects.filter(status=ConsultationStatus.OPEN, deadline__lt=today).values_list("pk", flat=True)
    for pk in list(due):
        counts[close_consultation_at_deadline(Consultation(pk=pk), today)] += 1
    return counts


class ConsultationDecision:
    EXTEND = "extend"
    NEW_ROUND = "new_round"
    APPROVE = "approve"
    CHOICES = (EXTEND, NEW_ROUND, APPROVE)


@transaction.atomic
def decide_consultation(
    consultation: Consultation,
    decision: str,
    *,
    acting_user: Any,
    deadline: Any = None,
    note: str = "",
    revision: Any = None,
) -> Consultation:
    """The TS decides: extend the deadline, open a new round on the (amended) draft, or approve (noting objections)."""
    from circulation import services as circulation_services
    from circulation.models import CircularRecipient

    access.require(acting_user, DECIDE_CONSULTATION, consultation)
    consultation = _locked_open(consultation, allow_awaiting=True)
    expect(consultation, revision)
    note = (note or "").strip()
    if decision not in ConsultationDecision.CHOICES:
        raise ValidationError({"decision": _("Choose: extend the deadline, a new round, or approve.")})
    if len(note) > 1000:
        raise ValidationError({"note": _("At most %(max)s characters.") % {"max": 1000}})
    if decision == ConsultationDecision.EXTEND:
        deadline = _check_deadline(deadline)
        if deadline <= consultation.deadline:
            raise refusal(STATE, _("An extension must come after the current deadline."), "deadline")
        with acting_as(acting_user):
            consultation.deadline = deadline
            consultation.status = ConsultationStatus.OPEN
            consultation.decision_note = note
            consultation.save()
        for recipient in (
            CircularRecipient.objects.filter(circular=consultation.circular)
            .exclude(deadline__gte=deadline)
            .select_related("circular")
        ):
            circulation_services.extend_deadline(recipient, deadline, acting_user=acting_user)
        return consultation
    if decision == ConsultationDecision.NEW_ROUND:
        deadline = _check_deadline(deadline)
        with acting_as(acting_user):
            consultation.status = ConsultationStatus.CLOSED
            consultation.closed_at = timezone.now()
            consultation.closed_by = acting_user
            consultation.decision_note = note
            consultation.save()
        return open_consultation(
            consultation.version,
            acting_user=acting_user,
            deadline=deadline,
            includes_partners=consultation.includes_partners,
            note_es=consultation.note_es,
            note_en=consultation.note_en,
        )
    # Approve: only once the deadline has passed (silence is consent only then), every amendment answered.
    if consultation.status != ConsultationStatus.AWAITING:
        raise refusal(STATE, _("The consultation is open until its deadline: it cannot be approved before."))
    if _pending_amendments(consultation):
        raise ValidationError({"decision": _("Answer every amendment before approving the report.")})
    objections = standing_objections(consultation)
    if objections and not note:
        raise ValidationError({"note": _("Say why the report is approved despite the objections: it is recorded.")})
    with acting_as(acting_user):
        _approve(
            consultation, ApprovalBasis.NOTING_OBJECTIONS if objections else ApprovalBasis.SILENCE, acting_user, note
        )
    return consultation
