"""Consultation on a draft report: the TS opens it by a circular; each party's remarks and position.

Each party speaks only through its own row (`ConsultationParty`): a country's current liaison
officers for that country, an organization's staff for that organization; the TS answers
amendments and decides (`consultation_decisions`), and never speaks for a party.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.models import Visibility
from core.refusals import NOT_YOURS, STATE, refusal
from core.versioning import expect
from network.models import Country, Organization

from ..access import CONSULT, SPEAK, WITHDRAW
from ..models import (
    ACTIVE_CONSULTATION,
    Agreement,
    Consultation,
    ConsultationParty,
    ConsultationStatus,
    MeetingStatus,
    Position,
    Remark,
    RemarkKind,
    ReportStatus,
    ReportVersion,
)

TEXT_LIMIT = 5000
PROPOSAL_LIMIT = 20000


def active_consultation(version: ReportVersion | None) -> Consultation | None:
    if version is None:
        return None
    return version.consultations.filter(status__in=ACTIVE_CONSULTATION).first()


# ---- opening ---------------------------------------------------------------------------------


def _check_deadline(deadline: Any, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": _("Give the deadline as a date.")})
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline has already passed: choose today or a later date.")})
    return deadline


def _circular_texts(consultation: Consultation, lang: str) -> tuple[str, str]:
    from django.urls import reverse
    from django.utils.formats import date_format

    from core.i18n import localized

    meeting = consultation.version.meeting
    with translation.override(lang):
        title = localized(meeting, "title", lang) or str(meeting)
        lines = []
        note = localized(consultation, "note", lang)
        if note:
            lines += [note, ""]
        lines += [
            _("The Technical Secretariat consults the parties on the draft report of %(meeting)s (version %(v)s).")
            % {"meeting": title, "v": consultation.version.number},
            _(
                "Until %(date)s, each party may comment on any agreement, propose an amendment, or object with "
                "a reason, and then say it has no objection."
            )
            % {"date": date_format(consultation.deadline, "DATE_FORMAT")},
            _(
                "With no objection standing at the deadline, the report is approved under the silence procedure "
                "(no objection)."
            ),
            "",
            _("Read the draft and answer in Enlace: %(url)s")
            % {"url": settings.SITE_URL + reverse("meetings:consultation", args=[consultation.pk])},
        ]
        subject = _("Consultation on the draft report: %(meeting)s") % {"meeting": title}
        if consultation.round > 1:
            subject = _("%(subject)s (round %(round)s)") % {"subject": subject, "round": consultation.round}
        return subject[:300], "\n".join(lines)


def _send_circular(consultation: Consultation, acting_user: Any) -> Any:
    from circulation import services as circulation_services
    from circulation.models import CircularKind

    parties = list(consultation.parties.select_related("country", "organization"))
    title_es, body_es = _circular_texts(consultation, "es")
    title_en, body_en = _circular_texts(consultation, "en")
    circular = circulation_services.create_circular(
        acting_user=acting_user,
        countries=[p.country for p in parties if p.country_id],
        organizations=[p.organization for p in parties if p.organization_id],
        kind=CircularKind.CONSULTATION,
        title_es=title_es,
        title_en=title_en,
        body_es=body_es,
        body_en=body_en,
        reply_deadline=consultation.deadline,
        is_demo=consultation.is_demo,
    )
    return circulation_services.send_circular(circular, acting_user=acting_user)


@transaction.atomic
def open_consultation(
    version: ReportVersion,
    *,
    acting_user: Any,
    deadline: Any,
    includes_partners: bool = False,
    note_es: str = "",
    note_en: str = "",
) -> Consultation:
    """Consult the member countries (and partner organizations, if chosen) on a draft, by a circular with a deadline."""
    access.require(acting_user, CONSULT, version)
    version = ReportVersion.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=version.pk)
    if version.status != ReportStatus.DRAFT:
        raise refusal(STATE, _("Only a draft report is put to consultation."))
    if active_consultation(version) is not None:
        raise refusal(STATE, _("A consultation on this draft is already under way."))
    meeting = version.meeting
    if meeting.status != MeetingStatus.PUBLISHED or meeting.visibility == Visibility.TS:
        raise ValidationError(
            {
                "deadline": _(
                    "Publish the meeting for network members first: the parties must be able to read the draft."
                )
            }
        )
    if not version.agreements.exists():
        raise ValidationError({"deadline": _("The draft has no agreement yet: there is nothing to consult on.")})
    errors: dict[str, Any] = {}
    for name, value in (("note_es", note_es), ("note_en", note_en)):
        if len(value or "") > TEXT_LIMIT:
            errors[name] = _("At most %(max)s characters.") % {"max": TEXT_LIMIT}
    try:
        deadline = _check_deadline(deadline)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    countries = list(Country.objects.members().order_by("code"))
    organizations = list(Organization.objects.partners().order_by("pk")) if includes_partners else []
    with acting_as(acting_user):
        number = (version.consultations.aggregate(m=Max("round"))["m"] or 0) + 1
        consultation = Consultation.objects.create(
            version=version,
            round=number,
            deadline=deadline,
            includes_partners=bool(includes_partners),
            note_es=(note_es or "").strip(),
            note_en=(note_en or "").strip(),
            opened_by=acting_user,
            is_demo=meeting.is_demo,
        )
        ConsultationParty.objects.bulk_create(
            [ConsultationParty(consultation=consultation, country=c) for c in countries]
            + [ConsultationParty(consultation=consultation, organization=o) for o in organizations]
        )
        consultation.circular = _send_circular(consultation, acting_user)
        consultation.save(update_fields=["circular"])
    return consultation


# ---- what a party says ------------------------------------------------------------------------


def parties_of(consultation: Consultation, user: Any) -> list[ConsultationParty]:
    """The rows of this consultation that `user` speaks for (a country's officers, an organization's staff)."""
    p = access.principal_for(user)
    if not (p.officer_countries or p.organizations):
        return []
    rows = consultation.parties.select_related("country", "organization").filter(
        Q(country_id__in=p.officer_countries) | Q(organization_id__in=p.organizations)
    )
    return list(rows.order_by("country__code", "organization_id"))


def _speaking_party(consultation: Consultation, acting_user: Any, party: ConsultationParty | None) -> ConsultationParty:
    if party is not None:
        if party.consultation_id != consultation.pk:
            raise ValidationError({"party": _("This party is not consulted here.")})
        party.consultation = consultation
        access.require(acting_user, SPEAK, party)
        return party
    mine = parties_of(consultation, acting_user)
    if not mine:
        access.refuse(acting_user, SPEAK, consultation)
    if len(mine) > 1:
        raise ValidationError({"party": _("You speak for several parties: say for which one.")})
    mine[0].consultation = consultation
    access.require(acting_user, SPEAK, mine[0])
    return mine[0]


def _locked_open(consultation: Consultation, *, allow_awaiting: bool = False) -> Consultation:
    current = (
        Consultation.objects.select_for_update(of=("self",)).select_related("version__meeting").get(pk=consultation.pk)
    )
    allowed = ACTIVE_CONSULTATION if allow_awaiting else (ConsultationStatus.OPEN,)
    if current.status not in allowed:
        raise refusal(STATE, _("This consultation is closed."))
    if current.status == ConsultationStatus.OPEN and current.deadline < timezone.localdate() and not allow_awaiting:
        raise refusal(STATE, _("The deadline of this consultation has passed."))
    return current


def _author_name(user: Any) -> str:
    person = getattr(user, "person", None)
    return (str(person) if person is not None else user.get_username())[:200]


@transaction.atomic
def add_remark(
    consultation: Consultation,
    *,
    acting_user: Any,
    kind: str,
    agreement: Agreement | None = None,
    text: str = "",
    proposed_es: str = "",
    proposed_en: str = "",
    party: ConsultationParty | None = None,
) -> Remark:
    """A party's comment, amendment (new text of an agreement) or objection (with a reason)."""
    party = _speaking_party(consultation, acting_user, party)
    consultation = _locked_open(consultation)
    text, proposed_es, proposed_en = (text or "").strip(), (proposed_es or "").strip(), (proposed_en or "").strip()
    errors: dict[str, Any] = {}
    if kind not in RemarkKind.values:
        errors["kind"] = _("Choose a comment, an amendment or an objection.")
    if agreement is not None and agreement.version_id != consultation.version_id:
        errors["agreement"] = _("This agreement is not in the draft under consultation.")
    if len(text) > TEXT_LIMIT:
        errors["text"] = _("At most %(max)s characters.") % {"max": TEXT_LIMIT}
    for name, value in (("proposed_es", proposed_es), ("proposed_en", proposed_en)):
        if len(value) > PROPOSAL_LIMIT:
            errors[name] = _("At most %(max)s characters.") % {"max": PROPOSAL_LIMIT}
    if kind == RemarkKind.COMMENT and not text:
        errors["text"] = _("Write the comment.")
    if kind == RemarkKind.OBJECTION:
        if not party.is_country:
            raise refusal(
                NOT_YOURS,
                _("Objections are the member countries'; an organization comments or proposes amendments."),
                "kind",
            )
        if not text:
            errors["text"] = _("Give the reason for the objection.")
    if kind == RemarkKind.AMENDMENT:
        if agreement is None:
            errors["agreement"] = _("Choose the agreement the amendment changes.")
        else:
            # A language left as the draft has it is not part of the proposal.
            proposed_es = "" if proposed_es == agreement.text_es.strip() else proposed_es
            proposed_en = "" if proposed_en == agreement.text_en.strip() else proposed_en
            if not (proposed_es or proposed_en):
                errors["proposed_es"] = _(
                    "The proposed text is the same as the draft's: change it, in Spanish or English."
                )
    if errors:
        raise ValidationError(errors)
    with acting_as(acting_user):
        remark = Remark(
            consultation=consultation,
            party=party,
            agreement=agreement,
            ref=agreement.ref if agreement is not None else "",
            kind=kind,
            text=text,
            author=acting_user,
            author_name=_author_name(acting_user),
        )
        if kind == RemarkKind.AMENDMENT and agreement is not None:
            remark.proposed_es, remark.proposed_en = proposed_es, proposed_en
            remark.base_es, remark.base_en = agreement.text_es, agreement.text_en
        remark.full_clean()
        remark.save()
        if kind == RemarkKind.OBJECTION:
            _record_position(party, Position.OBJECTION, acting_user, reason=text)
    return remark


def _locked_remark(remark: Remark) -> Remark:
    query = Remark.objects.select_for_update(of=("self",)).select_related("party__country", "party__organization")
    return query.get(pk=remark.pk)


@transaction.atomic
def withdraw_objection(remark: Remark, *, acting_user: Any) -> Remark:
    """A party withdraws its objection (until the TS decides); with none left standing, it has no position."""
    remark = _locked_remark(remark)
    access.require(acting_user, WITHDRAW, remark)
    _locked_open(remark.consultation, allow_awaiting=True)
    if not remark.is_standing_objection:
        raise refusal(STATE, _("This objection was already withdrawn."))
    with acting_as(acting_user):
        remark.withdrawn_at = timezone.now()
        remark.save(update_fields=["withdrawn_at"])
        party = remark.party
        if not party.remarks.filter(kind=RemarkKind.OBJECTION, withdrawn_at__isnull=True).exists():
            _record_position(party, Position.NONE, acting_user, reason=_("Objection withdrawn."))
    return remark


@transaction.atomic
def set_position(
    consultation: Consultation,
    position: str,
    *,
    acting_user: Any,
    party: ConsultationParty | None = None,
    revision: Any = None,
) -> ConsultationParty:
    """Say "no objection" for one's party (or take it back: empty). An objection is raised with its reason."""
    party = _speaking_party(consultation, acting_user, party)
    _locked_open(consultation)
    if position not in (Position.NO_OBJECTION, Position.NONE):
        raise ValidationError({"position": _("Say “no objection”; an objection is raised with its reason.")})
    party = (
        ConsultationParty.objects.select_for_update(of=("self",))
        .select_related("country", "organization")
        .get(pk=party.pk)
    )
    expect(party, revision)
    if (
        position == Position.NO_OBJECTION
        and party.remarks.filter(kind=RemarkKind.OBJECTION, withdrawn_at__isnull=True).exists()
    ):
        raise refusal(STATE, _("Your objection is standing: withdraw it before saying you have no objection."))
    with acting_as(acting_user):
        _record_position(party, position, acting_user)
    return party


def _record_position(party: ConsultationParty, position: str, acting_user: Any, reason: str = "") -> None:
    """Store the party's position and, when it says something, answer the consultation's circular for it."""
    if party.position == position:
        return
    party.position = position
    party.position_at = timezone.now()
    party.position_by = acting_user
    party.save()
    if position != Position.NONE:
        _answer_circular(party, position, acting_user, reason)


def _answer_circular(party: ConsultationParty, position: str, acting_user: Any, reason: str) -> None:
    """The position is also the party's reply to the circular: its board shows it, its reminders stop."""
    from circulation import services as circulation_services

    text = (
        _("No objection to the draft report.")
        if position == Position.NO_OBJECTION
        else _("Objection: %(reason)s") % {"reason": reason}
    )
    match = Q(country_id=party.country_id) if party.country_id else Q(organization_id=party.organization_id)
    circulation_services.reply_for_party(party.consultation.circular, match, acting_user=acting_user, text=text)
