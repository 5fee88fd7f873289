"""The plan tree and the matrix cost a fixed number of queries, whatever the plan's size."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import build_network
from plan import queries
from plan.models import LineStatus, Plan, Scope
from plan.testing import approved_report, fill_report, node

pytestmark = pytest.mark.django_db


def build(n, objectives, title):
    """A plan with `objectives` objectives of two national and one regional activity, with reports for 2018."""
    plan = Plan.objects.create(body=n.network, title_en=title, start_year=2017, end_year=2022)
    axis = node(plan, "1", order=1)
    national, regional = [], []
    for o in range(1, objectives + 1):
        objective = node(plan, f"1.{o}", axis, order=o)
        national += [node(plan, f"1.{o}.{i}", objective, scope=Scope.NATIONAL, order=i) for i in (1, 2)]
        regional.append(node(plan, f"1.{o}.3", objective, scope=Scope.REGIONAL, order=3))
    values = {activity: (LineStatus.IN_PROGRESS, 10 * (i % 10)) for i, activity in enumerate(national)}
    approved_report(plan, 2018, n.hn, n.hn_officer, n.ts, values)
    approved_report(plan, 2018, n.gt, n.gt_officer, n.ts, values)
    approved_report(plan, 2018, None, n.ts, n.ts, dict.fromkeys(regional, (LineStatus.COMPLETED, None)))
    fill_report(plan, 2018, n.mx, n.mx_officer, values)  # a draft: never counted
    return plan


def counts(plan, users, country):
    calls = {
        "tree": lambda user: queries.plan_tree(plan, 2018, user),
        "tree for a country": lambda user: queries.plan_tree(plan, 2018, user, country_id=country.pk),
        "matrix": lambda user: queries.matrix(plan, 2018, user),
    }
    found = {}
    for name, user in users.items():
        for label, call in calls.items():
            call(user)  # warm the caches (the reader's roles are computed once per request)
            with CaptureQueriesContext(connection) as captured:
                call(user)
            found[(name, label)] = len(captured)
    return found


def test_the_tree_and_the_matrix_cost_the_same_queries_for_a_plan_five_times_bigger():
    n = build_network()
    users = {"ts": n.ts, "honduras": n.hn_officer, "partner": n.partner, "anonymous": AnonymousUser()}
    small = build(n, 2, "Small")
    big = build(n, 10, "Five times bigger")
    assert big.nodes.exclude(scope="").count() == 5 * small.nodes.exclude(scope="").count()
    small_counts = counts(small, users, n.hn)
    big_counts = counts(big, users, n.hn)
    assert small_counts == big_counts
    # And the numbers are small: a handful of queries, not one per node or per report.
    assert max(small_counts.values()) <= 8, small_counts
    roots, _outline = queries.plan_tree(big, 2018, n.ts)
    assert roots[0].progress is not None
