"""A report can start from last year's values: only the activities nobody has filled yet take them,
for the report's own people only; and forms show time zones by city."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.testing import signed_in
from core.timezones import time_zone_choices
from plan import services
from plan.models import LineStatus
from plan.testing import approved_report

pytestmark = pytest.mark.django_db


def values(p):
    return {
        p.national_a: ("completed", 100, "Campañas en 12 municipios"),
        p.national_b: ("in_progress", 40),
        p.national_c: ("not_applicable", None),
    }


def test_untouched_activities_take_last_years_values_and_filled_ones_stay(n, p):
    approved_report(p.plan, 2018, n.gt, n.gt_officer, n.ts, values(p))
    report = services.get_or_start_report(p.plan, 2019, n.gt, acting_user=n.gt_officer)
    services.save_lines(report, {p.national_b.pk: {"status": "in_progress", "progress": 70}}, acting_user=n.gt_officer)
    filled = services.start_from_last_year(report, acting_user=n.gt_officer)
    assert sorted(line.node.code for line in filled) == sorted([p.national_a.code, p.national_c.code])
    lines = {line.node_id: line for line in report.lines.all()}
    assert (lines[p.national_a.pk].status, lines[p.national_a.pk].progress) == (LineStatus.COMPLETED, 100)
    assert lines[p.national_a.pk].narrative == "Campañas en 12 municipios"
    assert lines[p.national_b.pk].progress == 70  # what the officer wrote stays
    assert services.start_from_last_year(report, acting_user=n.gt_officer) == []  # nothing left untouched


def test_only_the_reports_own_people_and_only_with_a_report_to_start_from(n, p):
    approved_report(p.plan, 2018, n.gt, n.gt_officer, n.ts, values(p))
    report = services.get_or_start_report(p.plan, 2019, n.gt, acting_user=n.gt_officer)
    with pytest.raises(PermissionDenied):
        services.start_from_last_year(report, acting_user=n.hn_officer)
    honduras = services.get_or_start_report(p.plan, 2019, n.hn, acting_user=n.hn_officer)
    with pytest.raises(ValidationError):
        services.start_from_last_year(honduras, acting_user=n.hn_officer)  # Honduras has no 2018 report
    url = reverse("plan:report", args=[p.plan.pk, 2019, "gt"])
    page = signed_in(n.gt_officer).get(url, headers={"accept-language": "en"})
    assert "Start from 2018" in page.content.decode()
    response = signed_in(n.gt_officer).post(reverse("plan:report_from_last_year", args=[p.plan.pk, 2019, "gt"]))
    assert response.status_code == 302
    assert report.lines.get(node=p.national_a).progress == 100
    assert (
        signed_in(n.hn_officer).post(reverse("plan:report_from_last_year", args=[p.plan.pk, 2019, "gt"])).status_code
        == 403
    )


def test_time_zones_by_city_with_their_offset(n):
    translation.activate("en")
    region, others = time_zone_choices()
    labels = dict(region[1])
    assert labels["America/Guatemala"].startswith("Guatemala City (UTC−06:00)")
    assert all("/" in name for name, _label in others[1])
    assert "US/Eastern" not in dict(others[1])
    kept = dict(time_zone_choices(keep="US/Eastern")[1][1])
    assert kept["US/Eastern"].startswith("Eastern (US)")
    translation.activate("es")
    assert dict(time_zone_choices()[0][1])["America/Guatemala"].startswith("Ciudad de Guatemala")
