"""The plan's part of 'My work': follow-up reports to start, fill, revise (officers, the PPT) and to review (TS)."""

from collections import Counter

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access
from core.mywork import Bar, Figure, Segment, WorkItem, register, register_figures
from network.models import Country

from . import access as plan_access
from .access import FILL, REVIEW
from .models import EDITABLE_STATUSES, FollowUpReport, ReportStatus, Scope, reporter_name
from .queries import NOTHING_TO_REPORT, member_countries, report_states, scopes_by_year, visible_plans


def follow_up_year(today=None):
    """The year whose reports are being collected now: the one that has just ended."""
    return (today or timezone.localdate()).year - 1


def _url(report_or_plan, year=None, country=None):
    if isinstance(report_or_plan, FollowUpReport):
        report = report_or_plan
        plan_id, year, country = report.plan_id, report.year, report.country
    else:
        plan_id = report_or_plan.pk
    code = country.code.code.lower() if country is not None else "regional"
    return reverse("plan:report", args=[plan_id, year, code])


@register
def plan_reports(user):
    principal = access.principal_for(user)
    if not principal.is_authenticated:
        return []
    today = timezone.localdate()
    items = []
    if principal.officer_countries:
        countries = list(Country.objects.members().filter(pk__in=principal.officer_countries))
        keys = [c.pk for c in countries] + ([None] if principal.ppt_countries else [])
        names = {c.pk: c for c in countries}
        # Reports already started and still open, whatever their year.
        mine = Q(country_id__in=[c.pk for c in countries])
        if principal.ppt_countries:
            mine |= Q(country__isnull=True)
        open_reports = (
            access.restrict(FollowUpReport.objects.filter(status__in=EDITABLE_STATUSES), user, FILL)
            .filter(mine)
            .select_related("plan", "country")
            .order_by("year", "pk")
        )
        for report in open_reports:
            due = report.plan.due_date(report.year)
            returned = report.status == ReportStatus.RETURNED
            items.append(
                WorkItem(
                    kind=_("Plan follow-up to revise") if returned else _("Plan follow-up to submit"),
                    title=str(report.plan),
                    url=_url(report),
                    due=due,
                    detail=_("%(who)s, %(year)s") % {"who": reporter_name(report.country), "year": report.year},
                    overdue=due < today,
                )
            )
        # Reports never started, of every year the plan has collected so far (overdue ones first in the list).
        last = follow_up_year(today)
        plans = [plan for plan in visible_plans(user) if plan.start_year <= last]
        started = set(
            FollowUpReport.objects.filter(plan__in=plans, year__lte=last).values_list("plan_id", "year", "country_id")
        )
        for plan in plans:
            years = range(plan.start_year, min(plan.end_year, last) + 1)
            running = scopes_by_year(plan, years)
            for year in years:
                due = plan.due_date(year)
                for key in keys:
                    scope = Scope.REGIONAL if key is None else Scope.NATIONAL
                    if (plan.pk, year, key) in started or scope not in running[year]:
                        continue
                    country = names.get(key)
                    items.append(
                        WorkItem(
                            kind=_("Plan follow-up to start"),
                            title=str(plan),
                            url=_url(plan, year, country),
                            due=due,
                            detail=_("%(who)s, %(year)s") % {"who": reporter_name(country), "year": year},
                            overdue=due < today,
                        )
                    )
    if plan_access.reviews_reports(principal):
        for report in access.restrict(FollowUpReport.objects.all(), user, REVIEW).select_related("plan", "country"):
            items.append(
                WorkItem(
                    kind=_("Plan follow-up to review"),
                    title=str(report.plan),
                    url=_url(report),
                    detail=_("%(who)s, %(year)s") % {"who": reporter_name(report.country), "year": report.year},
                )
            )
    return items


STATE_TONES = {
    ReportStatus.APPROVED: ("done", gettext_lazy("approved")),
    ReportStatus.SUBMITTED: ("progress", gettext_lazy("submitted")),
    "started": ("pending", gettext_lazy("started, not submitted")),
    "overdue": ("overdue", gettext_lazy("not submitted, overdue")),
    "missing": ("neutral", gettext_lazy("not submitted, not due yet")),
}


def _state_key(state):
    if state.status in (ReportStatus.APPROVED, ReportStatus.SUBMITTED):
        return state.status
    if state.status == NOTHING_TO_REPORT:
        return None
    if state.overdue:
        return "overdue"
    return "started" if state.status in EDITABLE_STATUSES else "missing"


@register_figures
def plan_figures(user, years=4):
    """Follow-up reports of the last years, as each year's matrix shows them: for the TS and the PPT, every
    member country's and the regional report per year (linking to that year's matrix); for an officer, their
    country's report of each year (linking to it)."""
    principal = access.principal_for(user)
    if not plan_access.follows_reports(principal):
        return []
    whole = plan_access.follows_every_report(principal)
    countries = member_countries() if whole else list(Country.objects.filter(pk__in=principal.officer_countries))
    last = follow_up_year()
    figures = []
    for plan in [plan for plan in visible_plans(user).order_by("-end_year", "-pk") if plan.start_year <= last][:2]:
        bars = []
        top = min(plan.end_year, last)
        for year in range(top, max(plan.start_year, top - years + 1) - 1, -1):
            states = report_states(plan, year, user, countries)
            if whole:
                counted = Counter(key for state in states.values() if (key := _state_key(state)))
                url = reverse("plan:matrix", args=[plan.pk, year])
                segments = [Segment(str(label), counted[key], url, tone) for key, (tone, label) in STATE_TONES.items()]
                bars.append(Bar(str(year), segments, url))
                continue
            for country in countries:
                key = _state_key(states[country.pk])
                if key is None:
                    continue
                tone, label = STATE_TONES[key]
                url = _url(plan, year, country)
                name = str(year) if len(countries) == 1 else f"{year} · {country.name}"
                bars.append(Bar(name, [Segment(str(label), 1, url, tone)], url))
        title = _("Follow-up reports: %(plan)s") % {"plan": plan}
        figures.append(Figure(title, bars, url=reverse("plan:plan", args=[plan.pk]), order=50))
    return figures
