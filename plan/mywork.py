"""The plan's part of 'My work': follow-up reports to start, fill, revise (officers, the PPT) and to review (TS)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.mywork import WorkItem, register
from network.models import Country

from . import access as plan_access
from .access import FILL, REVIEW
from .models import EDITABLE_STATUSES, FollowUpReport, ReportStatus, reporter_name
from .queries import visible_plans


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
        # This year's reports not started yet.
        year = follow_up_year(today)
        plans = [plan for plan in visible_plans(user) if plan.covers(year)]
        started = set(FollowUpReport.objects.filter(plan__in=plans, year=year).values_list("plan_id", "country_id"))
        for plan in plans:
            due = plan.due_date(year)
            for key in keys:
                if (plan.pk, key) in started:
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
