"""The plan tree, the matrix, a node and a report answer with the same number of queries for a small
plan and for a bigger one (more axes, activities and country reports)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import build_network, signed_in
from network.models import Country
from plan.models import Indicator, Plan, Scope
from plan.testing import approved_report, build_plan, fill_report, node

pytestmark = pytest.mark.django_db


def bigger_plan(n):
    """A plan of 3 axes × 3 objectives × 6 activities (half national), with a sub-objective level."""
    plan = Plan.objects.create(body=n.network, title_en="Bigger plan", start_year=2017, end_year=2022)
    activities = []
    for a in range(1, 4):
        axis = node(plan, f"{a}", order=a)
        for o in range(1, 4):
            objective = node(plan, f"{a}.{o}", axis, order=o)
            sub = node(plan, f"{a}.{o}.0", objective, order=0)
            for i in range(1, 7):
                parent = sub if i % 2 else objective
                scope = Scope.NATIONAL if i <= 3 else Scope.REGIONAL
                activities.append(node(plan, f"{a}.{o}.{i}", parent, scope=scope, order=i))
    return plan, [item for item in activities if item.scope == Scope.NATIONAL]


def approve_everywhere(n, plan, national, countries):
    officers = {"HN": n.hn_officer, "MX": n.mx_officer, "GT": n.gt_officer, "PA": n.pa_officer}
    for code in countries:
        country = Country.objects.get(code=code)
        values = {activity: ("in_progress", 10 + index % 90) for index, activity in enumerate(national)}
        approved_report(plan, 2018, country, officers[code], n.ts, values)


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def pages(plan, activity, code="hn"):
    return {
        "tree": reverse("plan:plan", args=[plan.pk]),
        "tree for a country": reverse("plan:plan", args=[plan.pk]) + f"?year=2018&country={code}",
        "matrix": reverse("plan:matrix", args=[plan.pk, 2018]),
        "node": reverse("plan:node", args=[plan.pk, activity.pk]),
        "report": reverse("plan:report", args=[plan.pk, 2018, code]),
        "list": reverse("plan:list"),
    }


def test_the_plan_pages_use_the_same_number_of_queries_whatever_the_size():
    n = build_network()
    small = build_plan(n)
    approve_everywhere(n, small.plan, [small.national_a, small.national_b, small.national_c], ["HN"])
    Indicator.objects.create(node=small.national_a, name_en="Small indicator", unit="%")
    big, national = bigger_plan(n)
    approve_everywhere(n, big, national, ["HN", "MX", "GT", "PA"])
    fill_report(big, 2019, n.hn, n.hn_officer, {national[0]: ("in_progress", 5)})
    fill_report(small.plan, 2019, n.hn, n.hn_officer, {small.national_a: ("in_progress", 5)})
    for activity in (national[0], small.national_a):
        Indicator.objects.create(node=activity, name_en="Indicator", unit="%")
    for user in (n.hn_officer, n.ts):
        client = signed_in(user)
        small_counts = {name: count(client, url) for name, url in pages(small.plan, small.national_a).items()}
        big_counts = {name: count(client, url) for name, url in pages(big, national[0]).items()}
        assert small_counts == big_counts, (user, small_counts, big_counts)
    # The report being filled (one form for every line) too.
    client = signed_in(n.hn_officer)
    small_form = count(client, reverse("plan:report", args=[small.plan.pk, 2019, "hn"]))
    big_form = count(client, reverse("plan:report", args=[big.pk, 2019, "hn"]))
    assert small_form == big_form
