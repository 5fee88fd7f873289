"""Reads the meetings pages, exports and API share, each with a fixed number of queries."""

import calendar
import datetime
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core import access
from core.forms import by_name
from network.models import Body, Country, Organization

from .access import VIEW_DRAFT, actor_q, may_register_delegates
from .models import (
    OPEN_STATUSES,
    ActorKind,
    AgendaItem,
    Agreement,
    Commitment,
    CommitmentActor,
    CommitmentStatusChange,
    Delegate,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    ReportStatus,
    ReportVersion,
)


def meetings(user: Any, *, body: Body | None = None, when: str | None = None, q: str = "") -> QuerySet[Meeting]:
    """Return the meetings a user may see, filtered; upcoming ones soonest first, else newest first."""
    rows = access.restrict(Meeting.objects.select_related("body").defer("source_text", "import_warnings"), user)
    if body is not None:
        rows = rows.filter(body=body)
    today = timezone.localdate()
    for word in (q or "").split()[:8]:
        rows = rows.filter(
            Q(title_es__icontains=word)
            | Q(title_en__icontains=word)
            | Q(place__icontains=word)
            | Q(body__name_es__icontains=word)
            | Q(body__name_en__icontains=word)
        )
    if when == "imported":  # drafts read from a report or an archive, in the order they were imported
        return rows.filter(status=MeetingStatus.DRAFT).exclude(source_name="").order_by("pk")
    if when == "upcoming":
        return rows.upcoming(today).order_by("start_date", "pk")
    if when == "past":
        return rows.exclude(pk__in=Meeting.objects.upcoming(today).values("pk")).order_by("-start_date", "-pk")
    return rows.order_by("-start_date", "-pk")


def month_weeks(user: Any, year: int, month: int, body: Body | None = None) -> list[list[Any]]:
    """Return the weeks (Monday first) of a month, each day with the meetings held that day."""
    rows = access.restrict(Meeting.objects.select_related("body").defer("source_text"), user).in_month(year, month)
    if body is not None:
        rows = rows.filter(body=body)
    rows = list(rows.order_by("start_date", "pk"))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        days = []
        for day in week:
            held = [m for m in rows if m.start_date <= day <= m.last_day]
            days.append({"date": day, "in_month": day.month == month, "meetings": held})
        weeks.append(days)
    return weeks


def shown_version(
    user: Any, meeting: Meeting, number: int | None = None
) -> tuple[ReportVersion | None, list[ReportVersion]]:
    """The report version a reader sees: the one asked for, else the approved one, else the draft (members)."""
    versions = list(access.restrict(ReportVersion.objects.filter(meeting=meeting), user).order_by("-number"))
    if number is not None:
        return next((v for v in versions if v.number == number), None), versions
    approved = next((v for v in versions if v.status == ReportStatus.APPROVED), None)
    if approved is not None:
        return approved, versions
    draft = next((v for v in versions if v.status == ReportStatus.DRAFT), None)
    if draft is not None and access.can(user, VIEW_DRAFT, meeting):
        return draft, versions
    return None, versions


def agreement_tree(version: ReportVersion | None, positions: tuple[int, int] | None = None) -> list[Any]:
    """Return a version's numbered agreements in order, each with `.children` (its sub-items in order);
    `positions` (first, last) keeps one page of them."""
    if version is None:
        return []
    query = version.agreements.select_related("rcgm_meeting").order_by("position", "sub_position", "pk")
    if positions is not None:
        query = query.filter(position__gte=positions[0], position__lte=positions[1])
    rows: list[Any] = list(query)  # Agreements given .children below
    tops = [row for row in rows if row.parent_id is None]
    by_pk = {top.pk: top for top in tops}
    for top in tops:
        top.children = []
    for row in rows:
        if row.parent_id is not None and row.parent_id in by_pk:
            by_pk[row.parent_id].children.append(row)
    return tops


def commitments_of(
    user: Any, version: ReportVersion | None, positions: tuple[int, int] | None = None, limit: int | None = None
) -> dict[int, "ShownCommitments"]:
    """Return the commitments a user may see in a report version (of one page of agreements), by agreement pk;
    with `limit`, at most that many per agreement (each list then says how many it has in all: `.total`)."""
    if version is None:
        return {}
    # Narrow rows: the meeting's imported text and warnings (megabytes for a big report) stay in the
    # database instead of coming back once per commitment.
    rows = access.restrict(Commitment.objects.for_board(), user).filter(agreement__version=version)
    if positions is not None:
        rows = rows.filter(agreement__position__gte=positions[0], agreement__position__lte=positions[1])
    if limit is not None:
        rank = Window(RowNumber(), partition_by=[F("agreement_id")], order_by=[F("position").asc(), F("pk").asc()])
        total = Window(Count("pk"), partition_by=[F("agreement_id")])
        rows = rows.annotate(rank=rank, in_all=total).filter(rank__lte=limit)
    grouped: dict[int, ShownCommitments] = {}
    for row in rows.order_by("position", "pk"):
        grouped.setdefault(row.agreement_id, ShownCommitments()).append(row)
        grouped[row.agreement_id].total = getattr(row, "in_all", len(grouped[row.agreement_id]))
    return grouped


class ShownCommitments(list[Commitment]):
    """An agreement's commitments as shown (perhaps the first few), with how many it has in all."""

    total = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self))


def meeting_detail(
    user: Any,
    meeting: Meeting,
    number: int | None = None,
    positions: tuple[int, int] | None = None,
    commitments_shown: int | None = None,
) -> dict[str, Any]:
    """Return what the meeting page shows, in a fixed number of queries (one page of agreements if asked,
    and at most `commitments_shown` commitments under each)."""
    version, versions = shown_version(user, meeting, number)
    tree = agreement_tree(version, positions)
    grouped = commitments_of(user, version, positions, commitments_shown)
    for top in tree:
        top.commitment_list = grouped.get(top.pk, [])
        for child in top.children:
            child.commitment_list = grouped.get(child.pk, [])
    return {
        "version": version,
        "versions": versions,
        "agreements": tree,
        "agenda": list(access.restrict(AgendaItem.objects.filter(meeting=meeting), user)),
        "documents": list(access.restrict(MeetingDocument.objects.filter(meeting=meeting), user)),
        "delegations": list(meeting.delegations.order_by("code")),
        "organizations": list(meeting.organizations.order_by("name_es")),
    }


def delegates(user: Any, meeting: Meeting) -> list[Delegate]:
    """The registered delegates of a meeting, by country, for those who may see names (else an empty list)."""
    return list(access.restrict(Delegate.objects.filter(meeting=meeting).for_page(), user))


def countries_registering(user: Any, meeting: Meeting) -> list[Country]:
    """The countries whose delegates `user` may register to `meeting` now: theirs, or every member for the TS."""

    principal = access.principal_for(user)
    whole = access.acts_for_whole_network(principal)
    if meeting.has_started() or not (whole or principal.officer_countries):
        return []
    rows = Country.objects.members() if whole else Country.objects.filter(pk__in=principal.officer_countries)
    return by_name(c for c in rows if may_register_delegates(principal, meeting, c))


# ---- follow-up board --------------------------------------------------------------------------


def actor_choices() -> list[tuple[str, Any]]:
    """The actors one can filter the board by: TS, PPT, each country, each organization."""
    from django.utils.translation import gettext as _

    from core.search import fold

    choices = [("ts", _("Technical Secretariat")), ("ppt", _("Pro Tempore Presidency"))]
    # django-countries gives a Country object (with .code and .name) where its stubs say str.
    countries: list[Any] = [c.code for c in Country.objects.all()]
    named = [(f"country:{code.code}", str(code.name)) for code in countries]
    choices += sorted(named, key=lambda choice: fold(choice[1]))
    organizations = [(f"org:{o.pk}", o.short_name) for o in Organization.objects.exclude(kind="secretariat")]
    choices += sorted(organizations, key=lambda choice: fold(str(choice[1])))
    return choices


def actor_filter(value: str) -> Q | None:
    """Turn a board actor value (ts, ppt, country:MX, org:12) into a CommitmentActor filter, or None."""
    if value == "ts":
        return Q(kind=ActorKind.TS)
    if value == "ppt":
        return Q(kind=ActorKind.PPT)
    if value.startswith("country:"):
        return Q(kind=ActorKind.COUNTRY, country__code=value.split(":", 1)[1].upper()[:2])
    if value.startswith("org:") and value[4:].isdigit():
        return Q(kind=ActorKind.ORGANIZATION, organization_id=int(value[4:]))
    return None


def board(
    user: Any,
    *,
    actor: str = "",
    body: Body | None = None,
    meeting: Meeting | None = None,
    status: str = "open",
    ours: bool = False,
    q: str = "",
    on: datetime.date | None = None,
) -> QuerySet[Commitment]:
    """Commitments for the follow-up board: overdue first, then by due date; one definition for page and API.

    Sorted on the stored key `board_open`, `board_due` (`commitment_board_idx`): with any status filter
    but "" every row shown is open or every row is closed, and an open row is overdue exactly when its
    due date is before today, so "overdue first, then by due date" is the index's own order. Only the
    whole board (status "") still ranks the overdue rows first with an expression (`overdue_rank`).
    """
    today = on or timezone.localdate()
    rows = access.restrict(Commitment.objects.for_board(), user)
    if status == "open":
        rows = rows.filter(board_open=True)
    elif status == "overdue":
        rows = rows.filter(board_open=True, board_due__lt=today)
    elif status:
        rows = rows.filter(board_open=status in OPEN_STATUSES, status=status)
    if ours:  # our own rows decide: a shared commitment we are done with is no longer open for us
        principal = access.principal_for(user)
        ours_rows = CommitmentActor.objects.filter(commitment=OuterRef("pk")).filter(actor_q(principal))
        if status in ("open", "overdue"):
            ours_rows = ours_rows.filter(status__in=OPEN_STATUSES)
        rows = rows.filter(Exists(ours_rows))
    if actor:
        condition = actor_filter(actor)
        if condition is not None:
            rows = rows.filter(Exists(CommitmentActor.objects.filter(commitment=OuterRef("pk")).filter(condition)))
    if body is not None:
        rows = rows.filter(meeting__body=body)
    if meeting is not None:
        rows = rows.filter(meeting=meeting)
    for word in (q or "").split()[:8]:
        rows = rows.filter(Q(action_es__icontains=word) | Q(action_en__icontains=word))
    # `overdue_rank` (0 overdue, 1 not) marks the rows on the page; only the whole board sorts by it.
    rows = rows.annotate(overdue_rank=overdue_first(today))
    return rows.order_by(*([] if status else ["overdue_rank"]), *BOARD_ORDER)


# After the open/overdue rank: the due date (undated last: `board_due`, then `due_by` for the one
# date the undated share), then the newest meeting, the report's order, and the id.
BOARD_ORDER = (
    "board_due",
    F("due_by").asc(nulls_last=True),
    "-meeting__start_date",
    "agreement__position",
    "agreement__sub_position",
    "position",
    "pk",
)


def overdue_first(today: datetime.date) -> Case:
    """The whole board's first sort key: 0 for an overdue commitment, 1 for any other."""
    return Case(
        When(board_open=True, board_due__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def commitment_history(user: Any, commitment: Commitment) -> list[CommitmentStatusChange]:
    return list(
        access.restrict(CommitmentStatusChange.objects.filter(commitment=commitment), user)
        .select_related("changed_by", "actor__country", "actor__organization")
        .order_by("-changed_at", "-pk")
    )


def recommendations(
    user: Any, body: Body, start: datetime.date, end: datetime.date, *, working: bool = False
) -> list[Agreement]:
    """Recommendations to the RCGM of a body's meetings in a period, with decisions: approved reports only.

    `working` (the TS's working copy) takes each meeting's draft instead where it has one.
    """
    rows = list(
        access.restrict(Agreement.objects.select_related("version__meeting", "rcgm_meeting"), user)
        .filter(
            kind="recommends_to_rcgm",
            version__status__in=[ReportStatus.APPROVED, ReportStatus.DRAFT] if working else [ReportStatus.APPROVED],
            version__meeting__body=body,
            version__meeting__start_date__gte=start,
            version__meeting__start_date__lte=end,
        )
        .order_by("version__meeting__start_date", "version__meeting_id", "position", "sub_position")
    )
    if working:
        drafted = {row.version.meeting_id for row in rows if row.version.status == ReportStatus.DRAFT}
        rows = [r for r in rows if r.version.status == ReportStatus.DRAFT or r.version.meeting_id not in drafted]
    return rows


def pack_commitments(
    user: Any, body: Body, start: datetime.date, end: datetime.date, *, working: bool = False
) -> list[Commitment]:
    """Commitments of a body's meetings in a period, with actors, in report order: of approved reports only.

    A commitment counts when its source agreement is in its meeting's approved report; `working` (the
    TS's working copy) adds the others, each with `in_approved_report` False.
    """
    in_approved = Exists(
        Agreement.objects.filter(
            version__meeting=OuterRef("meeting"), version__status=ReportStatus.APPROVED, key=OuterRef("agreement__key")
        )
    )
    rows = (
        access.restrict(Commitment.objects.for_board(), user)
        .filter(meeting__body=body, meeting__start_date__gte=start, meeting__start_date__lte=end)
        .annotate(in_approved_report=in_approved)
    )
    if not working:
        rows = rows.filter(in_approved_report=True)
    return list(
        rows.order_by("meeting__start_date", "agreement__position", "agreement__sub_position", "position", "pk")
    )


def upcoming_for_feed(user: Any, days_back: int = 31) -> list[Meeting]:
    """Meetings for a calendar feed: from a month ago on, as the user may see them."""
    since = timezone.localdate() - datetime.timedelta(days=days_back)
    return list(
        access.restrict(Meeting.objects.select_related("body"), user)
        .filter(Q(start_date__gte=since) | Q(end_date__gte=since))
        .order_by("start_date", "pk")[:500]
    )


def versions_with_agreements(meeting: Meeting) -> QuerySet[ReportVersion]:
    return ReportVersion.objects.filter(meeting=meeting).prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.order_by("position", "sub_position", "pk"))
    )


REVIEW_PAGE = 100  # numbered agreements per page of the review
MEETING_PAGE = 30  # numbered agreements per page of a meeting's page
COMMITMENTS_SHOWN = 10  # commitments under each agreement there; the rest are on the follow-up board


def agreement_page(version: ReportVersion | None, page_number: Any, per_page: int) -> tuple[Any, Any]:
    """(page, (first, last) positions or None) of a report's numbered agreements, `per_page` at a time."""
    from django.core.paginator import Paginator

    tops = version.agreements.filter(parent__isnull=True).count() if version is not None else 0
    page = Paginator(range(tops), per_page).get_page(page_number)
    return page, ((page.start_index(), page.end_index()) if tops else None)


def review_page(user: Any, meeting: Meeting, page_number: Any) -> dict[str, Any]:
    """One page of the import review: its agreements (with sub-items and commitments), their source
    paragraphs, and where the page stands — a fixed number of queries whatever the report's size."""

    page, positions = agreement_page(shown_version(user, meeting)[0], page_number, REVIEW_PAGE)
    paginator = page.paginator
    context = meeting_detail(user, meeting, positions=positions)
    if paginator.num_pages <= 1:
        source = meeting.source_text.splitlines()
    else:  # the paragraphs the shown agreements were read from (and, first, the report's opening)
        source = []
        shown = context["agreements"]
        if page.number == 1 and shown:
            source = meeting.source_text.split(shown[0].source_text, 1)[0].splitlines()
        for agreement in context["agreements"]:
            source += [agreement.source_text] + [child.source_text for child in agreement.children]
    warnings = meeting.warnings_to_check()
    if paginator.num_pages > 1:  # those about the meeting, and those about the agreements shown
        shown = {a.number for a in context["agreements"]}
        warnings = [w for w in warnings if not _about_agreement(w) or _about_agreement(w) in shown]
    # The meeting's own fields first (body, date, modality…), then the agreements in their order.
    warnings = sorted(warnings, key=lambda warning: _about_agreement(warning) is not None)
    source_lines = [line for line in source if line.strip()]
    to_check = _mark_sources(context["agreements"], source_lines, warnings)
    context.update(
        next_imported=meetings(user, when="imported").filter(pk__gt=meeting.pk).values_list("pk", flat=True).first(),
        page=page,
        paginated=paginator.num_pages > 1,
        source_lines=source_lines,
        warnings=warnings,
        warnings_total=len(meeting.import_warnings),
        to_check=to_check,
    )
    return context


def _mark_sources(agreements: list[Any], source_lines: list[Any], warnings: list[Any]) -> list[Any]:
    """Give each agreement and item shown `source_line` (the source paragraph it was read from, an
    index into `source_lines`) and `confidence` ("high", or "check" when a warning is about it or its
    kind was not recognised); return those to check, in their order."""
    where: dict[str, int] = {}
    for index, line in enumerate(source_lines):
        where.setdefault(line.strip(), index)
    doubtful = {(warning.get("key") or "")[4:] for warning in warnings if (warning.get("key") or "").startswith("ref:")}
    to_check = []
    for agreement in agreements:
        units = [(agreement.number, agreement)] + [
            (agreement.number + child.letter, child) for child in agreement.children
        ]
        for ref, unit in units:
            first = (unit.source_text or "").split("\n", 1)[0].strip()
            unit.source_line = where.get(first)
            unit.confidence = "check" if ref in doubtful or unit.kind == "other" else "high"
            if unit.confidence == "check":
                to_check.append((ref, unit))
    return to_check


def _about_agreement(warning: Any) -> str | None:
    """The number of the agreement a warning is about ("ref:12b" → "12"), or None."""
    key = warning.get("key") or ""
    return key[4:].rstrip("abcdefghijklmnopqrstuvwxyz") if key.startswith("ref:") else None
