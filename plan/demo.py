"""Demo Strategic Plan 2017–2022 of the child-protection network (idempotent), with two years of follow-up.

The five axes are the plan's real ones; the objectives, activities, indicators and every figure
are invented for the demonstration and marked as demo. The follow-up is written through
plan.services acting as the demo users, so the audit trail and the review steps are right:

- 2018: Honduras, Guatemala, Panama and Costa Rica approved; El Salvador returned once, then
  approved; Mexico approved, reopened by the TS for corrected figures and approved again; the
  regional report approved. Belize, Canada, the Dominican Republic, Nicaragua and the United
  States did not report.
- 2019: Mexico and Panama approved; Honduras submitted (waiting for the TS); Guatemala returned
  with comments; Costa Rica a draft; El Salvador missing; the regional report a draft of the PPT.

Countries without a demo account (Mexico, Costa Rica, El Salvador) sent their figures to the TS,
which entered them on their behalf.
"""

import datetime
import json
import random
from pathlib import Path

from django.db.models import Q

from accounts.models import User
from core.audit import acting_as
from network.models import Body, Country, Organization

from . import services
from .models import (
    FollowUpLine,
    FollowUpReport,
    Indicator,
    LineStatus,
    Node,
    Plan,
    ReportEvent,
    ReportStatus,
    Responsible,
    Scope,
    ValueKind,
    reindex_outline,
)

TITLE_ES = "Plan Estratégico 2017–2022"
TITLE_EN = "Strategic Plan 2017–2022"
DESCRIPTION_ES = (
    "Plan Estratégico de la Red de Funcionarios de Enlace para la Protección de Niñas, Niños y Adolescentes "
    "Migrantes. La PPT y la ST dan el seguimiento anual de las acciones de carácter regional y cada país "
    "monitorea las de carácter nacional.\n\n"
    "Demostración: los ejes son los del plan; los objetivos, actividades, indicadores y cifras son ficticios."
)
DESCRIPTION_EN = (
    "Strategic Plan of the Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents. "
    "The PPT and the TS provide the annual follow-up of the regional actions and each country monitors its "
    "national actions.\n\n"
    "Demonstration: the axes are the plan's; the objectives, activities, indicators and figures are invented."
)


# The plan's tree, as data (plan/data/demo_tree.json). Axis: [code, es, en, approaches, [objective]];
# objective: [code, es, en, [activity]]; activity: [code, scope, es, en, options] with options start,
# end, priority, weight, approaches, org.
TREE = json.loads((Path(__file__).resolve().parent / "data" / "demo_tree.json").read_text(encoding="utf-8"))

# Indicators: (node code, es, en, unit, baseline value, baseline year, targets {year: value} (the
# last entry counts: a list is entered in order), actual values [(year, country or None, value)]).
INDICATORS = [
    (
        "1.1.1",
        "Campañas de información realizadas en comunidades de origen",
        "Information campaigns carried out in communities of origin",
        "campañas / campaigns",
        3,
        2016,
        {2018: [8], 2019: [12]},
        [(2018, "HN", 2), (2018, "GT", 3), (2018, None, 9), (2019, "HN", 4)],
    ),
    (
        "3.1.1",
        "Centros de recepción que cumplen los estándares de protección",
        "Reception centres that meet the protection standards",
        "%",
        35,
        2017,
        {2018: [50], 2019: [65]},
        [(2018, "HN", 40), (2018, "MX", 55), (2019, None, 58)],
    ),
    (
        "4.1.1",
        "Niñez retornada con plan individual de reintegración",
        "Returned children with an individual reintegration plan",
        "%",
        20,
        2017,
        {2018: [35], 2019: [50]},
        [(2018, "HN", 30), (2018, "GT", 25), (2019, "HN", 42)],
    ),
    (
        "5",
        "Intercambios técnicos entre países",
        "Technical exchanges between countries",
        "intercambios / exchanges",
        0,
        2017,
        {2018: [3], 2019: [4, 5]},  # the 2019 target was raised: both entries are kept
        [(2018, None, 2), (2019, None, 4)],
    ),
]

OFFICERS = {
    "HN": "honduras@enlace.example",
    "GT": "guatemala@enlace.example",
    "PA": "panama@enlace.example",
    "MX": "mexico@enlace.example",
    "CR": "costarica@enlace.example",
    "SV": "elsalvador@enlace.example",
}
# Mostly countries of origin and return: integration in destination does not apply to them.
ORIGIN_ONLY = {"GT", "HN", "SV"}
DESTINATION_ONLY = {"4.2.1", "4.2.2"}

NARRATIVES = {
    LineStatus.COMPLETED: "Concluida; el informe final se remitió a la ST. (Dato de demostración.)",
    LineStatus.IN_PROGRESS: "En ejecución con la institución rectora y apoyo de cooperación. (Dato de demostración.)",
    LineStatus.NOT_STARTED: "Pendiente de asignación presupuestaria. (Dato de demostración.)",
    LineStatus.NOT_APPLICABLE: "No aplica: el país es sobre todo de origen y retorno. (Dato de demostración.)",
    LineStatus.CANCELLED: "Reprogramada por cambios institucionales. (Dato de demostración.)",
}


def _user(email):
    return User.objects.filter(email=email, is_active=True).first()


def load(stdout):
    ts = _user("ts@enlace.example")
    body = Body.objects.filter(slug="child-protection").first()
    if ts is None or body is None:
        stdout.write("Demo plan skipped: load the demo network first.")
        return
    if Plan.objects.filter(is_demo=True, body=body, title_es=TITLE_ES).exists():
        stdout.write("Demo plan already loaded.")
        return
    plan, nodes = _build_plan(body, ts)
    countries = {c.code.code: c for c in Country.objects.filter(code__in=list(OFFICERS))}
    _indicators(plan, nodes, countries, ts)
    reports = _follow_up(plan, nodes, countries, ts)
    _date_the_steps(reports)
    stdout.write(
        f"Demo plan loaded: “{TITLE_EN}” with {len(nodes)} nodes and {len(reports)} follow-up reports (2018, 2019)."
    )


def _priority_agreement():
    """The agreement that called the extraordinary meeting on the priority activities (meetings demo), if any."""
    from meetings.models import Agreement

    found = Agreement.objects.filter(
        Q(text_en__icontains="priority activities") | Q(text_es__icontains="actividades prioritarias"),
        version__meeting__is_demo=True,
    )
    return found.order_by("-pk").first()


def _build_plan(body, ts):
    organizations = {
        key: Organization.objects.filter(Q(acronym_en=key) | Q(name_en=key), parent__isnull=True).first()
        for key in ("UNICEF", "IOM", "ChildFund")
    }
    agreement = _priority_agreement()
    nodes = {}
    with acting_as(ts):
        plan = Plan(
            body=body,
            title_es=TITLE_ES,
            title_en=TITLE_EN,
            description_es=DESCRIPTION_ES,
            description_en=DESCRIPTION_EN,
            start_year=2017,
            end_year=2022,
            visibility="members",
            is_demo=True,
        )
        plan.full_clean()
        plan.save()

        def add(code, parent, order, title_es, title_en, **fields):
            node = Node(
                plan=plan,
                parent=parent,
                code=code,
                order=order,
                title_es=title_es,
                title_en=title_en,
                is_demo=True,
                **fields,
            )
            node.full_clean()
            node.save(reindex=False)
            nodes[code] = node
            return node

        for a, (axis_code, axis_es, axis_en, approaches, objectives) in enumerate(TREE, 1):
            axis = add(axis_code, None, a, axis_es, axis_en, approaches=approaches)
            for o, (objective_code, objective_es, objective_en, activities) in enumerate(objectives, 1):
                objective = add(objective_code, axis, o, objective_es, objective_en, approaches=approaches)
                for i, (code, scope, title_es, title_en, options) in enumerate(activities, 1):
                    organization = organizations.get(options.get("org"))
                    if organization is not None:
                        responsible = Responsible.ORGANIZATION
                    else:
                        responsible = Responsible.PPT_TS if scope == Scope.REGIONAL else Responsible.COUNTRIES
                    priority = options.get("priority", False)
                    add(
                        code,
                        objective,
                        i,
                        title_es,
                        title_en,
                        scope=scope,
                        responsible=responsible,
                        responsible_organization=organization,
                        start_year=options.get("start", 2018),
                        end_year=options.get("end", 2022),
                        priority=priority,
                        priority_agreement=agreement if priority else None,
                        weight=options.get("weight", 1),
                        approaches=options.get("approaches", []),
                        description_es="Actividad de demostración.",
                        description_en="Demonstration activity.",
                    )
        reindex_outline(plan.pk)
    return plan, nodes


def _indicators(plan, nodes, countries, ts):
    for order, (code, name_es, name_en, unit, baseline, baseline_year, targets, actuals) in enumerate(INDICATORS):
        with acting_as(ts):
            indicator = Indicator(
                node=nodes[code],
                order=order,
                name_es=name_es,
                name_en=name_en,
                unit=unit,
                baseline_value=baseline,
                baseline_year=baseline_year,
                is_demo=True,
            )
            indicator.full_clean()
            indicator.save()
        for year, values in targets.items():
            for value in values:
                services.add_indicator_value(indicator, acting_user=ts, kind=ValueKind.TARGET, year=year, value=value)
        for year, code_, value in actuals:
            country = countries.get(code_) if code_ else None
            if code_ and country is None:
                continue
            officer = (_user(OFFICERS[code_]) if code_ else None) or ts
            services.add_indicator_value(
                indicator, acting_user=officer, kind=ValueKind.ACTUAL, year=year, value=value, country=country
            )


def _line_values(report, lines, year):
    """Plausible, repeatable values for a report's lines: each country moves a little each year."""
    entries = {}
    who = report.country.code.code if report.country_id else "regional"
    for line in lines:
        code = line.node.code
        rnd = random.Random(f"{who}-{code}")  # noqa: S311 - demo figures, not security
        base = rnd.choice([0, 10, 20, 25, 30, 40, 50, 60])
        gain = rnd.choice([10, 15, 20, 30, 40])
        progress = min(100, base + gain * (year - 2018))
        if who in ORIGIN_ONLY and code in DESTINATION_ONLY:
            status = LineStatus.NOT_APPLICABLE
        elif rnd.random() < 0.04:
            status = LineStatus.CANCELLED
        elif progress >= 100:
            status = LineStatus.COMPLETED
        elif progress == 0:
            status = LineStatus.NOT_STARTED
        else:
            status = LineStatus.IN_PROGRESS
        value = None if status == LineStatus.NOT_APPLICABLE else progress
        entries[line.node_id] = {"status": status, "progress": value, "narrative": NARRATIVES[status]}
    return entries


def _fill(plan, year, country, user, *, submit=True):
    report = services.get_or_start_report(plan, year, country, acting_user=user, is_demo=True)
    lines = list(report.lines.select_related("node"))
    services.save_lines(report, _line_values(report, lines, year), acting_user=user)
    if submit:
        services.submit_report(report, acting_user=user)
    return report


def _follow_up(plan, nodes, countries, ts):
    def officer(code):
        return _user(OFFICERS[code]) or ts

    ppt = _user("panama@enlace.example") or ts
    reports = []

    # ---- 2018 -------------------------------------------------------------------------------
    for code in ("HN", "GT", "PA", "CR"):
        if code in countries:
            report = _fill(plan, 2018, countries[code], officer(code), submit=False)
            if code == "HN":
                line = report.lines.get(node=nodes["2.1.1"])
                services.add_evidence(
                    line,
                    acting_user=officer(code),
                    link="https://example.org/demo/hn-notificacion",
                    label="Acta (demo)",
                )
            services.submit_report(report, acting_user=officer(code))
            services.approve_report(report, acting_user=ts)
            reports.append(report)
    if "SV" in countries:
        report = _fill(plan, 2018, countries["SV"], officer("SV"))
        services.return_report(
            report,
            acting_user=ts,
            comment="Por favor adjunten la evidencia del protocolo de notificación consular (2.1.1).",
        )
        line = report.lines.get(node=nodes["2.1.1"])
        services.add_evidence(
            line, acting_user=officer("SV"), link="https://example.org/demo/sv-protocolo", label="Protocolo (demo)"
        )
        services.submit_report(report, acting_user=officer("SV"))
        services.approve_report(report, acting_user=ts, comment="Gracias.")
        reports.append(report)
    if "MX" in countries:
        report = _fill(plan, 2018, countries["MX"], officer("MX"))
        services.approve_report(report, acting_user=ts)
        services.reopen_report(report, acting_user=ts, reason="México envió cifras corregidas de 3.1.1.")
        services.save_lines(
            report,
            {
                nodes["3.1.1"].pk: {
                    "status": LineStatus.IN_PROGRESS,
                    "progress": 55,
                    "narrative": NARRATIVES["in_progress"],
                }
            },
            acting_user=officer("MX"),
        )
        services.submit_report(report, acting_user=officer("MX"))
        services.approve_report(report, acting_user=ts)
        reports.append(report)
    report = _fill(plan, 2018, None, ts)
    services.approve_report(report, acting_user=ts)
    reports.append(report)

    # ---- 2019 -------------------------------------------------------------------------------
    for code in ("MX", "PA"):
        if code in countries:
            report = _fill(plan, 2019, countries[code], officer(code))
            services.approve_report(report, acting_user=ts)
            reports.append(report)
    if "HN" in countries:
        reports.append(_fill(plan, 2019, countries["HN"], officer("HN")))
    if "GT" in countries:
        report = _fill(plan, 2019, countries["GT"], officer("GT"))
        services.return_report(
            report,
            acting_user=ts,
            comment=(
                "Revisen el avance de 4.1.1: el indicador de planes de reintegración no coincide con lo "
                "reportado. Indiquen también por qué 3.1.2 no avanzó."
            ),
        )
        reports.append(report)
    if "CR" in countries:
        reports.append(_fill(plan, 2019, countries["CR"], officer("CR"), submit=False))
    reports.append(_fill(plan, 2019, None, ppt, submit=False))
    return reports


def _date_the_steps(reports):
    """Date the review steps in the months after each year, as they happened (not today)."""
    for report in reports:
        start = datetime.datetime(report.year + 1, 2, 1, 15, tzinfo=datetime.UTC)
        start += datetime.timedelta(days=3 * (report.country_id or 0) % 20)
        FollowUpReport.objects.filter(pk=report.pk).update(created_at=start, updated_at=start)
        FollowUpLine.objects.filter(report=report).update(updated_at=start + datetime.timedelta(days=5))
        submitted = approved = None
        for step, event in enumerate(ReportEvent.objects.filter(report=report).order_by("at", "pk"), 1):
            at = start + datetime.timedelta(days=12 * step)
            ReportEvent.objects.filter(pk=event.pk).update(at=at)
            if event.action == "submitted":
                submitted = at
            elif event.action == "approved":
                approved = at
            elif event.action == "reopened":
                approved = None
        current = FollowUpReport.objects.get(pk=report.pk)
        FollowUpReport.objects.filter(pk=report.pk).update(
            submitted_at=submitted if current.status != ReportStatus.DRAFT else None,
            approved_at=approved if current.status == ReportStatus.APPROVED else None,
            updated_at=max(filter(None, [start, submitted, approved])),
        )
