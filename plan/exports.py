"""The annual follow-up of the plan as a DOCX report for the RCGM and as an XLSX workbook, in Spanish or English.

Both read `plan.queries` for the requesting user, as the pages do, so the matrix page, the
report and the workbook show the same values; a missing report is shown as missing ("—" or an
empty number cell), never as 0. Callers set the language (translation.override) before calling,
or pass `lang` and let `follow_up_docx`/`follow_up_xlsx` do it.
"""

import decimal
import io
from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import access
from core.office import landscape, office_text, shade, spreadsheet_text

from . import queries
from .models import FollowUpLine, FollowUpReport, IndicatorValue, LineStatus, ReportStatus, Scope

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "docx": DOCX_TYPE}
MISSING = "—"
FILLS = {
    LineStatus.NOT_STARTED: "EEEEEE",
    LineStatus.IN_PROGRESS: "FCEBC4",
    LineStatus.COMPLETED: "D7EFDD",
    LineStatus.CANCELLED: "F8D7D8",
    LineStatus.NOT_APPLICABLE: "FFFFFF",
}


# ---- what both documents show --------------------------------------------------------------


@dataclass
class FollowUp:
    """Everything of a year's follow-up the reader may see, read once for both documents."""

    plan: object
    year: int
    outline: list
    matrix: object
    regional_activities: list
    reports: dict = field(default_factory=dict)  # country id (None: regional) -> approved FollowUpReport
    lines: dict = field(default_factory=dict)  # country id (None: regional) -> [FollowUpLine] in outline order

    @property
    def countries(self):
        return self.matrix.countries

    def state(self, country_id):
        return self.matrix.states.get(country_id)


def follow_up(plan, year, user):
    """Read a year's follow-up as `user` may see it: the tree, the matrix and the approved reports' lines."""
    nodes = queries.plan_nodes(plan)
    _roots, outline = queries.plan_tree(plan, year, user, nodes=nodes)
    matrix = queries.matrix(plan, year, user, nodes=nodes)
    regional = [item.node for item in outline if item.node.scope == Scope.REGIONAL and item.node.runs_in(year)]
    data = FollowUp(plan=plan, year=year, outline=outline, matrix=matrix, regional_activities=regional)
    approved = access.restrict(
        FollowUpReport.objects.filter(plan=plan, year=year, status=ReportStatus.APPROVED), user, access.VIEW
    )
    data.reports = {report.country_id: report for report in approved}
    lines = (
        FollowUpLine.objects.filter(report_id__in=[report.pk for report in data.reports.values()])
        .select_related("node")
        .prefetch_related("evidence")
        .order_by("node__position", "node_id")
    )
    by_pk = {report.pk: report for report in data.reports.values()}
    for line in lines:
        line.report = by_pk[line.report_id]
        data.lines.setdefault(line.report.country_id, []).append(line)
    return data


def number(value, places=1):
    """A number for reading: whole numbers without decimals, others with `places` (in the reader's locale)."""
    value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-places))
    if value == value.to_integral_value():
        return formats.number_format(int(value))
    return formats.number_format(value, places)


def percent(value):
    """A progress for reading: "40%", "37.5%", or "—" when missing (never 0)."""
    return MISSING if value is None else f"{number(value)}%"


def status_label(status):
    return str(LineStatus(status).label)


def cell_text(cell):
    """A matrix cell as the report shows it: status and progress, or "—" when no approved report has it."""
    if cell is None:
        return MISSING
    status, progress = cell
    if progress is None:
        return status_label(status)
    return f"{status_label(status)} · {percent(progress)}"


def report_label(state):
    """Where a report stands, as the reader may know it ("No report" when none is visible)."""
    if state is None or state.status == "missing":
        return _("No report")
    if state.status not in ReportStatus.values:
        return str(state.label)
    return str(ReportStatus(state.status).label)


def _date(value):
    """A date-time as a date in the document's language (the active one)."""
    return formats.date_format(timezone.localtime(value).date(), "DATE_FORMAT") if value else ""


def _who(country):
    return str(country.name) if country is not None else _("Regional (PPT and TS)")


def filename(plan, year, lang, ext):
    title = slugify(plan.localized("title", lang))[:60] or "plan"
    return f"{title}-{year}-{lang}-{timezone.localdate().isoformat()}.{ext}"


# ---- DOCX ----------------------------------------------------------------------------------


def _table(document, header):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = office_text(str(text))
        for run in cell.paragraphs[0].runs:
            run.bold = True
    return table


def _widths(table, widths):
    """Give the table's columns these widths (python-docx sets them cell by cell)."""
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _row(table, values):
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        cell.text = office_text(str(value))
    return cells


def follow_up_docx(plan, year, user, lang):
    """Return the annual follow-up report (DOCX bytes) for the RCGM, as `user` may see it."""
    from docx import Document
    from docx.shared import Cm, Pt

    with translation.override(lang):
        data = follow_up(plan, year, user)
        document = Document()
        style = document.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(10)
        landscape(document.sections[0])

        # Cover
        document.add_heading(office_text(plan.localized("title", lang)), level=0)
        facts = document.add_paragraph()
        facts.add_run(_("Annual follow-up report %(year)s") % {"year": year}).bold = True
        facts.add_run("\n" + _("Body") + ": ").bold = True
        facts.add_run(office_text(plan.body.localized("name", lang)))
        facts.add_run("\n" + _("Plan period") + ": ").bold = True
        facts.add_run(f"{plan.start_year}–{plan.end_year}")
        facts.add_run("\n" + _("Reports due") + ": ").bold = True
        facts.add_run(plan.due_date(year).isoformat())
        facts.add_run("\n" + _("Produced") + ": ").bold = True
        facts.add_run(timezone.localdate().isoformat())

        # Summary
        document.add_heading(_("Summary"), level=1)
        states = [data.state(country.pk) for country in data.countries]
        counts = {
            "approved": sum(1 for s in states if s and s.status == ReportStatus.APPROVED),
            "submitted": sum(1 for s in states if s and s.status == ReportStatus.SUBMITTED),
        }
        counts["missing"] = len(states) - counts["approved"] - counts["submitted"]
        document.add_paragraph(
            _(
                "Of %(total)s member countries, %(approved)s reports are approved, %(submitted)s are submitted "
                "and awaiting review, and %(missing)s are not submitted yet."
            )
            % {"total": len(states), **counts}
        )
        table = _table(document, [_("Country"), _("Report"), _("Submitted"), _("Approved"), _("Note")])
        for country in [None, *data.countries]:
            state = data.state(getattr(country, "pk", None))
            report = state.report if state else None
            note = ""
            if state and state.overdue:
                note = _("Overdue since %(date)s") % {"date": state.since.isoformat()}
            _row(
                table,
                [
                    _who(country),
                    report_label(state),
                    _date(report.submitted_at) if report else "",
                    _date(report.approved_at) if report else "",
                    note,
                ],
            )

        # The plan tree
        document.add_heading(_("The plan and its progress in %(year)s") % {"year": year}, level=1)
        document.add_paragraph(
            _(
                "Each node's progress is the mean of its children's (weighted when the TS gives weights), "
                "from the approved reports only. A dash means that no approved report counts for it yet."
            )
        ).runs[0].italic = True
        table = _table(document, [_("Code"), _("Node"), _("Scope"), _("Progress")])
        for item in data.outline:
            node = item.node
            cells = _row(
                table,
                [node.code, node.localized("title", lang), node.get_scope_display(), percent(item.percent)],
            )
            cells[1].paragraphs[0].paragraph_format.left_indent = Cm(0.4 * item.depth)
            if not node.scope:
                for cell in cells:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        _widths(table, [2, 17, 3, 3])

        # The matrix
        document.add_heading(_("National activities by country, %(year)s") % {"year": year}, level=1)
        document.add_paragraph(
            _(
                "Each cell gives the status and progress in the country's approved report. "
                "A dash (—) means no approved report for that country: it is missing, not zero."
            )
        ).runs[0].italic = True
        if data.matrix.activities:
            header = [_("Code"), _("Activity"), *[str(c.name) for c in data.countries], _("Average")]
            table = _table(document, header)
            for node, cells, average in data.matrix.rows():
                row = _row(
                    table,
                    [node.code, node.localized("title", lang), *[cell_text(cell) for cell in cells], percent(average)],
                )
                for index, cell in enumerate(cells, start=2):
                    if cell is not None:
                        shade(row[index], FILLS[cell[0]])
            share = max(1.4, 16.4 / (len(data.countries) + 1))
            _widths(table, [1.5, 7, *[share] * len(data.countries), share])
        else:
            document.add_paragraph(_("No national activity runs this year."))

        # Regional activities
        document.add_heading(_("Regional activities"), level=1)
        regional = {line.node_id: line for line in data.lines.get(None, [])}
        report = data.reports.get(None)
        if report is not None:
            document.add_paragraph(
                _("The regional report of the PPT and the TS, approved on %(date)s.")
                % {"date": _date(report.approved_at)}
            )
        else:
            document.add_paragraph(_("The regional report for %(year)s is not approved yet.") % {"year": year})
        if data.regional_activities:
            table = _table(document, [_("Code"), _("Activity"), _("Status"), _("Progress"), _("Narrative")])
            for node in data.regional_activities:
                line = regional.get(node.pk)
                _row(
                    table,
                    [
                        node.code,
                        node.localized("title", lang),
                        status_label(line.status) if line else MISSING,
                        percent(line.progress) if line else MISSING,
                        line.narrative if line else "",
                    ],
                )
            _widths(table, [2, 8, 3, 2, 10])
        else:
            document.add_paragraph(_("No regional activity runs this year."))

        # Country narratives
        document.add_heading(_("Country reports"), level=1)
        for country in data.countries:
            document.add_heading(str(country.name), level=2)
            report = data.reports.get(country.pk)
            if report is None:
                state = data.state(country.pk)
                if state is None or state.status == "missing":
                    document.add_paragraph(_("No report for %(year)s.") % {"year": year})
                else:
                    document.add_paragraph(
                        _("No approved report for %(year)s (%(status)s).")
                        % {"year": year, "status": report_label(state).lower()}
                    )
                continue
            document.add_paragraph(_("Approved on %(date)s.") % {"date": _date(report.approved_at)})
            for line in data.lines.get(country.pk, []):
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(office_text(f"{line.node.code} {line.node.localized('title', lang)}")).bold = True
                paragraph.add_run(f" — {cell_text((line.status, line.progress))}")
                if line.narrative:
                    document.add_paragraph(office_text(line.narrative)).paragraph_format.left_indent = Cm(0.6)
                for evidence in line.evidence.all():
                    text = _("Evidence: %(label)s") % {"label": evidence.label or evidence.link or str(evidence)}
                    if evidence.link and evidence.label:
                        text += f" ({evidence.link})"
                    document.add_paragraph(office_text(text)).paragraph_format.left_indent = Cm(0.6)

        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


# ---- XLSX ----------------------------------------------------------------------------------


def _progress_number(value):
    """A progress as a spreadsheet number (one decimal), or None (an empty cell) when missing."""
    if value is None:
        return None
    value = decimal.Decimal(value).quantize(decimal.Decimal("0.1"))
    return int(value) if value == value.to_integral_value() else float(value)


def follow_up_xlsx(plan, year, user, lang):
    """Return the follow-up workbook (XLSX bytes): matrix (progress, statuses), tree, reports, values, indicators."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    with translation.override(lang):
        data = follow_up(plan, year, user)
        book = Workbook(write_only=True)
        bold = Font(bold=True)
        fills = {status: PatternFill("solid", fgColor=colour) for status, colour in FILLS.items()}

        def cell(sheet, value, **style):
            made = WriteOnlyCell(sheet, value=spreadsheet_text(value))
            for name, setting in style.items():
                setattr(made, name, setting)
            return made

        def header(sheet, values):
            sheet.append([cell(sheet, value, font=bold) for value in values])

        countries = data.countries
        names = [_("Code"), _("Activity"), *[str(c.name) for c in countries], _("Average")]
        codes = ["", "", *[c.code.code for c in countries], ""]

        # Matrix: progress numbers (an empty cell is a missing report or a line that does not apply).
        sheet = book.create_sheet(_("Matrix")[:31])
        sheet.freeze_panes = "C3"
        header(sheet, names)
        header(sheet, codes)
        for node, cells, average in data.matrix.rows():
            sheet.append(
                [
                    node.code,
                    cell(sheet, node.localized("title", lang)),
                    *[_progress_number(c[1]) if c else None for c in cells],
                    _progress_number(average),
                ]
            )

        # Statuses: the same cells, with each status's label ("—" for no approved report).
        sheet = book.create_sheet(_("Statuses")[:31])
        sheet.freeze_panes = "C3"
        header(sheet, names[:-1])
        header(sheet, codes[:-1])
        for node, cells, _average in data.matrix.rows():
            row = [node.code, cell(sheet, node.localized("title", lang))]
            for item in cells:
                if item is None:
                    row.append(MISSING)
                else:
                    row.append(cell(sheet, status_label(item[0]), fill=fills[item[0]]))
            sheet.append(row)

        # Tree: each node's progress for the year.
        sheet = book.create_sheet(_("Tree")[:31])
        sheet.freeze_panes = "A2"
        header(sheet, [_("Code"), _("Parent"), _("Level"), _("Title"), _("Scope"), _("Weight"), _("Progress")])
        codes_by_pk = {item.node.pk: item.node.code for item in data.outline}
        for item in data.outline:
            node = item.node
            sheet.append(
                [
                    node.code,
                    codes_by_pk.get(node.parent_id, ""),
                    item.depth + 1,
                    cell(sheet, node.localized("title", lang)),
                    node.scope,
                    float(node.weight),
                    _progress_number(item.progress),
                ]
            )

        # Reports: where each report of the year stands.
        sheet = book.create_sheet(_("Reports")[:31])
        sheet.freeze_panes = "A2"
        header(sheet, [_("Country"), _("ISO code"), _("Status"), _("Report"), _("Submitted"), _("Approved")])
        for country in [None, *countries]:
            state = data.state(getattr(country, "pk", None))
            report = state.report if state else None
            sheet.append(
                [
                    _who(country),
                    country.code.code if country else "regional",
                    state.status if state else "missing",
                    report_label(state),
                    _date(report.submitted_at) if report else "",
                    _date(report.approved_at) if report else "",
                ]
            )

        # Values: every approved line the reader may see, every year.
        sheet = book.create_sheet(_("Values")[:31])
        sheet.freeze_panes = "A2"
        header(
            sheet,
            [_("Year"), _("Country"), _("Activity code"), _("Activity"), _("Status"), _("Progress"), _("Narrative")],
        )
        approved = access.restrict(
            FollowUpReport.objects.filter(plan=plan, status=ReportStatus.APPROVED), user, access.VIEW
        )
        lines = FollowUpLine.objects.filter(report__in=approved).select_related("node", "report__country")
        lines = sorted(
            lines,
            key=lambda line: (
                line.report.year,
                line.report.country.code.code if line.report.country_id else "",
                line.node.position,
                line.node.pk,
            ),
        )
        for line in lines:
            sheet.append(
                [
                    line.report.year,
                    line.report.country.code.code if line.report.country_id else "regional",
                    line.node.code,
                    cell(sheet, line.node.localized("title", lang)),
                    line.status,
                    line.progress,
                    cell(sheet, line.narrative),
                ]
            )

        # Indicators: every entry, superseded ones included; the last entry of its kind, year and country counts.
        # Who entered a value is shown to network members only.
        members = access.principal_for(user).is_member
        sheet = book.create_sheet(_("Indicators")[:31])
        sheet.freeze_panes = "A2"
        header(
            sheet,
            [
                _("Node"),
                _("Indicator"),
                _("Unit"),
                _("Kind"),
                _("Year"),
                _("Country"),
                _("Value"),
                _("Note"),
                _("Entered by"),
                _("Entered at"),
                _("Current"),
            ],
        )
        values = access.restrict(
            IndicatorValue.objects.filter(indicator__node__plan=plan).select_related(
                "indicator__node", "country", "entered_by__person"
            ),
            user,
            access.VIEW,
        )
        values = sorted(
            values,
            key=lambda v: (
                v.indicator.node.position,
                v.indicator.order,
                v.indicator_id,
                v.kind,
                v.year,
                v.country.code.code if v.country_id else "",
                v.entered_at,
                v.pk,
            ),
        )
        latest = {}
        for value in values:
            latest[(value.indicator_id, value.kind, value.year, value.country_id)] = value.pk
        for value in values:
            current = latest[(value.indicator_id, value.kind, value.year, value.country_id)] == value.pk
            sheet.append(
                [
                    value.indicator.node.code,
                    cell(sheet, value.indicator.localized("name", lang)),
                    cell(sheet, value.indicator.unit),
                    value.kind,
                    value.year,
                    value.country.code.code if value.country_id else "regional",
                    float(value.value),
                    cell(sheet, value.note),
                    cell(sheet, value.entered_by.get_full_name() if value.entered_by_id and members else ""),
                    timezone.localtime(value.entered_at).replace(tzinfo=None),
                    _("yes") if current else "",
                ]
            )

        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


FORMATS = {"docx": follow_up_docx, "xlsx": follow_up_xlsx}
