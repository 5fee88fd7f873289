"""The handover of the Pro Tempore Presidency: prepare it, keep commitments with the outgoing country,
carry it out on the change date. Every write is here; `hand_over_presidencies` is the daily job.

Items whose actor is "the PPT" follow the presidency by themselves: the rights of the PPT are read from
the period running today (network/roles.py), so on the change date the incoming officers act on them
and the outgoing officers no longer do. Carrying a handover out freezes what was handed over, applies
the TS's decisions to keep commitments with the outgoing country, and tells both presidencies and the TS.
"""

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access, documents
from core.audit import acting_as
from core.refusals import STATE, UNKNOWN, refusal
from meetings.models import (
    OPEN_STATUSES,
    ActorKind,
    Commitment,
    CommitmentActor,
    CommitmentStatusChange,
    roll_up,
)
from messaging.models import NotificationKind
from messaging.notifications import notify, ts_users
from network.models import PPTPeriod
from network.queries import officer_users

from . import queries
from .access import KEEP
from .models import Handover, HandoverItem, HandoverKeep, ItemKind

REASON_MAX = 2000
log = logging.getLogger("enlace.presidencies")


# ---- preparing -------------------------------------------------------------------------------------


def _due_for_preparation(period: PPTPeriod, today: datetime.date) -> bool:
    change = queries.change_date_of(period)
    return change is not None and change >= today - datetime.timedelta(days=queries.CATCH_UP_DAYS)


@transaction.atomic
def prepare_handover(period: PPTPeriod, *, today: datetime.date | None = None) -> Handover | None:
    """Prepare the handover of `period` once its end is known: create its record (telling both presidencies
    and the TS) or bring its change date and incoming presidency up to date. None when there is none to prepare."""
    today = today or timezone.localdate()
    existing = Handover.objects.select_for_update().filter(outgoing=period).first()
    if existing is None and not _due_for_preparation(period, today):
        return None
    change = queries.change_date_of(period)
    incoming = queries.successor(period)
    with acting_as(None):
        if existing is None:
            assert change is not None  # _due_for_preparation asked for it
            handover, created = Handover.objects.get_or_create(
                outgoing=period, defaults={"change_date": change, "incoming": incoming}
            )
            if created:
                _notify(handover, "prepared")
            return handover
        changed = []
        if change is not None and existing.change_date != change and not existing.is_carried_out:
            existing.change_date = change
            changed.append("change_date")
        if incoming is not None and existing.incoming_id != incoming.pk:
            existing.incoming = incoming
            changed.append("incoming")
        if changed:
            existing.save(update_fields=changed)
            if existing.is_carried_out:  # the next presidency recorded after the change: its officers are told
                _notify(existing, "carried_out")
    return existing


def prepare_once_saved(period_pk: int) -> None:
    """Prepare a period's handover right after the TS records its end or the next period (after the commit);
    a failure here is logged, never shown to the TS: the daily job prepares it anyway."""
    period = PPTPeriod.objects.filter(pk=period_pk, end_date__isnull=False).first()
    if period is None:
        return
    try:
        prepare_handover(period)
    except Exception:  # the daily job is the backstop
        log.exception("could not prepare the handover of PPT period %s", period_pk)


# ---- keeping a commitment with the outgoing country ------------------------------------------------


def _reason(reason: Any) -> str:
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationError({"reason": _("Say why the commitment stays with the outgoing country.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Write at most %(max)s characters.") % {"max": REASON_MAX}})
    return text


def _handed_over_commitments(handover: Handover) -> set[int]:
    """The commitments this handover passes on: frozen at the change, else the open ones of the PPT."""
    if handover.is_carried_out:
        frozen = handover.items.filter(kind=ItemKind.COMMITMENT, object_id__isnull=False)
        return {pk for pk in frozen.values_list("object_id", flat=True) if pk is not None}
    return set(queries.open_ppt_commitments().values_list("pk", flat=True))


@transaction.atomic
def keep_with_outgoing(
    period: PPTPeriod, commitment_id: Any, *, reason: Any, acting_user: Any, today: datetime.date | None = None
) -> HandoverKeep:
    """Keep a commitment of the PPT with the outgoing country instead of passing it on (the TS, with a reason).

    Decided before the change, it is applied on the change date; decided after, at once."""
    handover = queries.handover_of(period)
    access.require(acting_user, KEEP, handover)
    text = _reason(reason)
    if period.end_date is None:
        raise refusal(
            STATE,
            _("The end of this presidency is not recorded yet: record it, or the next presidency, first."),
            "commitment",
        )
    try:
        commitment_pk = int(commitment_id)
    except (TypeError, ValueError):
        raise ValidationError({"commitment": _("Choose a commitment of the list.")}) from None
    if handover.pk is None:
        handover = prepare_handover(period, today=today) or handover
        if handover.pk is None:
            raise refusal(STATE, _("This presidency ended too long ago to hand anything over."), "commitment")
    handover = Handover.objects.select_for_update(of=("self",)).select_related("outgoing__country").get(pk=handover.pk)
    if commitment_pk not in _handed_over_commitments(handover):
        raise refusal(UNKNOWN, _("This commitment is not one of the PPT's open commitments handed over."), "commitment")
    if HandoverKeep.objects.filter(handover=handover, commitment_id=commitment_pk).exists():
        raise refusal(STATE, _("This commitment is already kept with the outgoing country."), "commitment")
    country = handover.outgoing.country
    if CommitmentActor.objects.filter(commitment_id=commitment_pk, kind=ActorKind.COUNTRY, country=country).exists():
        raise refusal(
            STATE,
            _("%(country)s is already an actor of this commitment: edit its actors instead.") % {"country": country},
            "commitment",
        )
    with acting_as(acting_user):
        keep = HandoverKeep(handover=handover, commitment_id=commitment_pk, reason=text, decided_by=acting_user)
        keep.full_clean()
        keep.save()
        if handover.is_carried_out:
            _apply_keep(keep, handover)
    return keep


@transaction.atomic
def withdraw_keep(keep: HandoverKeep, *, acting_user: Any) -> None:
    """Withdraw a decision to keep a commitment with the outgoing country, while it has not been applied."""
    keep = HandoverKeep.objects.select_for_update(of=("self",)).select_related("handover__outgoing").get(pk=keep.pk)
    if keep.applied_at is not None:
        raise refusal(STATE, _("This decision has been applied: edit the commitment's actors instead."))
    access.require(acting_user, access.DELETE, keep)
    with acting_as(acting_user):
        keep.delete()


def _history_note(country: Any, reason: str) -> str:
    """The commitment's history says it in both languages: a record every reader reads."""
    texts = []
    for lang in ("es", "en"):
        with translation.override(lang):
            texts.append(
                _("Kept with %(country)s at the handover of the Pro Tempore Presidency") % {"country": country.name}
            )
    return f"{texts[0]} / {texts[1]}: {reason}"


def _apply_keep(keep: HandoverKeep, handover: Handover) -> None:
    """The PPT's row of the commitment becomes the outgoing country's, with its status, note, evidence and
    history; the history records why. One row per party: a country already an actor keeps its own row.
    A PPT row closed meanwhile stays the PPT's (what the presidency closed stays counted as such)."""
    country = handover.outgoing.country
    now = timezone.now()
    row = (
        CommitmentActor.objects.select_for_update()
        .filter(commitment_id=keep.commitment_id, kind=ActorKind.PPT, status__in=OPEN_STATUSES)
        .first()
    )
    if row is not None:
        own = CommitmentActor.objects.filter(
            commitment_id=keep.commitment_id, kind=ActorKind.COUNTRY, country=country
        ).first()
        if own is not None:  # added meanwhile: the PPT's history joins the country's row
            CommitmentStatusChange.objects.filter(actor=row).update(actor=own)
            row.delete()
            row = own
        else:
            row.kind = ActorKind.COUNTRY
            row.country = country
            row.save()
        decided_by = keep.decided_by
        CommitmentStatusChange.objects.create(
            commitment_id=keep.commitment_id,
            actor=row,
            from_status=row.status,
            to_status=row.status,
            note=_history_note(country, keep.reason),
            changed_by=decided_by,
            changed_by_label=getattr(decided_by, "email", "") or "",
            changed_at=now,
        )
        rows = list(
            CommitmentActor.objects.filter(commitment_id=keep.commitment_id).select_related("country", "organization")
        )
        Commitment.objects.filter(pk=keep.commitment_id).update(
            actor_codes=", ".join(actor.code for actor in rows)[:600],
            status=roll_up(actor.status for actor in rows) or OPEN_STATUSES[0],
        )
    keep.applied_at = now
    keep.save(update_fields=["applied_at"])


# ---- carrying it out ---------------------------------------------------------------------------------


@transaction.atomic
def carry_out_handover(handover: Handover, *, acting_user: Any = None, today: datetime.date | None = None) -> bool:
    """Carry out a handover whose change date has come: freeze its items, apply the keeps, tell both
    presidencies and the TS. Return False when there was nothing to do (already carried out, not yet due)."""
    today = today or timezone.localdate()
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("outgoing__country", "incoming__country")
        .get(pk=handover.pk)
    )
    if handover.is_carried_out or handover.change_date > today:
        return False
    if acting_user is not None:  # the job carries handovers out; a person only as the TS
        access.require(acting_user, KEEP, handover)
    with acting_as(acting_user):
        # The snapshot first: it shows each item as it stood at the change, kept ones with their PPT row.
        HandoverItem.objects.bulk_create(queries.frozen(handover, queries.live_items(handover.outgoing, today)))
        for keep in handover.keeps.filter(applied_at__isnull=True).select_related("decided_by").order_by("pk"):
            _apply_keep(keep, handover)
        handover.incoming = handover.incoming or queries.successor(handover.outgoing)
        handover.carried_out_at = timezone.now()
        handover.carried_out_by = acting_user if getattr(acting_user, "pk", None) else None
        handover.save(update_fields=["incoming", "carried_out_at", "carried_out_by"])
        _notify(handover, "carried_out")
    return True


def hand_over_presidencies(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: prepare the handover of every presidency whose end is known, carry out those whose
    change date has come. Safe to run twice, and on several servers at once: a second run changes nothing
    and sends nothing."""
    today = today or timezone.localdate()
    done = {"prepared": 0, "carried_out": 0}
    since = today - datetime.timedelta(days=queries.CATCH_UP_DAYS + 1)
    for period in PPTPeriod.objects.filter(end_date__isnull=False, end_date__gte=since).order_by("end_date"):
        known = Handover.objects.filter(outgoing=period).exists()
        if prepare_handover(period, today=today) is not None and not known:
            done["prepared"] += 1
    for handover in Handover.objects.filter(carried_out_at__isnull=True, change_date__lte=today).order_by(
        "change_date"
    ):
        done["carried_out"] += carry_out_handover(handover, today=today)
    return done


# ---- telling both presidencies and the TS -----------------------------------------------------------


def _notify(handover: Handover, stage: str) -> None:
    outgoing = handover.outgoing
    incoming = handover.incoming
    users = ts_users() + officer_users(outgoing.country)
    if incoming is not None:
        users += officer_users(incoming.country)
    date = handover.change_date

    def subject(lang: str) -> str:
        values = {"outgoing": outgoing.country.name, "date": documents.date_text(date, lang)}
        if stage == "prepared":
            return _("The handover of the Pro Tempore Presidency of %(outgoing)s is prepared (change on %(date)s)") % (
                values
            )
        if incoming is None:
            return _("The Pro Tempore Presidency of %(outgoing)s has ended (%(date)s)") % values
        return _("The Pro Tempore Presidency has passed from %(outgoing)s to %(incoming)s (%(date)s)") % {
            **values,
            "incoming": incoming.country.name,
        }

    def body(lang: str) -> str:
        if stage == "prepared":
            return _(
                "Its open commitments, the regional follow-up report in progress, the meetings being convened and "
                "the circulars awaiting replies are listed on the handover page. On the change date, what the PPT "
                "is to do passes to the next presidency, unless the Technical Secretariat keeps it with the "
                "outgoing country."
            )
        return _(
            "What the PPT is to do now passes to the incoming presidency's officers; the outgoing officers keep "
            "reading it and its history. The handover page lists what was handed over."
        )

    notify(
        users,
        NotificationKind.PRESIDENCY_HANDOVER,
        subject=subject,
        body=body,
        url=reverse("presidencies:handover", args=[outgoing.pk]),
        dedupe_key=f"handover:{handover.pk}:{stage}",
    )
