"""Reads of a consultation on a draft report, for its page, its board, the API and the DOCX annex.

A fixed number of queries whatever the number of parties and remarks.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from core import access
from core.textdiff import Segment, inline_diff

from .access import ANSWER, DECIDE_CONSULTATION, SPEAK, WITHDRAW
from .models import AmendmentAnswer, Consultation, ConsultationParty, Remark, RemarkKind
from .queries import agreement_tree


def consultations_of(user: Any, version: Any) -> list[Consultation]:
    """The rounds of consultation on a report version the user may see, newest first."""
    if version is None:
        return []
    return list(access.restrict(Consultation.objects.filter(version=version), user).order_by("-round"))


def latest(user: Any, version: Any) -> Consultation | None:
    """The last round of consultation on a version, if the user may see it (one query)."""
    if version is None:
        return None
    return access.restrict(Consultation.objects.filter(version=version), user).order_by("-round").first()


@dataclass
class PartyRow:
    party: ConsultationParty
    comments: int = 0
    amendments: int = 0
    accepted: int = 0
    objections: int = 0  # standing
    last_at: Any = None
    mine: bool = False


@dataclass
class Board:
    rows: list[PartyRow] = field(default_factory=list)
    no_objection: int = 0
    objection: int = 0
    silent: int = 0


def remarks_of(consultation: Consultation) -> list[Remark]:
    return list(
        consultation.remarks.select_related("party__country", "party__organization", "answered_by").order_by(
            "created_at", "pk"
        )
    )


def board(consultation: Consultation, remarks: list[Remark], user: Any = None) -> Board:
    """Each party's position and what it said, countries first (by code), then organizations."""
    p = access.principal_for(user) if user is not None else None
    parties = list(
        consultation.parties.select_related("country", "organization").order_by(
            "country__code", "organization__acronym_en", "pk"
        )
    )
    rows = {party.pk: PartyRow(party=party) for party in parties}
    for remark in remarks:
        row = rows.get(remark.party_id)
        if row is None:
            continue
        if remark.kind == RemarkKind.COMMENT:
            row.comments += 1
        elif remark.kind == RemarkKind.AMENDMENT:
            row.amendments += 1
            row.accepted += remark.answer == AmendmentAnswer.ACCEPTED
        elif remark.withdrawn_at is None:
            row.objections += 1
        row.last_at = max(filter(None, (row.last_at, remark.created_at)))
    result = Board()
    for party in parties:
        row = rows[party.pk]
        if party.position_at and (row.last_at is None or party.position_at > row.last_at):
            row.last_at = party.position_at
        if p is not None:
            row.mine = party.country_id in p.officer_countries or party.organization_id in p.organizations
        result.rows.append(row)
        if party.position == "no_objection":
            result.no_objection += 1
        elif party.position == "objection":
            result.objection += 1
        else:
            result.silent += 1
    return result


def amendment_diff(remark: Remark, lang: str) -> list[Segment]:
    """The proposed text as a change against the draft's text when it was proposed."""
    proposed = getattr(remark, f"proposed_{lang}")
    if not proposed:
        return []
    return inline_diff(getattr(remark, f"base_{lang}"), proposed)


def page(user: Any, consultation: Consultation) -> dict[str, Any]:
    """What the consultation page shows: the draft with each agreement's remarks, the board, what the user may do."""
    version = consultation.version
    remarks = remarks_of(consultation)
    for remark in remarks:
        if remark.kind == RemarkKind.AMENDMENT:
            remark.diff_es = amendment_diff(remark, "es")
            remark.diff_en = amendment_diff(remark, "en")
        remark.can_withdraw = remark.is_standing_objection and access.can(user, WITHDRAW, remark)
        remark.can_answer = remark.kind == RemarkKind.AMENDMENT and remark.answer == AmendmentAnswer.PENDING
    tree = agreement_tree(version)
    by_agreement: dict[Any, list[Remark]] = {}
    for remark in remarks:
        by_agreement.setdefault(remark.agreement_id, []).append(remark)
    for top in tree:
        top.remark_list = by_agreement.get(top.pk, [])
        for item in top.children:
            item.remark_list = by_agreement.get(item.pk, [])
    the_board = board(consultation, remarks, user)
    speaking = [row.party for row in the_board.rows if row.mine]
    for party in speaking:
        party.consultation = consultation
    speaking = [party for party in speaking if access.can(user, SPEAK, party)]
    probe = Remark(consultation=consultation, kind=RemarkKind.AMENDMENT)
    can_answer = access.can(user, ANSWER, probe)  # the TS, while the consultation is under way
    return {
        "consultation": consultation,
        "version": version,
        "meeting": version.meeting,
        "agreements": tree,
        "general_remarks": by_agreement.get(None, []),
        "board": the_board,
        "speaking": speaking,
        "can_answer": can_answer,
        "can_decide": access.can(user, DECIDE_CONSULTATION, consultation),
        "objections": [r for r in remarks if r.is_standing_objection],
        "pending_amendments": [r for r in remarks if r.kind == RemarkKind.AMENDMENT and r.answer == ""],
        "rounds": consultations_of(user, version),
    }


def for_api(user: Any, consultation_id: int) -> Consultation | None:
    """One consultation with its parties and remarks, as the API returns it (None if not visible)."""
    return (
        access.restrict(Consultation.objects.select_related("version"), user)
        .prefetch_related(
            Prefetch("parties", queryset=ConsultationParty.objects.select_related("country", "organization")),
            Prefetch(
                "remarks",
                queryset=Remark.objects.select_related("party__country", "party__organization").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .filter(pk=consultation_id)
        .first()
    )
