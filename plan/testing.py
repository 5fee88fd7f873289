"""Test helpers for the plan: a small plan built directly, and reports filled through the services.

n = build_network()
p = build_plan(n)        # 2017–2022 for the network: axis 1 (objectives 1.1, 1.2) and axis 2 (2.1)
report = fill_report(p.plan, 2018, n.hn, n.hn_officer, {p.national_a: ("in_progress", 40), ...})
"""

import datetime
from types import SimpleNamespace

from network.models import PPTPeriod

from . import services
from .models import Node, Plan, Responsible, Scope


def node(plan, code, parent=None, *, scope="", order=0, weight=1, **fields):
    responsible = fields.pop("responsible", "")
    if scope and not responsible:
        responsible = Responsible.PPT_TS if scope == Scope.REGIONAL else Responsible.COUNTRIES
    created = Node(
        plan=plan,
        parent=parent,
        code=code,
        order=order,
        weight=weight,
        scope=scope,
        responsible=responsible,
        title_es=fields.pop("title_es", f"Nodo {code}"),
        title_en=fields.pop("title_en", f"Node {code}"),
        **fields,
    )
    created.full_clean()
    created.save()
    return created


def build_plan(n, start_year=2017, end_year=2022):
    """A plan with two axes: national and regional activities at different depths."""
    p = SimpleNamespace()
    p.plan = Plan.objects.create(
        body=n.network,
        title_es="Plan Estratégico de prueba",
        title_en="Test Strategic Plan",
        start_year=start_year,
        end_year=end_year,
    )
    p.axis1 = node(p.plan, "1", order=1)
    p.obj11 = node(p.plan, "1.1", p.axis1, order=1)
    p.national_a = node(p.plan, "1.1.1", p.obj11, scope=Scope.NATIONAL, order=1)
    p.national_b = node(p.plan, "1.1.2", p.obj11, scope=Scope.NATIONAL, order=2)
    p.obj12 = node(p.plan, "1.2", p.axis1, order=2)
    p.regional_a = node(p.plan, "1.2.1", p.obj12, scope=Scope.REGIONAL, order=1)
    p.axis2 = node(p.plan, "2", order=2)
    p.obj21 = node(p.plan, "2.1", p.axis2, order=1)
    p.national_c = node(p.plan, "2.1.1", p.obj21, scope=Scope.NATIONAL, order=1)
    return p


def fill_report(plan, year, country, user, values, *, submit=False):
    """Start (or get) a report and save `values` {activity: (status, progress[, narrative])}."""
    report = services.get_or_start_report(plan, year, country, acting_user=user)
    entries = {}
    for activity, value in values.items():
        status, progress, *rest = value
        entries[activity.pk] = {"status": status, "progress": progress, "narrative": rest[0] if rest else ""}
    if entries:
        services.save_lines(report, entries, acting_user=user)
    if submit:
        services.submit_report(report, acting_user=user)
    report.refresh_from_db()
    return report


def approved_report(plan, year, country, user, ts, values):
    """A report filled by `user`, submitted and approved by the TS user `ts`."""
    report = fill_report(plan, year, country, user, values, submit=True)
    services.approve_report(report, acting_user=ts)
    report.refresh_from_db()
    return report


def add_previous_ppt(n, country=None):
    """Give the network a past Pro Tempore Presidency (Honduras by default), ended before the current one."""
    country = country or n.hn
    start = n.ppt.start_date - datetime.timedelta(days=365)
    return PPTPeriod.objects.create(
        conference=n.conference,
        country=country,
        start_date=start,
        end_date=n.ppt.start_date - datetime.timedelta(days=1),
    )
