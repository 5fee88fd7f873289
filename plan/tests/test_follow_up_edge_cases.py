"""Edge cases of the follow-up: texts Word cannot hold, evidence files, values at the limit,
hidden plans, activities added after a report was started, and refusals that leak nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core import access
from core.models import Visibility
from core.testing import signed_in
from core.tests.upload_corpus import MINIMAL_PDF
from plan import services
from plan.exports import follow_up_docx
from plan.models import FollowUpReport, Indicator, IndicatorValue, LineStatus, Scope, ValueKind
from plan.testing import approved_report, fill_report, node

pytestmark = pytest.mark.django_db

NATIONAL = {"a": LineStatus.IN_PROGRESS}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def all_lines(p, **narratives):
    return {
        p.national_a: (LineStatus.IN_PROGRESS, 40, narratives.get("a", "")),
        p.national_b: (LineStatus.NOT_STARTED, 0),
        p.national_c: (LineStatus.NOT_APPLICABLE, None),
    }


def test_control_characters_pasted_from_word_are_dropped_and_the_docx_still_builds(n, p):
    report = approved_report(p.plan, 2018, n.hn, n.hn_officer, n.ts, all_lines(p, a="Protocolo\x0b aprobado\x07"))
    assert report.lines.get(node=p.national_a).narrative == "Protocolo aprobado"
    document = follow_up_docx(p.plan, 2018, n.ts, "es")
    assert document[:2] == b"PK"


def test_an_evidence_file_keeps_its_type_and_a_hostile_one_is_refused(n, p):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, all_lines(p))
    line = report.lines.get(node=p.national_a)
    pdf = SimpleUploadedFile("Informe final.pdf", MINIMAL_PDF, content_type="application/pdf")
    evidence = services.add_evidence(line, acting_user=n.hn_officer, file=pdf, label="Informe")
    assert evidence.file.name.endswith("/Informe-final.pdf")
    program = SimpleUploadedFile("informe.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.add_evidence(line, acting_user=n.hn_officer, file=program)
    assert "file" in error.value.message_dict
    assert line.evidence.count() == 1


def test_a_value_that_rounds_past_the_limit_is_refused(n, p):
    indicator = Indicator.objects.create(node=p.national_a, name_en="Protocols", unit="protocols")
    with pytest.raises(ValidationError) as error:
        services.add_indicator_value(
            indicator, acting_user=n.ts, kind=ValueKind.TARGET, year=2018, value="999999999999.999"
        )
    assert "value" in error.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_only_the_ts_sets_targets(n, p):
    indicator = Indicator.objects.create(node=p.regional_a, name_en="Meetings held", unit="meetings")
    with pytest.raises(PermissionDenied):
        services.add_indicator_value(indicator, acting_user=n.pa_officer, kind=ValueKind.TARGET, year=2018, value=3)
    services.add_indicator_value(indicator, acting_user=n.pa_officer, kind=ValueKind.ACTUAL, year=2018, value=2)
    services.add_indicator_value(indicator, acting_user=n.ts, kind=ValueKind.TARGET, year=2018, value=3)
    assert IndicatorValue.objects.count() == 2


def test_officers_cannot_report_on_a_plan_the_ts_keeps_to_itself(n, p):
    p.plan.visibility = Visibility.TS
    p.plan.save()
    with pytest.raises(PermissionDenied):
        services.get_or_start_report(p.plan, 2018, n.hn, acting_user=n.hn_officer)
    client = signed_in(n.hn_officer)
    assert client.get(reverse("plan:report", args=[p.plan.pk, 2018, "hn"])).status_code == 403
    assert not FollowUpReport.objects.exists()


def test_another_countrys_report_is_refused_alike_whether_started_or_not(n, p):
    client = signed_in(n.hn_officer)
    not_started = client.get(reverse("plan:report", args=[p.plan.pk, 2018, "mx"]))
    fill_report(p.plan, 2018, n.mx, n.mx_officer, all_lines(p))
    draft = client.get(reverse("plan:report", args=[p.plan.pk, 2018, "mx"]))
    assert not_started.status_code == draft.status_code == 403


def test_an_activity_added_after_the_report_was_started_gets_its_line(n, p):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, all_lines(p))
    added = node(p.plan, "2.1.2", p.obj21, scope=Scope.NATIONAL, order=2)
    with pytest.raises(ValidationError, match="2.1.2"):
        services.submit_report(report, acting_user=n.hn_officer)
    page = signed_in(n.hn_officer).get(report.get_absolute_url())
    assert page.status_code == 200
    assert report.lines.filter(node=added).exists()
    services.save_lines(report, {added.pk: {"status": "in_progress", "progress": 10}}, acting_user=n.hn_officer)
    services.submit_report(report, acting_user=n.hn_officer)
    assert access.can(n.ts, "review", FollowUpReport.objects.get(pk=report.pk))


def test_a_line_saved_without_its_narrative_keeps_it(n, p):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, all_lines(p, a="Protocolo en consulta"))
    services.save_lines(report, {p.national_a.pk: {"status": "in_progress", "progress": 55}}, acting_user=n.hn_officer)
    line = report.lines.get(node=p.national_a)
    assert (line.progress, line.narrative) == (55, "Protocolo en consulta")


def test_other_countries_reports_are_known_only_as_submitted_or_not(n, p):
    from plan.queries import report_states

    fill_report(p.plan, 2018, n.mx, n.mx_officer, all_lines(p))
    fill_report(p.plan, 2018, n.gt, n.gt_officer, all_lines(p), submit=True)
    states = report_states(p.plan, 2018, n.hn_officer, [n.gt, n.mx, n.pa])
    assert (states[n.gt.pk].status, states[n.gt.pk].label) == ("submitted", "Submitted")
    assert (states[n.mx.pk].status, states[n.mx.pk].label) == ("missing", "Not submitted")
    assert states[n.mx.pk].report is None
    assert states[n.mx.pk].label == states[n.pa.pk].label


def test_a_year_without_activities_asks_for_no_report(n, p):
    for activity in (p.national_a, p.national_b, p.national_c):
        activity.start_year = 2019
        activity.save()
    from plan.queries import not_submitted, report_states

    states = report_states(p.plan, 2018, n.ts, [n.hn])
    assert (states[n.hn.pk].label, states[n.hn.pk].overdue) == ("Nothing to report", False)
    assert not_submitted(p.plan, 2018, n.ts, [n.hn]) == []
    with pytest.raises(ValidationError, match="nothing to report"):
        services.get_or_start_report(p.plan, 2018, n.hn, acting_user=n.hn_officer)
    assert not FollowUpReport.objects.exists()
