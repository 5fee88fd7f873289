"""The plan's pages: the list, a plan, an action with its indicators, the yearly matrix."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import access
from core.forms import add_service_errors
from core.pagecache import public_page, reader_page

from .. import queries, services
from ..access import keeps
from ..forms import (
    IndicatorValueForm,
    TreeFilterForm,
)
from ..models import (
    Indicator,
    IndicatorValue,
    Node,
    Scope,
    ValueKind,
)
from .common import _plan, _year, agreement_links, export_links, tree_nodes

MATRIX_PAGE = 100

# ---- plans and their tree -------------------------------------------------------------------


def plan_list(request):
    plans = list(queries.visible_plans(request.user).order_by("-start_year", "pk"))
    return render(request, "plan/plan_list.html", {"plans": plans})


@reader_page
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
    if not access.acts_for_whole_network(principal):
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
            "show_people": access.sees_members_only(request.user),
        },
        status=status,
    )


# ---- a year's matrix -----------------------------------------------------------------------


@public_page  # signed in: kept for that reader alone (core.pagecache)
def matrix(request, pk, year):
    plan = _plan(request, pk)
    _year(plan, year)
    countries = queries.member_countries()
    data = queries.matrix(plan, year, request.user, countries=countries, nodes=queries.plan_nodes(plan))
    # A plan of thousands of activities is read a hundred rows at a time (the page stays light).
    page = Paginator(data.activities, MATRIX_PAGE).get_page(request.GET.get("page"))
    data.activities = list(page.object_list)
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
            "page": page,
        },
    )
