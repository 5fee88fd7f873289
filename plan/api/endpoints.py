"""The plan API's endpoints (router mounted at /api/v1/ by config/api.py)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.api import Id, unknown
from core.refusals import UNKNOWN, refusal
from network.models import Country

from .. import queries, services
from ..models import (
    MAX_YEAR,
    MIN_YEAR,
    FollowUpLine,
    FollowUpReport,
    Indicator,
    IndicatorValue,
    Node,
    ReportStatus,
    ValueKind,
)
from ..rollup import build_tree, roll_up
from .schemas import (
    COUNTRY_PATTERN,
    READ_ERRORS,
    WRITE_ERRORS,
    PlanApproveIn,
    PlanIndicatorOut,
    PlanLinesIn,
    PlanMatrixOut,
    PlanNodeDetailOut,
    PlanOut,
    PlanReopenIn,
    PlanReportDetailOut,
    PlanReportIn,
    PlanReportOut,
    PlanReturnIn,
    PlanTreeOut,
    PlanValueIn,
    PlanValueOut,
    _iso,
    _percent,
    node_out,
)

router = Router(tags=["plan"])


# ---- helpers -------------------------------------------------------------------------------


def _country(code, field="country"):
    if code is None:
        return None
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise unknown(field, _("Unknown country code: %(code)s.") % {"code": code})
    return country


def _get_plan(request, plan_id):
    plan = get_object_or_404(queries.visible_plans(request.user), pk=plan_id)
    access.require(request.user, access.VIEW, plan)
    return plan


DEFAULT_YEAR = "Default: the latest year with an approved report you may see"


def _check_year(plan, year, user, field="year"):
    if year is None:
        return queries.default_year(plan, user)
    if not plan.covers(year):
        message = _("%(year)s is outside the plan (%(start)s–%(end)s).")
        raise unknown(field, message % {"year": year, "start": plan.start_year, "end": plan.end_year})
    return year


def _reports(request):
    return access.restrict(FollowUpReport.objects.select_related("country", "plan"), request.user, access.VIEW)


def _get_report(request, report_id):
    report = get_object_or_404(_reports(request), pk=report_id)
    access.require(request.user, access.VIEW, report)
    return report


def _report_detail(request, report):
    """The report as it is now (PlanReportDetailOut reads its lines and steps)."""
    return FollowUpReport.objects.select_related("country", "plan").get(pk=report.pk)


def _indicators(request, plan):
    values = IndicatorValue.objects.select_related("country", "entered_by__person")
    return access.restrict(
        Indicator.objects.filter(node__plan=plan).select_related("node").prefetch_related(Prefetch("values", values)),
        request.user,
    ).order_by("node__position", "order", "pk")


def _timeline(request, plan, node):
    """The node's progress in every year of the plan, from one query on the approved lines."""
    reports = access.restrict(FollowUpReport.objects.filter(plan=plan, status=ReportStatus.APPROVED), request.user)
    rows = FollowUpLine.objects.filter(report__in=reports).values_list(
        "report__year", "node_id", "report__country_id", "status", "progress"
    )
    by_year = {}
    for year, *line in rows:
        by_year.setdefault(year, []).append(tuple(line))
    nodes = queries.plan_nodes(plan)
    result = []
    for year in plan.years:
        roots = build_tree(nodes)
        progress = roll_up(roots, queries.activity_values(by_year.get(year, [])))
        result.append({"year": year, "progress": _percent(progress.get(node.pk))})
    return result


# ---- plans and their tree ----------------------------------------------------------------


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_plans(request):
    """Strategic plans the caller may see."""
    return queries.visible_plans(request.user).order_by("-start_year", "pk")


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_plan(request, plan_id: Id):
    return _get_plan(request, plan_id)


@router.get("/plans/{plan_id}/nodes", response={200: PlanTreeOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def list_nodes(
    request,
    plan_id: Id,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description=DEFAULT_YEAR),
    country: str | None = Query(None, pattern=COUNTRY_PATTERN, description="Progress from this country's reports"),
):
    """The plan's tree in outline order, each node with its progress for the year (approved reports only)."""
    plan = _get_plan(request, plan_id)
    year = _check_year(plan, year, request.user)
    found = _country(country)
    _roots, outline = queries.plan_tree(plan, year, request.user, country_id=getattr(found, "pk", None))
    return {
        "plan_id": plan.pk,
        "year": year,
        "country": _iso(found),
        "nodes": [node_out(item.node, item.depth, item.progress) for item in outline],
    }


@router.get(
    "/plans/{plan_id}/nodes/{node_id}", response={200: PlanNodeDetailOut, **READ_ERRORS}, openapi_extra=READ_SECURITY
)
def get_node(request, plan_id: Id, node_id: Id):
    """One node: its children, indicators and progress year by year."""
    plan = _get_plan(request, plan_id)
    node = get_object_or_404(access.restrict(Node.objects.filter(plan=plan), request.user), pk=node_id)
    access.require(request.user, access.VIEW, node)
    depth, parent = 0, node.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    data = node_out(node, depth)
    data["children"] = list(node.children.order_by("order", "code", "pk").values_list("pk", flat=True))
    data["indicators"] = list(_indicators(request, plan).filter(node=node))
    data["timeline"] = _timeline(request, plan, node)
    return data


@router.get("/plans/{plan_id}/matrix", response={200: PlanMatrixOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_matrix(
    request,
    plan_id: Id,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description=DEFAULT_YEAR),
):
    """Countries × national activities for a year, from approved reports; and where each report stands."""
    plan = _get_plan(request, plan_id)
    year = _check_year(plan, year, request.user)
    found = queries.matrix(plan, year, request.user)
    codes = [_iso(country) for country in found.countries]
    rows = []
    for node, cells, average in found.rows():
        rows.append(
            {
                "activity_id": node.pk,
                "code": node.code,
                "title_es": node.title_es,
                "title_en": node.title_en,
                "priority": node.priority,
                "average": _percent(average),
                "cells": [
                    {"country": code, "status": cell[0] if cell else None, "progress": cell[1] if cell else None}
                    for code, cell in zip(codes, cells, strict=True)
                ],
            }
        )
    reports = [
        {
            "country": _iso(state.country),
            "status": state.status,
            "report_id": state.report.pk if state.report is not None else None,
            "due": state.since,
            "overdue": state.overdue,
        }
        for state in found.states.values()
    ]
    return {"plan_id": plan.pk, "year": year, "countries": codes, "rows": rows, "reports": reports}


# ---- indicators --------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/indicators", response={200: list[PlanIndicatorOut], **READ_ERRORS}, openapi_extra=READ_SECURITY
)
@paginate
def list_indicators(request, plan_id: Id):
    """The plan's indicators with their baselines and the latest target and actual values."""
    return _indicators(request, _get_plan(request, plan_id))


def _get_indicator(request, plan, indicator_id):
    indicator = get_object_or_404(_indicators(request, plan), pk=indicator_id)
    access.require(request.user, access.VIEW, indicator)
    return indicator


@router.get(
    "/plans/{plan_id}/indicators/{indicator_id}/values",
    response={200: list[PlanValueOut], **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
@paginate
def list_values(
    request,
    plan_id: Id,
    indicator_id: Id,
    kind: ValueKind | None = None,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
):
    """Every entry of the indicator's targets and actual values, oldest first (the latest of each counts)."""
    plan = _get_plan(request, plan_id)
    indicator = _get_indicator(request, plan, indicator_id)
    rows = access.restrict(
        IndicatorValue.objects.filter(indicator=indicator).select_related("country", "entered_by__person"),
        request.user,
    )
    if kind:
        rows = rows.filter(kind=kind)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("year", "kind", "country_id", "entered_at", "pk")


@router.post(
    "/plans/{plan_id}/indicators/{indicator_id}/values",
    response={201: PlanValueOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def add_value(request, plan_id: Id, indicator_id: Id, payload: PlanValueIn):
    """Record a target (TS, PPT) or an actual value (a country's officers for it; TS, PPT for regional ones)."""
    plan = _get_plan(request, plan_id)
    indicator = _get_indicator(request, plan, indicator_id)
    value = services.add_indicator_value(
        indicator,
        acting_user=request.user,
        kind=payload.kind,
        year=payload.year,
        value=repr(payload.value),
        country=_country(payload.country),
        note=payload.note,
    )
    return Status(201, IndicatorValue.objects.select_related("country", "entered_by__person").get(pk=value.pk))


# ---- follow-up reports ---------------------------------------------------------------------


@router.get("/plans/{plan_id}/reports", response={200: list[PlanReportOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_reports(
    request,
    plan_id: Id,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    country: str | None = Query(
        None, pattern="^([A-Za-z]{2}|regional)$", description="ISO 3166 alpha-2 code, or 'regional'"
    ),
    status: ReportStatus | None = None,
):
    """The plan's follow-up reports the caller may see: their own at every step, the others once approved."""
    plan = _get_plan(request, plan_id)
    rows = _reports(request).filter(plan=plan)
    if year is not None:
        rows = rows.filter(year=year)
    if country == "regional":
        rows = rows.filter(country__isnull=True)
    elif country:
        rows = rows.filter(country=_country(country))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "country__code", "pk")


@router.post(
    "/plans/{plan_id}/reports",
    response={200: PlanReportDetailOut, 201: PlanReportDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def start_report(request, plan_id: Id, payload: PlanReportIn):
    """Start a year's report (your country's; the regional one for the PPT and the TS); an existing one is returned."""
    plan = _get_plan(request, plan_id)
    country = _country(payload.country)
    existed = FollowUpReport.objects.filter(plan=plan, year=payload.year, country=country).exists()
    report = services.get_or_start_report(plan, payload.year, country, acting_user=request.user)
    return Status(200 if existed else 201, _report_detail(request, report))


@router.get(
    "/plan-reports/{report_id}", response={200: PlanReportDetailOut, **READ_ERRORS}, openapi_extra=READ_SECURITY
)
def get_report(request, report_id: Id):
    """A report with its lines (and, for those who fill it and the TS, its review steps)."""
    return _report_detail(request, _get_report(request, report_id))


def _lines_conflict(conflict):
    lines = sorted(conflict.lines.values(), key=lambda line: line.node.code)
    return {
        "detail": _("Someone saved these activities after you read them: %(codes)s. Nothing was saved.")
        % {"codes": ", ".join(line.node.code for line in lines)},
        "revision": None,
        "current": {
            line.node.code: {
                "revision": line.revision,
                "status": line.status,
                "progress": line.progress,
                "narrative": line.narrative,
            }
            for line in lines
        },
    }


@router.patch("/plan-reports/{report_id}/lines", response={200: PlanReportDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def save_lines(request, report_id: Id, payload: PlanLinesIn):
    """Save several lines at once; all are checked before any is written."""
    report = _get_report(request, report_id)
    by_code = dict(Node.objects.filter(plan_id=report.plan_id).values_list("code", "pk"))
    ids = set(by_code.values())
    entries, errors = {}, {}
    for index, line in enumerate(payload.lines):
        activity = line.activity
        node_id = activity if isinstance(activity, int) else by_code.get(activity.strip())
        if node_id is None or node_id not in ids:
            message = _("Unknown activity: %(activity)s.") % {"activity": activity}
            errors[f"lines.{index}.activity"] = [refusal(UNKNOWN, message)]
        elif node_id in entries:
            errors[f"lines.{index}.activity"] = [_("This activity is given twice.")]
        else:
            entries[node_id] = {
                "status": line.status,
                "progress": line.progress,
                "narrative": line.narrative,
                "revision": line.revision,
            }
    if errors:
        raise ValidationError(errors)
    try:
        services.save_lines(report, entries, acting_user=request.user)
    except services.LinesConflict as conflict:
        return Status(409, _lines_conflict(conflict))
    return _report_detail(request, report)


@router.post("/plan-reports/{report_id}/submit", response={200: PlanReportDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def submit_report(request, report_id: Id):
    """Submit the report to the TS (every line needs its progress, unless it does not apply)."""
    report = services.submit_report(_get_report(request, report_id), acting_user=request.user)
    return _report_detail(request, report)


@router.post("/plan-reports/{report_id}/approve", response={200: PlanReportDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def approve_report(request, report_id: Id, payload: PlanApproveIn):
    """Approve a submitted report (TS): it is locked and counts in the plan's progress."""
    report = _get_report(request, report_id)
    report = services.approve_report(report, acting_user=request.user, comment=payload.comment)
    return _report_detail(request, report)


@router.post("/plan-reports/{report_id}/return", response={200: PlanReportDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def return_report(request, report_id: Id, payload: PlanReturnIn):
    """Return a submitted report to those who fill it, saying what to review (TS)."""
    report = _get_report(request, report_id)
    report = services.return_report(report, acting_user=request.user, comment=payload.comment)
    return _report_detail(request, report)


@router.post("/plan-reports/{report_id}/reopen", response={200: PlanReportDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def reopen_report(request, report_id: Id, payload: PlanReopenIn):
    """Reopen an approved report, saying why (TS); the reopening is recorded."""
    report = _get_report(request, report_id)
    report = services.reopen_report(report, acting_user=request.user, reason=payload.reason)
    return _report_detail(request, report)
