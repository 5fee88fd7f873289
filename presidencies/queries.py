"""Reads of the presidencies pages, the handover document and the API, each with a fixed number of queries.

A handover's items are the presidency's open work: the open commitments whose actor is "the PPT" (with
every actor's row), the regional follow-up reports in progress, the meetings being convened, and the
circulars its officers sent that still await replies. Until the change they are read live; at the
change they are frozen (`HandoverItem`), so the record stays when things move on.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from circulation.models import Circular, CircularRecipient
from core import access, documents
from core.i18n import localized
from core.models import Visibility
from meetings.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ActorKind,
    Commitment,
    CommitmentActor,
    CommitmentStatusChange,
    Meeting,
    MeetingStatus,
    ReportVersion,
)
from network.models import OFFICER_ROLES, Appointment, PPTPeriod
from plan.models import FollowUpReport, ReportStatus

from .models import Handover, HandoverItem, HandoverKeep, ItemKind

LANGUAGES = ("es", "en")
# What every network member may see: the items a handover lists are chosen among these.
MEMBERS_SEE = (Visibility.PUBLIC, Visibility.MEMBERS)
# How long after its change date a handover the job has not prepared is still prepared and carried
# out; a presidency that ended before that (before Enlace knew handovers) gets none.
CATCH_UP_DAYS = 30


@dataclass
class Item:
    """One open item of a presidency, read live or from the frozen snapshot (same attributes)."""

    kind: str
    label_es: str = ""
    label_en: str = ""
    state_es: str = ""
    state_en: str = ""
    detail_es: str = ""
    detail_en: str = ""
    url: str = ""
    record: Any = None  # the live record (None once frozen)
    commitment_id: int | None = None
    keep: HandoverKeep | None = None

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.kind).label)


@dataclass
class Group:
    """The items of one kind, in the order the page and the document show them."""

    kind: str
    items: list[Any] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(GROUP_TITLES[self.kind]())


GROUP_TITLES: dict[str, Any] = {
    ItemKind.COMMITMENT: lambda: _("Open commitments of the PPT"),
    ItemKind.REPORT: lambda: _("Regional follow-up reports in progress"),
    ItemKind.MEETING: lambda: _("Meetings being convened"),
    ItemKind.CIRCULAR: lambda: _("Circulars awaiting replies"),
}


# ---- periods and their handover -----------------------------------------------------------------


def successor(period: PPTPeriod) -> PPTPeriod | None:
    """The presidency recorded after `period` in its conference, or None."""
    later = PPTPeriod.objects.filter(conference_id=period.conference_id, start_date__gt=period.start_date)
    return later.select_related("country").order_by("start_date").first()


def change_date_of(period: PPTPeriod) -> datetime.date | None:
    """The first day of the next presidency: the day after `period` ends (None while its end is not known)."""
    return period.end_date + datetime.timedelta(days=1) if period.end_date else None


def handover_of(period: PPTPeriod) -> Handover:
    """The handover of `period`: its record, or an unsaved one describing it while it is not prepared."""
    try:
        handover = Handover.objects.select_related("outgoing__country", "incoming__country").get(outgoing=period)
    except Handover.DoesNotExist:
        date = change_date_of(period)
        return Handover(outgoing=period, incoming=successor(period), change_date=date)  # type: ignore[misc]
    if handover.incoming_id is None:  # the next presidency recorded since: its officers see the handover at once
        handover.incoming = successor(period)
    return handover


def is_live(handover: Handover, today: datetime.date | None = None) -> bool:
    """Are the items read live: prepared and not carried out, or the running presidency's (not frozen yet)?"""
    if handover.carried_out_at is not None:
        return False
    if handover.pk is not None:
        return True
    period = handover.outgoing
    today = today or timezone.localdate()
    return period.start_date <= today and (period.end_date is None or period.end_date >= today)


def items_of(handover: Handover, today: datetime.date | None = None) -> list[Group]:
    """The handover's items grouped by kind: frozen once carried out, live before, none for a presidency that
    ended without one."""
    keeps = {keep.commitment_id: keep for keep in handover.keeps.select_related("decided_by")} if handover.pk else {}
    if handover.carried_out_at is not None:
        rows: list[Any] = list(handover.items.all())
        for row in rows:
            row.keep = keeps.get(row.object_id) if row.kind == ItemKind.COMMITMENT else None
            row.commitment_id = row.object_id if row.kind == ItemKind.COMMITMENT else None
    elif is_live(handover, today):
        rows = live_items(handover.outgoing, today)
        for row in rows:
            row.keep = keeps.get(row.commitment_id) if row.commitment_id else None
    else:
        rows = []
    groups = [Group(kind) for kind in ItemKind.values]
    by_kind = {group.kind: group for group in groups}
    for row in rows:
        by_kind[row.kind].items.append(row)
    return groups


# ---- the live items -----------------------------------------------------------------------------


def _in_both(build: Any) -> dict[str, str]:
    """{"es": …, "en": …}: `build()` run in each language."""
    texts = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            texts[lang] = str(build(lang) or "")
    return texts


def _item(kind: str, record: Any, url: str, label: dict, state: dict, detail: dict, **extra: Any) -> Item:
    return Item(
        kind=kind,
        label_es=label["es"],
        label_en=label["en"],
        state_es=state["es"],
        state_en=state["en"],
        detail_es=detail["es"],
        detail_en=detail["en"],
        url=url,
        record=record,
        **extra,
    )


def open_ppt_commitments() -> QuerySet[Commitment]:
    """Open commitments of meetings every member sees whose PPT row is still open, soonest due first."""
    ppt_open = CommitmentActor.objects.filter(commitment=OuterRef("pk"), kind=ActorKind.PPT, status__in=OPEN_STATUSES)
    return (
        Commitment.objects.open()
        .filter(Exists(ppt_open), meeting__status=MeetingStatus.PUBLISHED, meeting__visibility__in=MEMBERS_SEE)
        .for_board()
        .order_by("due_by", "meeting__start_date", "pk")
    )


def _commitment_items() -> list[Item]:
    found = []
    for commitment in open_ppt_commitments():
        rows = commitment.actor_rows()

        def detail(lang: str, commitment: Commitment = commitment, rows: list = rows) -> str:
            parts = [localized(commitment.meeting, "title", lang)]
            due = documents.due_text(commitment.due_date, commitment.due_period)
            if due:
                parts.append(_("due %(due)s") % {"due": due})
            actors = "; ".join(f"{documents.actor_name(row)}: {row.get_status_display().lower()}" for row in rows)
            parts.append(_("actors: %(actors)s") % {"actors": actors})
            return " · ".join(parts)

        def state(lang: str, commitment: Commitment = commitment) -> str:
            return str(commitment.get_status_display()) + (" · " + _("overdue") if commitment.is_overdue else "")

        ref = commitment.agreement.ref
        label = {
            lang: f"{ref} · {getattr(commitment, f'action_{lang}')}" if getattr(commitment, f"action_{lang}") else ""
            for lang in LANGUAGES
        }
        found.append(
            _item(
                ItemKind.COMMITMENT,
                commitment,
                commitment.get_absolute_url(),
                label,
                _in_both(state),
                _in_both(detail),
                commitment_id=commitment.pk,
            )
        )
    return found


def _report_items() -> list[Item]:
    reports = (
        FollowUpReport.objects.filter(country__isnull=True, plan__visibility__in=MEMBERS_SEE)
        .exclude(status=ReportStatus.APPROVED)
        .select_related("plan")
        .order_by("year", "plan_id")
    )
    found = []
    for report in reports:
        label = _in_both(
            lambda lang, report=report: (
                _("Regional follow-up report %(year)s · %(plan)s")
                % {"year": report.year, "plan": localized(report.plan, "title", lang)}
            )
        )
        state = _in_both(lambda lang, report=report: report.get_status_display())
        detail = _in_both(
            lambda lang, report=report: _("last changed on %(date)s") % {"date": documents.date_text(report.updated_at)}
        )
        found.append(_item(ItemKind.REPORT, report, report.get_absolute_url(), label, state, detail))
    return found


def _meeting_items(on: datetime.date) -> list[Item]:
    meetings = (
        Meeting.objects.upcoming(on)
        .filter(convocation__isnull=False, status=MeetingStatus.PUBLISHED, visibility__in=MEMBERS_SEE)
        .select_related("convocation")
        .defer(
            "source_text", "import_warnings", "mandate_es", "mandate_en", "convocation__body_es", "convocation__body_en"
        )
        .order_by("start_date", "pk")
    )
    found = []
    for meeting in meetings:
        label = {"es": meeting.title_es, "en": meeting.title_en}
        state = _in_both(
            lambda lang, meeting=meeting: _("convened for %(date)s") % {"date": documents.date_text(meeting.start_date)}
        )
        detail = _in_both(
            lambda lang, meeting=meeting: (
                _("convocation: %(circular)s")
                % {"circular": meeting.convocation.titled(lang) if meeting.convocation else "—"}
            )
        )
        found.append(_item(ItemKind.MEETING, meeting, meeting.get_absolute_url(), label, state, detail))
    return found


def presidency_circulars(period: PPTPeriod) -> QuerySet[Circular]:
    """Circulars the presidency's officers sent during `period` that expect replies and still miss some."""
    by_officer = Appointment.objects.filter(
        person__user=OuterRef("created_by"), country_id=period.country_id, role__in=OFFICER_ROLES
    )
    pending = CircularRecipient.objects.filter(circular=OuterRef("pk"), last_reply_at__isnull=True)
    rows = Circular.objects.sent().filter(
        Exists(by_officer), Exists(pending), reply_deadline__isnull=False, sent_at__date__gte=period.start_date
    )
    if period.end_date:
        rows = rows.filter(sent_at__date__lte=period.end_date)
    parties = CircularRecipient.objects.with_parties().filter(last_reply_at__isnull=True)
    return (
        rows.annotate(recipient_total=Count("recipients", distinct=True))
        .defer("body_es", "body_en")
        .prefetch_related(Prefetch("recipients", queryset=parties, to_attr="pending"))
        .order_by("reply_deadline", "pk")
    )


def _party_name(recipient: CircularRecipient) -> str:
    if recipient.country_id:
        return str(recipient.country)
    if recipient.organization is not None:
        return recipient.organization.short_name
    return str(recipient.person)


def _circular_items(period: PPTPeriod) -> list[Item]:
    found = []
    for circular in presidency_circulars(period):
        label = {lang: circular.titled(lang) for lang in LANGUAGES}
        state = _in_both(
            lambda lang, circular=circular: (
                _("reply by %(date)s") % {"date": documents.date_text(circular.reply_deadline)}
            )
        )
        detail = _in_both(
            lambda lang, circular=circular: (
                _("%(pending)s of %(total)s replies pending: %(parties)s")
                % {
                    "pending": len(circular.pending),
                    "total": circular.recipient_total,
                    "parties": ", ".join(_party_name(recipient) for recipient in circular.pending),
                }
            )
        )
        found.append(_item(ItemKind.CIRCULAR, circular, circular.get_absolute_url(), label, state, detail))
    return found


def live_items(period: PPTPeriod, today: datetime.date | None = None) -> list[Item]:
    """The presidency's open work today, in the order of the kinds."""
    on = today or timezone.localdate()
    return _commitment_items() + _report_items() + _meeting_items(on) + _circular_items(period)


def frozen(handover: Handover, items: list[Item]) -> list[HandoverItem]:
    """Unsaved snapshot rows of `items` for `handover`."""
    from django.contrib.contenttypes.models import ContentType

    rows = []
    for position, item in enumerate(items, 1):
        record = item.record
        rows.append(
            HandoverItem(
                handover=handover,
                position=position,
                kind=item.kind,
                content_type=ContentType.objects.get_for_model(record) if record is not None else None,
                object_id=record.pk if record is not None else None,
                label_es=item.label_es,
                label_en=item.label_en,
                state_es=item.state_es[:300],
                state_en=item.state_en[:300],
                detail_es=item.detail_es,
                detail_en=item.detail_en,
                url=item.url[:500],
            )
        )
    return rows


# ---- the presidencies and what was done in each --------------------------------------------------


@dataclass
class PeriodRow:
    """A presidency with what was done during it."""

    period: PPTPeriod
    commitments_closed: int = 0
    meetings_held: int = 0
    reports_approved: int = 0
    followups_approved: int = 0
    handover: Handover | None = None
    sees_handover: bool = False


def _bounds(period: PPTPeriod, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = min(period.end_date or today, today)
    return period.start_date, end


def _moments(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of `start` and the first moment after `end`, in the network's time zone."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return first, after


def _per_period(queryset: QuerySet, periods: list[PPTPeriod], today: datetime.date, count: Any) -> dict[int, int]:
    """{period pk: count} in one query: `count(start, end)` gives each period's Count."""
    if not periods:
        return {}
    figures = queryset.aggregate(**{f"p{period.pk}": count(*_bounds(period, today)) for period in periods})
    return {period.pk: figures[f"p{period.pk}"] or 0 for period in periods}


def presidencies(user: Any, today: datetime.date | None = None) -> list[PeriodRow]:
    """Every presidency, newest first, with the PPT's commitments closed, the meetings held and the reports
    approved during it — counted over what `user` may see, in five queries whatever the number of periods."""
    today = today or timezone.localdate()
    periods = list(
        PPTPeriod.objects.select_related("country", "conference", "handover__incoming__country").order_by("-start_date")
    )
    changes = access.restrict(
        CommitmentStatusChange.objects.filter(actor__kind=ActorKind.PPT, to_status__in=CLOSED_STATUSES), user
    )
    closed = _per_period(
        changes,
        periods,
        today,
        lambda start, end: Count(
            "commitment",
            distinct=True,
            filter=Q(changed_at__gte=_moments(start, end)[0], changed_at__lt=_moments(start, end)[1]),
        ),
    )
    held = _per_period(
        access.restrict(Meeting.objects.all(), user),
        periods,
        today,
        lambda start, end: Count("pk", filter=Q(start_date__gte=start, start_date__lte=end)),
    )

    def approved(start: datetime.date, end: datetime.date) -> Count:
        first, after = _moments(start, end)
        return Count("pk", filter=Q(approved_at__gte=first, approved_at__lt=after))

    reports = _per_period(
        access.restrict(ReportVersion.objects.filter(approved_at__isnull=False), user), periods, today, approved
    )
    followups = _per_period(
        access.restrict(FollowUpReport.objects.filter(approved_at__isnull=False), user), periods, today, approved
    )
    principal = access.principal_for(user)
    rows = []
    for period in periods:
        handover = getattr(period, "handover", None)
        rows.append(
            PeriodRow(
                period=period,
                commitments_closed=closed[period.pk],
                meetings_held=held[period.pk],
                reports_approved=reports[period.pk],
                followups_approved=followups[period.pk],
                handover=handover,
                sees_handover=_sees(principal, period, periods, handover),
            )
        )
    return rows


def _sees(principal: Any, period: PPTPeriod, periods: list[PPTPeriod], handover: Handover | None) -> bool:
    """Whether the handover page of `period` is for `principal` (from the periods already read)."""
    later = [
        other
        for other in periods
        if other.conference_id == period.conference_id and other.start_date > period.start_date
    ]
    incoming = handover.incoming if handover is not None and handover.incoming_id else None
    incoming = incoming or (min(later, key=lambda other: other.start_date) if later else None)
    probe = Handover(outgoing=period, incoming=incoming)
    return access.policy_for(Handover).can(principal, access.VIEW, probe)


def handover_url(period: PPTPeriod) -> str:
    return reverse("presidencies:handover", args=[period.pk])
