"""Who may see and do what in the Strategic Plan (registered with core.access).

- A plan, its tree and its indicators are seen as the plan's `visibility` says; the TS keeps them.
- A country's follow-up report is filled and submitted by that country's current liaison officers
  (and by the TS on its behalf); the regional report by the officers of the country that holds
  the Pro Tempore Presidency today, and by the TS. Only while the report is a draft or returned.
- The TS approves or returns a submitted report, and alone may reopen an approved one.
- A report is seen at every step by those who fill it and by the TS; everyone else who may see
  the plan sees it once approved. So a Honduras officer never sees Mexico's draft.
- A presidency handed over keeps reading (never filling) the regional reports of its years, and their
  review steps: the officers of a country whose presidency has ended (`past_ppt_years`).
- Indicator values: targets are set by the TS; regional actual values are entered by the TS and
  the current PPT, a country's actual values by that country's officers and the TS.
"""

from django.db.models import Q

from core.access import CHANGE, VIEW, Policy, VisibilityPolicy, register

from .models import (
    EDITABLE_STATUSES,
    Evidence,
    FollowUpLine,
    FollowUpReport,
    Indicator,
    IndicatorValue,
    Node,
    Plan,
    ReportEvent,
    ReportStatus,
    ValueKind,
)

FILL = "fill"  # edit the lines of a report and submit it
REVIEW = "review"  # approve or return a submitted report
REOPEN = "reopen"  # reopen an approved report


def keeps(p, country_id):
    """Does `p` fill reports for `country_id` (None: the regional report)?"""
    if p.is_ts:
        return True
    if country_id is None:
        return bool(p.ppt_countries)
    return country_id in p.officer_countries


@register(Plan)
class PlanPolicy(VisibilityPolicy):
    def can(self, p, action, obj):
        if action == VIEW:
            return self.visible(p, obj)
        return p.is_ts

    def restrict(self, queryset, p, action):
        if action == VIEW:
            return queryset.filter(self.visibility_q(p))
        return queryset if p.is_ts else queryset.none()


class _StructurePolicy(Policy):
    """Nodes and indicators: seen with their plan, kept by the TS."""

    plan_path = "plan"

    def plan_of(self, obj):
        return obj.plan

    def can(self, p, action, obj):
        if action == VIEW:
            return PlanPolicy().visible(p, self.plan_of(obj))
        return p.is_ts

    def restrict(self, queryset, p, action):
        if action == VIEW:
            return queryset.filter(PlanPolicy().visibility_q(p, prefix=f"{self.plan_path}__"))
        return queryset if p.is_ts else queryset.none()


@register(Node)
class NodePolicy(_StructurePolicy):
    pass


@register(Indicator)
class IndicatorPolicy(_StructurePolicy):
    plan_path = "node__plan"

    def plan_of(self, obj):
        return obj.node.plan


@register(IndicatorValue)
class IndicatorValuePolicy(_StructurePolicy):
    """Values are added, never changed: CHANGE and DELETE are refused to everyone."""

    plan_path = "indicator__node__plan"

    def plan_of(self, obj):
        return obj.indicator.node.plan

    def can(self, p, action, obj):
        if action == VIEW:
            return super().can(p, VIEW, obj)
        return False

    def can_create(self, p, indicator=None, kind=None, country=None, **context):
        if indicator is None:
            return False
        if not PlanPolicy().visible(p, indicator.node.plan):
            return False
        country_id = getattr(country, "pk", country)
        if kind == ValueKind.TARGET:
            return p.is_ts
        return keeps(p, country_id)

    def restrict(self, queryset, p, action):
        if action == VIEW:
            return super().restrict(queryset, p, VIEW)
        return queryset.none()


def _seen_at_every_step_q(p, prefix=""):
    """Reports `p` sees whatever their status: their own country's, and the regional one for the PPT."""
    q = Q(**{f"{prefix}country_id__in": list(p.officer_countries)})
    if p.ppt_countries:
        q |= Q(**{f"{prefix}country__isnull": True})
    return q


def _handed_over_q(p, prefix=""):
    """The regional reports of the years of a presidency `p`'s country held and handed over (read only)."""
    return Q(**{f"{prefix}country__isnull": True, f"{prefix}year__in": sorted(p.past_ppt_years)})


def reads_as_past_presidency(p, report):
    """Does `p` read `report` as an outgoing presidency: the regional report of one of its years?"""
    return report.country_id is None and report.year in p.past_ppt_years


def follows_reports(p):
    """Whether `p` follows plan reports on their landing page: the TS, and officers (their countries')."""
    return p.is_ts or bool(p.officer_countries)


def follows_every_report(p):
    """The TS and the PPT follow every member country's report and the regional one."""
    return p.is_ts or p.is_ppt


def reviews_reports(p):
    """Who reviews the countries' follow-up reports (approves, returns, reopens them): the TS. The pages,
    the API and the services ask this, and the policy below adds the report's state to it."""
    return p.is_ts


@register(FollowUpReport)
class ReportPolicy(Policy):
    def can(self, p, action, obj):
        if not PlanPolicy().visible(p, obj.plan):
            return False
        if action == VIEW:
            return (
                p.is_ts
                or obj.status == ReportStatus.APPROVED
                or keeps(p, obj.country_id)
                or reads_as_past_presidency(p, obj)
            )
        if action in (FILL, CHANGE):
            return keeps(p, obj.country_id) and obj.status in EDITABLE_STATUSES
        if action == REVIEW:
            return reviews_reports(p) and obj.status == ReportStatus.SUBMITTED
        if action == REOPEN:
            return reviews_reports(p) and obj.status == ReportStatus.APPROVED
        return False

    def can_create(self, p, plan=None, country=None, **context):
        """Starting a report is filling it: the country's officers, the PPT (regional), the TS."""
        if plan is None or not PlanPolicy().visible(p, plan):
            return False
        return keeps(p, getattr(country, "pk", country))

    def restrict(self, queryset, p, action):
        if p.is_ts:
            if action in (VIEW, FILL, CHANGE):
                return queryset if action == VIEW else queryset.filter(status__in=EDITABLE_STATUSES)
            if action == REVIEW:
                return queryset.filter(status=ReportStatus.SUBMITTED)
            if action == REOPEN:
                return queryset.filter(status=ReportStatus.APPROVED)
            return queryset.none()
        plan_visible = PlanPolicy().visibility_q(p, prefix="plan__")
        if action == VIEW:
            seen = Q(status=ReportStatus.APPROVED) | _seen_at_every_step_q(p)
            if p.past_ppt_years:
                seen |= _handed_over_q(p)
            return queryset.filter(plan_visible).filter(seen)
        if action in (FILL, CHANGE):
            return queryset.filter(plan_visible).filter(_seen_at_every_step_q(p), status__in=EDITABLE_STATUSES)
        return queryset.none()


@register(FollowUpLine)
class LinePolicy(Policy):
    """A line is seen and changed with its report."""

    def can(self, p, action, obj):
        return ReportPolicy().can(p, VIEW if action == VIEW else FILL, obj.report)

    def can_create(self, p, report=None, **context):
        return report is not None and ReportPolicy().can(p, FILL, report)

    def restrict(self, queryset, p, action):
        reports = ReportPolicy().restrict(FollowUpReport.objects.all(), p, VIEW if action == VIEW else FILL)
        return queryset.filter(report__in=reports)


@register(Evidence)
class EvidencePolicy(Policy):
    """Evidence is seen and changed with its report."""

    def can(self, p, action, obj):
        return ReportPolicy().can(p, VIEW if action == VIEW else FILL, obj.line.report)

    def can_create(self, p, line=None, **context):
        return line is not None and ReportPolicy().can(p, FILL, line.report)

    def restrict(self, queryset, p, action):
        reports = ReportPolicy().restrict(FollowUpReport.objects.all(), p, VIEW if action == VIEW else FILL)
        return queryset.filter(line__report__in=reports)


@register(ReportEvent)
class ReportEventPolicy(Policy):
    """The review steps and their comments: for those who fill the report and the TS."""

    def can(self, p, action, obj):
        return action == VIEW and (keeps(p, obj.report.country_id) or reads_as_past_presidency(p, obj.report))

    def can_create(self, p, **context):
        return False

    def restrict(self, queryset, p, action):
        if action != VIEW:
            return queryset.none()
        if p.is_ts:
            return queryset
        seen = _seen_at_every_step_q(p, prefix="report__")
        if p.past_ppt_years:
            seen |= _handed_over_q(p, prefix="report__")
        return queryset.filter(seen)
