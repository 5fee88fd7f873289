"""Pages of the Strategic Plan. Views parse, ask core.access, call services, render.

Everything a page shows comes from `plan.queries` (the same reads the exports and the API use).
"""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.confirm import confirmation
from core.forms import add_service_errors
from meetings.models import Agreement
from network.models import Country, Membership

from . import access as rules
from . import queries, services
from .access import FILL, REOPEN, REVIEW, keeps
from .forms import (
    REVIEW_FORMS,
    ApproveForm,
    EvidenceForm,
    IndicatorValueForm,
    LinesForm,
    ReopenForm,
    ReturnForm,
    TreeFilterForm,
)
from .models import (
    Evidence,
    FollowUpReport,
    Indicator,
    IndicatorValue,
    Node,
    Plan,
    ReportEvent,
    Scope,
    ValueKind,
    reporter_name,
)

REGIONAL = "regional"


def _errors(request, error):
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _plan(request, pk):
    plan = get_object_or_404(Plan.objects.select_related("body"), pk=pk)
    access.require(request.user, access.VIEW, plan)
    return plan


def _year(plan, year):
    if not plan.covers(year):
        raise Http404
    return year


def _url(name, *args):
    """The URL of a page another part of the app provides (the exports), or None while it is absent."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def tree_nodes(plan):
    """The plan's nodes with what the tree shows of each (organization, priority agreement)."""
    return list(
        Node.objects.filter(plan=plan)
        .select_related("responsible_organization", "priority_agreement__version")
        .defer("priority_agreement__source_text")
        .order_by("position", "pk")
    )


def agreement_links(user, nodes):
    """{agreement id: URL} of the priority agreements the reader may see (one query)."""
    ids = {node.priority_agreement_id for node in nodes if node.priority_agreement_id}
    if not ids:
        return {}
    visible = set(access.restrict(Agreement.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    links = {}
    for node in nodes:
        agreement = node.priority_agreement
        if agreement is not None and agreement.pk in visible:
            url = reverse("meetings:detail", args=[agreement.version.meeting_id]) + f"#agreement-{agreement.pk}"
            links[agreement.pk] = url
    return links


def export_links(request, plan, year=None):
    """The exports the reader may use: everyone who sees the plan downloads; the TS imports."""
    links = {
        "tree_xlsx": _url("plan:tree_export", plan.pk, "xlsx"),
        "tree_csv": _url("plan:tree_export", plan.pk, "csv"),
        "tree_import": _url("plan:tree_import", plan.pk) if access.can(request.user, access.CHANGE, plan) else None,
    }
    if year is not None:
        links["docx"] = _url("plan:export", plan.pk, year, "docx")
        links["xlsx"] = _url("plan:export", plan.pk, year, "xlsx")
        links["pdf"] = _url("plan:export", plan.pk, year, "pdf")
    return links


# ---- plans and their tree -------------------------------------------------------------------


def plan_list(request):
    plans = list(queries.visible_plans(request.user).order_by("-start_year", "pk"))
    return render(request, "plan/plan_list.html", {"plans": plans})


def plan_detail(request, pk):
    plan = _plan(request, pk)
    countries = queries.member_countries()
    fallback = queries.default_year(plan, request.user)
    form = TreeFilterForm(request.GET or None, plan=plan, countries=countries)
    year, country = form.selected(fallback)
    if not form.is_bound:
        form = TreeFilterForm(initial={"year": year}, plan=plan, countries=countries)
    nodes = tree_nodes(plan)
    _roots, outline = queries.plan_tree(plan, year, request.user, getattr(country, "pk", None), nodes=nodes)
    return render(
        request,
        "plan/plan_detail.html",
        {
            "plan": plan,
            "year": year,
            "country": country,
            "form": form,
            "outline": outline,
            "agreements": agreement_links(request.user, nodes),
            "exports": export_links(request, plan, year),
            "activity_count": sum(1 for item in outline if item.node.scope),
        },
    )


# ---- one node ------------------------------------------------------------------------------


def _value_form_options(user, node, indicators):
    """(countries, regional) the reader may enter values for, or None when they may enter none."""
    if not indicators:
        return None
    principal = access.principal_for(user)
    indicator = indicators[0]
    regional = access.can_create(user, IndicatorValue, indicator=indicator, kind=ValueKind.TARGET)
    members = queries.member_countries()
    countries = [
        c
        for c in members
        if access.can_create(user, IndicatorValue, indicator=indicator, kind=ValueKind.ACTUAL, country=c)
    ]
    if not principal.is_ts:
        countries = [c for c in countries if c.pk in principal.officer_countries]
    if not regional and not countries:
        return None
    return countries, regional


def indicator_tables(indicators, plan, countries):
    """For each indicator: its targets per year, its actual values per year and country (latest
    entry counts), and its history of entries."""
    names = {country.pk: country for country in countries}
    tables = []
    for indicator in indicators:
        values = list(indicator.values.all())
        targets, actuals = {}, {}
        for value in values:  # ordered by entry: the latest overwrites
            if value.kind == ValueKind.TARGET:
                targets[value.year] = value
            else:
                actuals[(value.year, value.country_id)] = value
        rows = []
        for year in plan.years:
            year_actuals = [
                (names.get(country_id) if country_id else None, value)
                for (value_year, country_id), value in sorted(
                    actuals.items(), key=lambda kv: (kv[0][1] is not None, str(names.get(kv[0][1], "")))
                )
                if value_year == year
            ]
            rows.append({"year": year, "target": targets.get(year), "actuals": year_actuals})
        history = sorted(values, key=lambda v: (v.entered_at, v.pk), reverse=True)
        tables.append({"indicator": indicator, "rows": rows, "history": history})
    return tables


CHART_ROW = 16  # height of one year in the timeline chart
CHART_WIDTH = 240  # width of a 100 % bar


def timeline_rows(node, user, countries):
    """An activity's progress year by year (queries.timeline), with per-country cells for national ones."""
    rows = []
    for index, (year, progress, counts, by_country) in enumerate(queries.timeline(node, user)):
        rows.append(
            {
                "y": index * CHART_ROW,
                "width": None if progress is None else f"{float(progress) * CHART_WIDTH / 100:.1f}",
                "year": year,
                "progress": progress,
                "counts": {k: v for k, v in counts.items() if v},
                "cells": [by_country.get(country.pk) for country in countries],
                "regional": by_country.get(None),
            }
        )
    return rows


def node_detail(request, pk, node_pk):
    plan = _plan(request, pk)
    node = get_object_or_404(
        Node.objects.select_related("responsible_organization", "priority_agreement__version", "parent"),
        pk=node_pk,
        plan=plan,
    )
    access.require(request.user, access.VIEW, node)
    countries = queries.member_countries()
    year = queries.default_year(plan, request.user)
    nodes = tree_nodes(plan)
    _roots, outline = queries.plan_tree(plan, year, request.user, nodes=nodes)
    item = next(item for item in outline if item.pk == node.pk)
    by_pk = {other.pk: other for other in nodes}
    ancestors, parent_id = [], node.parent_id
    while parent_id in by_pk and len(ancestors) <= 10:
        ancestors.insert(0, by_pk[parent_id])
        parent_id = by_pk[parent_id].parent_id
    indicators = list(
        access.restrict(Indicator.objects.filter(node=node), request.user).prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.select_related("country", "entered_by__person"))
        )
    )
    options = _value_form_options(request.user, node, indicators)
    form = None
    if options is not None:
        allowed_countries, regional = options
        form = IndicatorValueForm(
            request.POST or None, indicators=indicators, plan=plan, countries=allowed_countries, regional=regional
        )
    status = 200
    if request.method == "POST":
        if form is None:
            access.refuse(request.user, access.CREATE, IndicatorValue)
        if form.is_valid():
            try:
                services.add_indicator_value(form.chosen_indicator(), acting_user=request.user, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Value recorded."))
                return redirect(node.get_absolute_url() + "#indicators")
        status = 400
    commitments = list(
        access.restrict(node.commitments.all(), request.user)
        .select_related("meeting", "agreement")
        .defer("meeting__source_text", "agreement__source_text")
    )
    agreement_url = agreement_links(request.user, [node]).get(node.priority_agreement_id)
    national = node.scope == Scope.NATIONAL
    timeline = timeline_rows(node, request.user, countries) if node.scope else []
    return render(
        request,
        "plan/node_detail.html",
        {
            "plan": plan,
            "node": node,
            "item": item,
            "year": year,
            "ancestors": ancestors,
            "indicators": indicator_tables(indicators, plan, countries),
            "form": form,
            "commitments": commitments,
            "agreement_url": agreement_url,
            "timeline": timeline,
            "timeline_countries": countries if national else [],
            "has_timeline_values": any(row["progress"] is not None for row in timeline),
            "chart_height": len(timeline) * CHART_ROW,
            "show_people": access.principal_for(request.user).is_member,
        },
        status=status,
    )


# ---- a year's matrix -----------------------------------------------------------------------


def matrix(request, pk, year):
    plan = _plan(request, pk)
    _year(plan, year)
    countries = queries.member_countries()
    data = queries.matrix(plan, year, request.user, countries=countries, nodes=queries.plan_nodes(plan))
    principal = access.principal_for(request.user)
    headers = []
    for country in countries:
        state = data.states[country.pk]
        headers.append(
            {
                "country": country,
                "code": country.code.code.lower(),
                "state": state,
                "linked": state.report is not None or keeps(principal, country.pk),
            }
        )
    regional = data.states[None]
    waiting = queries.not_submitted(plan, year, request.user, countries=countries)
    return render(
        request,
        "plan/matrix.html",
        {
            "plan": plan,
            "year": year,
            "matrix": data,
            "headers": headers,
            "regional": regional,
            "regional_linked": regional.report is not None or keeps(principal, None),
            "waiting": waiting,
            "due": plan.due_date(year),
            "exports": export_links(request, plan, year),
            "country_progress": queries.country_progress(plan, year, request.user, countries=countries),
        },
    )


# ---- a follow-up report --------------------------------------------------------------------


def _report_target(plan, code):
    """The country a report code names (None: regional); 404 for anything else."""
    if code.lower() == REGIONAL:
        return None
    country = Country.objects.filter(code=code.upper()[:2], membership=Membership.MEMBER).first()
    if country is None or len(code) != 2:
        raise Http404
    return country


def _report(request, pk, year, code):
    """(plan, country or None, report or None). Refuse (403) a report the reader may not see."""
    plan = get_object_or_404(Plan.objects.select_related("body"), pk=pk)
    _year(plan, year)
    country = _report_target(plan, code)
    report = (
        FollowUpReport.objects.filter(plan=plan, year=year, country=country)
        .select_related("plan__body", "country")
        .first()
    )
    if report is not None and access.can(request.user, access.VIEW, report):
        return plan, country, report
    country_id = getattr(country, "pk", None)
    if report is None and access.can_create(request.user, FollowUpReport, plan=plan, country=country_id):
        return plan, country, report
    # The same refusal whether another country's report is a draft or not started: nothing leaks.
    access.refuse(request.user, access.VIEW, report or plan)


def _report_lines(report):
    return list(
        report.lines.select_related("node", "updated_by__person")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("added_by__person")))
        .order_by("node__position", "node_id")
    )


def _report_page(request, plan, country, report, *, status=200, **forms):
    user = request.user
    context = {
        "plan": plan,
        "year": report.year if report else None,
        "country": country,
        "report": report,
        "who": country.name if country else _("Regional report"),
        "code": country.code.code.lower() if country else REGIONAL,
        "due": None,
    }
    if report is None:
        year = int(request.resolver_match.kwargs["year"])
        context.update(
            year=year,
            due=plan.due_date(year),
            can_start=access.can_create(user, FollowUpReport, plan=plan, country=getattr(country, "pk", None)),
        )
        return render(request, "plan/report_detail.html", context, status=status)
    lines = _report_lines(report)
    can_fill = access.can(user, FILL, report)
    events = list(
        access.restrict(ReportEvent.objects.filter(report=report), user)
        .select_related("by__person")
        .order_by("at", "pk")
    )
    context.update(
        due=plan.due_date(report.year),
        lines=lines,
        events=events,
        can_fill=can_fill,
        can_review=access.can(user, REVIEW, report),
        can_reopen=access.can(user, REOPEN, report),
        lines_form=forms.get("lines_form") or (LinesForm(lines=lines) if can_fill else None),
        evidence_form=forms.get("evidence_form") or (EvidenceForm(lines=lines) if can_fill and lines else None),
        approve_form=forms.get("approve_form") or ApproveForm(prefix="approve"),
        return_form=forms.get("return_form") or ReturnForm(prefix="return"),
        reopen_form=forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        last_return=next((e for e in reversed(events) if e.action in ("returned", "reopened")), None),
        overdue=report.status in ("draft", "returned") and plan.due_date(report.year) < timezone.localdate(),
        matrix_url=reverse("plan:matrix", args=[plan.pk, report.year]) if access.can(user, access.VIEW, plan) else None,
    )
    return render(request, "plan/report_detail.html", context, status=status)


def report_detail(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if request.method != "POST":
        if report is not None and access.can(request.user, FILL, report):
            services.add_missing_lines(report, acting_user=request.user)
        return _report_page(request, plan, country, report)
    if report is None:
        raise Http404
    if not access.can(request.user, FILL, report):
        return _not_fillable(request, report)
    lines = _report_lines(report)
    form = LinesForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            services.save_lines(report, form.entries(), acting_user=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if "submit" in request.POST:
                try:
                    services.submit_report(report, acting_user=request.user)
                except ValidationError as error:
                    messages.success(request, _("Lines saved."))
                    _errors(request, error)
                    return redirect(_report_url(report))
                messages.success(request, _("Report submitted to the Technical Secretariat."))
                return redirect(_report_url(report))
            messages.success(request, _("Lines saved."))
            return redirect(_report_url(report))
    return _report_page(request, plan, country, report, status=400, lines_form=form)


def _not_fillable(request, report):
    """Refuse outsiders (403); tell the report's own people why it cannot change now."""
    if not keeps(access.principal_for(request.user), report.country_id):
        access.refuse(request.user, FILL, report)
    messages.error(
        request,
        _("This report is %(status)s: it can change again only if the TS returns or reopens it.")
        % {"status": report.get_status_display().lower()},
    )
    return redirect(_report_url(report))


def _report_url(report):
    return reverse("plan:report", args=[report.plan_id, report.year, report_code(report)])


def report_code(report):
    return report.country.code.code.lower() if report.country_id else REGIONAL


@login_required
@require_POST
def report_start(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        try:
            report = services.get_or_start_report(plan, year, country, acting_user=request.user)
        except ValidationError as error:
            _errors(request, error)
            return redirect(reverse("plan:report", args=[pk, year, code.lower()]))
        messages.success(request, _("Report started: fill in each activity, then submit it."))
    return redirect(_report_url(report))


@login_required
@require_POST
def report_submit(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    try:
        services.submit_report(report, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Report submitted to the Technical Secretariat."))
    return redirect(_report_url(report))


@login_required
@require_POST
def report_review(request, pk, year, code, decision):
    plan, country, report = _report(request, pk, year, code)
    if report is None or decision not in REVIEW_FORMS:
        raise Http404
    if not rules.reviews_reports(access.principal_for(request.user)):  # the state is the service's to check
        access.refuse(request.user, REOPEN if decision == "reopen" else REVIEW, report)
    form = REVIEW_FORMS[decision](request.POST, prefix=decision)
    if form.is_valid() and decision == "approve":
        page = confirmation(
            request,
            title=_("Approve the follow-up report of %(reporter)s for %(year)s?")
            % {"reporter": reporter_name(country), "year": report.year},
            lines=[
                _("The report is locked and counts in the plan's progress."),
                _("Only the Technical Secretariat can reopen it, with a recorded reason."),
            ],
            button=_("Approve and lock"),
            cancel=_report_url(report),
        )
        if page:
            return page
    if form.is_valid():
        try:
            if decision == "approve":
                services.approve_report(report, acting_user=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("Report approved: it counts in the plan's progress and is locked."))
            elif decision == "return":
                services.return_report(report, acting_user=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("Report returned with your comments."))
            else:
                services.reopen_report(report, acting_user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Report reopened: it can be changed again."))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # the report is no longer in a state to review
                _errors(request, error)
                return redirect(_report_url(report))
            add_service_errors(form, error)
        else:
            return redirect(_report_url(report))
    return _report_page(request, plan, country, report, status=400, **{f"{decision}_form": form})


@login_required
@require_POST
def evidence_add(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    if not access.can(request.user, FILL, report):
        return _not_fillable(request, report)
    lines = _report_lines(report)
    form = EvidenceForm(request.POST, request.FILES, lines=lines)
    if form.is_valid():
        line = next(line for line in lines if line.pk == form.cleaned_data["line"])
        try:
            services.add_evidence(
                line,
                acting_user=request.user,
                link=form.cleaned_data.get("link") or "",
                file=form.cleaned_data.get("file"),
                label=form.cleaned_data.get("label") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evidence added to %(code)s.") % {"code": line.node.code})
            return redirect(_report_url(report) + "#evidence")
    return _report_page(request, plan, country, report, status=400, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request, pk, year, code, evidence_pk):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    evidence = get_object_or_404(Evidence.objects.select_related("line__report"), pk=evidence_pk, line__report=report)
    try:
        services.remove_evidence(evidence, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Evidence removed."))
    return redirect(_report_url(report) + "#evidence")


def evidence_download(request, pk, year, code, evidence_pk):
    """An evidence file, for those who see its report."""
    _plan_, _country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    evidence = get_object_or_404(Evidence.objects.select_related("line__report"), pk=evidence_pk, line__report=report)
    access.require(request.user, access.VIEW, evidence)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(evidence.file.name))
