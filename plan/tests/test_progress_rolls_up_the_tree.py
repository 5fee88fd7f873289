"""A node's progress is the (weighted) mean of its children's, recursively, from approved reports only.

'Not applicable' lines are left out, and a missing report is missing, never 0.
"""

from decimal import Decimal

import pytest

from plan.models import LineStatus
from plan.queries import country_progress, plan_tree, timeline
from plan.rollup import weighted_mean
from plan.testing import approved_report, fill_report

pytestmark = pytest.mark.django_db

IN_PROGRESS, COMPLETED, NOT_APPLICABLE = LineStatus.IN_PROGRESS, LineStatus.COMPLETED, LineStatus.NOT_APPLICABLE


def progress_by_code(plan, year, user, **kwargs):
    _roots, outline = plan_tree(plan, year, user, **kwargs)
    return {item.node.code: item.progress for item in outline}


def fill_2018(n, p):
    # Honduras: a 40, b done, c not applicable. Mexico: a 80, b 20, c 50. Guatemala submits but
    # is not approved yet; Panama has no report at all.
    approved_report(
        p.plan,
        2018,
        n.hn,
        n.hn_officer,
        n.ts,
        {p.national_a: (IN_PROGRESS, 40), p.national_b: (COMPLETED, None), p.national_c: (NOT_APPLICABLE, None)},
    )
    approved_report(
        p.plan,
        2018,
        n.mx,
        n.mx_officer,
        n.ts,
        {p.national_a: (IN_PROGRESS, 80), p.national_b: (IN_PROGRESS, 20), p.national_c: (IN_PROGRESS, 50)},
    )
    fill_report(
        p.plan,
        2018,
        n.gt,
        n.gt_officer,
        {p.national_a: (COMPLETED, None), p.national_b: (COMPLETED, None), p.national_c: (COMPLETED, None)},
        submit=True,
    )
    approved_report(p.plan, 2018, None, n.pa_officer, n.ts, {p.regional_a: (IN_PROGRESS, 30)})


def test_plain_means_up_the_tree_without_weights(n, p):
    fill_2018(n, p)
    got = progress_by_code(p.plan, 2018, n.ts)
    assert got["1.1.1"] == Decimal(60)  # (40 + 80) / 2; Guatemala's unapproved 100 does not count
    assert got["1.1.2"] == Decimal(60)  # (100 + 20) / 2
    assert got["2.1.1"] == Decimal(50)  # Honduras's 'not applicable' left out: only Mexico's 50
    assert got["1.1"] == Decimal(60)
    assert got["1.2.1"] == Decimal(30)  # the regional report
    assert got["1.2"] == Decimal(30)
    assert got["1"] == Decimal(45)  # (60 + 30) / 2
    assert got["2.1"] == got["2"] == Decimal(50)


def test_weighted_means_when_the_ts_gives_weights(n, p):
    fill_2018(n, p)
    p.national_a.weight, p.obj11.weight, p.obj12.weight = 3, 1, 3
    for node in (p.national_a, p.obj11, p.obj12):
        node.save()
    approved_report(
        p.plan,
        2019,
        n.hn,
        n.hn_officer,
        n.ts,
        {p.national_a: (IN_PROGRESS, 40), p.national_b: (IN_PROGRESS, 80), p.national_c: (NOT_APPLICABLE, None)},
    )
    got = progress_by_code(p.plan, 2019, n.ts)
    assert got["1.1"] == Decimal(50)  # (40×3 + 80×1) / 4
    assert got["1.2"] is None  # no regional report for 2019: missing, not 0
    assert got["1"] == Decimal(50)  # the missing objective is left out, whatever its weight
    assert got["2.1.1"] is None and got["2"] is None  # only a 'not applicable' line: missing

    got_2018 = progress_by_code(p.plan, 2018, n.ts)
    a, b = Decimal(60), Decimal(60)
    assert got_2018["1.1"] == (a * 3 + b) / 4
    assert got_2018["1"] == (got_2018["1.1"] * 1 + Decimal(30) * 3) / 4


def test_per_country_progress_and_missing_reports(n, p):
    fill_2018(n, p)
    honduras = progress_by_code(p.plan, 2018, n.ts, country_id=n.hn.pk)
    assert honduras["1.1"] == Decimal(70)  # (40 + 100) / 2
    assert honduras["2"] is None  # not applicable only
    panama = progress_by_code(p.plan, 2018, n.ts, country_id=n.pa.pk)
    assert set(panama.values()) == {None}  # no report: missing everywhere, never 0
    by_country = country_progress(p.plan, 2018, n.ts)
    assert by_country[n.hn.pk] == Decimal(70)
    assert by_country[n.mx.pk] == Decimal(50)
    assert by_country[n.gt.pk] is None and by_country[n.pa.pk] is None


def test_an_activitys_timeline_across_years(n, p):
    fill_2018(n, p)
    years = {year: (progress, counts) for year, progress, counts, _lines in timeline(p.national_c, n.ts)}
    assert years[2018][0] == Decimal(50)
    assert years[2018][1][NOT_APPLICABLE] == 1
    assert years[2019] == (None, dict.fromkeys(LineStatus.values, 0))


def test_weighted_mean_edge_cases():
    assert weighted_mean([]) is None
    assert weighted_mean([(None, 1)]) is None
    assert weighted_mean([(10, 0), (30, 0)]) == Decimal(20)  # all weights zero: plain mean
    assert weighted_mean([(10, 0), (30, 1)]) == Decimal(30)
