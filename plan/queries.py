"""Reading the plan: the tree with progress, the country × activity matrix, who has not reported.

Pages, exports and the API all read through these functions, so they show the same values; each
costs a fixed number of queries whatever the plan's size, and every row passes `core.access`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core import access
from network.models import Country

from .models import FollowUpLine, FollowUpReport, LineStatus, Node, Plan, ReportStatus, Scope
from .rollup import activity_progress, build_tree, mean, roll_up, walk


def visible_plans(user: Any) -> QuerySet[Plan]:
    return access.restrict(Plan.objects.select_related("body"), user, access.VIEW)


def member_countries() -> list[Country]:
    """The member countries, by name in the reader's language."""
    return sorted(Country.objects.members(), key=lambda country: str(country.name))


def default_year(plan: Plan, user: Any) -> int:
    """The year pages and API show by default: the latest year with an approved report the reader
    may see, else the plan's last year not in the future."""
    approved = access.restrict(
        FollowUpReport.objects.filter(plan=plan, status=ReportStatus.APPROVED), user, access.VIEW
    )
    latest = approved.order_by("-year").values_list("year", flat=True).first()
    if latest is not None:
        return latest
    return max(plan.start_year, min(plan.end_year, timezone.localdate().year))


APPROVED_ONLY = (ReportStatus.APPROVED,)
# A working copy of the follow-up documents (the TS) counts every report, whatever its step.
EVERY_REPORT = tuple(ReportStatus.values)


def approved_lines(
    plan: Plan, year: int, user: Any, country_id: int | None = None, statuses: Iterable[str] = APPROVED_ONLY
) -> list[Any]:
    """(node id, country id or None, status, progress) of the approved reports of a year that `user` may see.

    `statuses` widens it (a working copy: every report, approved or not).
    """
    reports = access.restrict(
        FollowUpReport.objects.filter(plan=plan, year=year, status__in=statuses), user, access.VIEW
    )
    if country_id is not None:
        reports = reports.filter(country_id=country_id)
    return list(
        FollowUpLine.objects.filter(report__in=reports).values_list(
            "node_id", "report__country_id", "status", "progress"
        )
    )


def activity_values(lines: Iterable[Any]) -> dict[int, Any]:
    """{activity id: mean progress over the lines given} (None where no line counts)."""
    grouped: dict[int, list[tuple[str, Any]]] = {}
    for node_id, _country, status, progress in lines:
        grouped.setdefault(node_id, []).append((status, progress))
    return {node_id: activity_progress(values) for node_id, values in grouped.items()}


def plan_nodes(plan: Plan) -> list[Node]:
    return list(Node.objects.filter(plan=plan).select_related("responsible_organization").order_by("position", "pk"))


def plan_tree(
    plan: Plan,
    year: int,
    user: Any,
    country_id: int | None = None,
    nodes: list[Node] | None = None,
    statuses: Iterable[str] = APPROVED_ONLY,
) -> tuple[list[Any], list[Any]]:
    """The plan's tree with each node's progress for `year` (for one country's reports when given).

    Return (roots, outline): the roots, and every TreeNode in outline order.
    """
    nodes = plan_nodes(plan) if nodes is None else nodes
    roots = build_tree(nodes)
    roll_up(roots, activity_values(approved_lines(plan, year, user, country_id, statuses)))
    return roots, list(walk(roots))


NOTHING_TO_REPORT = "nothing"  # no activity of the report's scope runs that year


def scopes_running(plan: Plan, year: int) -> set[str]:
    """The scopes (national, regional) that have at least one activity running in `year`."""
    return scopes_by_year(plan, [year])[year]


def scopes_by_year(plan: Plan, years: Iterable[int]) -> dict[int, set[str]]:
    """{year: the scopes that have at least one activity running that year}, in one query."""
    rows = list(Node.objects.filter(plan=plan).exclude(scope="").values_list("scope", "start_year", "end_year"))
    return {year: {scope for scope, start, end in rows if (start or 0) <= year <= (end or 9999)} for year in years}


@dataclass
class ReportState:
    """Where a country's (or the regional) report for a year stands, as the reader may know it."""

    country: Country | None
    report: FollowUpReport | None = None
    status: str = "missing"
    since: datetime.date | None = None
    overdue: bool = False

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.status == NOTHING_TO_REPORT:
            return str(_("Nothing to report"))
        if self.report is None:
            # Another country's report is known only as submitted or not: drafts stay with their authors.
            return str(ReportStatus.SUBMITTED.label) if self.status == ReportStatus.SUBMITTED else _("Not submitted")
        return str(self.report.get_status_display())


@dataclass
class Matrix:
    """The country × activity picture of a year: national activities as rows, countries as columns."""

    plan: object
    year: int
    countries: list
    activities: list
    cells: dict = field(default_factory=dict)  # (node id, country id) -> (status, progress)
    states: dict = field(default_factory=dict)  # country id -> ReportState
    averages: dict = field(default_factory=dict)  # node id -> mean progress over approved reports

    def cell(self, node_id: int, country_id: int) -> Any:
        return self.cells.get((node_id, country_id))

    def rows(self) -> Iterator[Any]:
        """Each activity with its cells in column order, for templates and exports."""
        for node in self.activities:
            cells = [self.cells.get((node.pk, country.pk)) for country in self.countries]
            yield node, cells, self.averages.get(node.pk)


def report_states(plan: Plan, year: int, user: Any, countries: Iterable[Country]) -> dict[int | None, ReportState]:
    """{country id (None: regional): ReportState} for the reports of a year, as `user` may see them.

    A report the reader may not see (another country's draft) shows as not yet approved, without
    its content: its status is given only as 'not submitted' or 'submitted'.
    """
    today = timezone.localdate()
    due = plan.due_date(year)
    reports = {r.country_id: r for r in FollowUpReport.objects.filter(plan=plan, year=year).select_related("country")}
    readable = access.restrict(FollowUpReport.objects.filter(plan=plan, year=year), user)
    visible = set(readable.values_list("pk", flat=True))
    running = scopes_running(plan, year)
    states = {}
    for country in [None, *countries]:
        country_id = getattr(country, "pk", None)
        report = reports.get(country_id)
        state = ReportState(country=country)
        if report is not None and report.pk in visible:
            state.report, state.status = report, report.status
        elif report is not None and report.status == ReportStatus.SUBMITTED:
            state.status = ReportStatus.SUBMITTED
        if report is None and (Scope.REGIONAL if country is None else Scope.NATIONAL) not in running:
            state.status = NOTHING_TO_REPORT
        if state.status in ("missing", ReportStatus.DRAFT, ReportStatus.RETURNED):
            state.since = due
            state.overdue = due < today
        states[country_id] = state
    return states


def matrix(
    plan: Plan,
    year: int,
    user: Any,
    countries: list[Country] | None = None,
    nodes: list[Node] | None = None,
    statuses: Iterable[str] = APPROVED_ONLY,
) -> Matrix:
    """The matrix of a year: approved national lines only (a missing report is missing, never 0)."""
    countries = member_countries() if countries is None else countries
    nodes = plan_nodes(plan) if nodes is None else nodes
    activities = [n for n in _outline(nodes) if n.scope == Scope.NATIONAL and n.runs_in(year)]
    lines = approved_lines(plan, year, user, statuses=statuses)
    result = Matrix(plan=plan, year=year, countries=countries, activities=activities)
    for node_id, country_id, status, progress in lines:
        if country_id is not None:
            result.cells[(node_id, country_id)] = (status, progress)
    result.averages = activity_values(line for line in lines if line[1] is not None)
    result.states = report_states(plan, year, user, countries)
    return result


def _outline(nodes: Iterable[Node]) -> list[Node]:
    return [item.node for item in walk(build_tree(nodes))]


def not_submitted(plan: Plan, year: int, user: Any, countries: list[Country] | None = None) -> list[ReportState]:
    """The member countries whose report for `year` is not submitted yet, with the date it was due."""
    countries = member_countries() if countries is None else countries
    states = report_states(plan, year, user, countries)
    waiting = ("missing", ReportStatus.DRAFT, ReportStatus.RETURNED)
    return [states[c.pk] for c in countries if states[c.pk].status in waiting]


def timeline(node: Node, user: Any) -> list[tuple[int, Any, dict[str, int], dict[Any, tuple[Any, Any]]]]:
    """An activity's progress year by year: [(year, mean progress or None, {status: count}, lines by country)]."""
    plan = node.plan
    reports = access.restrict(FollowUpReport.objects.filter(plan=plan, status=ReportStatus.APPROVED), user, access.VIEW)
    rows = FollowUpLine.objects.filter(report__in=reports, node=node).values_list(
        "report__year", "report__country_id", "status", "progress"
    )
    by_year: dict[int, list[tuple[int | None, str, Any]]] = {}
    for year, country_id, status, progress in rows:
        by_year.setdefault(year, []).append((country_id, status, progress))
    result = []
    for year in [year for year in plan.years if node.runs_in(year)]:
        lines = by_year.get(year, [])
        counts = dict.fromkeys(LineStatus.values, 0)
        for _country, status, _progress in lines:
            counts[status] += 1
        result.append(
            (
                year,
                activity_progress((status, progress) for _c, status, progress in lines),
                counts,
                {country_id: (status, progress) for country_id, status, progress in lines},
            )
        )
    return result


def country_progress(
    plan: Plan, year: int, user: Any, countries: list[Country] | None = None
) -> dict[int, float | None]:
    """{country id: mean progress of its approved national lines for `year`} (None when nothing counts)."""
    countries = member_countries() if countries is None else countries
    grouped: dict[int, list[Any]] = {}
    for _node, country_id, status, progress in approved_lines(plan, year, user):
        if country_id is not None and status != LineStatus.NOT_APPLICABLE and progress is not None:
            grouped.setdefault(country_id, []).append(progress)
    return {country.pk: mean(grouped.get(country.pk, [])) for country in countries}
