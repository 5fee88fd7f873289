"""The annual follow-up of the plan as a DOCX report for the RCGM (PDF too) and as an XLSX workbook.

Both read `plan.queries` for the requesting user, as the pages do, so the matrix page, the
report and the workbook show the same values; a missing report is shown as missing ("—" or an
empty number cell), never as 0. Only approved reports count, unless the TS asks for a working
copy (`working=True`): then every report counts, each unapproved one says its status in words,
and every page carries the draft mark. Each document is in one language (`lang`): statuses,
scopes and kinds by their labels, countries by their names, dates in the language's format (real
dates in the workbook).
"""

import decimal
from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import access, documents
from core.office import Workbook, office_text, shade

from . import queries
from .models import FollowUpLine, FollowUpReport, IndicatorValue, LineStatus, ReportStatus, Scope

XLSX_TYPE = documents.XLSX_TYPE
DOCX_TYPE = documents.DOCX_TYPE
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
    working: bool = False
    reports: dict = field(default_factory=dict)  # country id (None: regional) -> the FollowUpReport that counts
    lines: dict = field(default_factory=dict)  # country id (None: regional) -> [FollowUpLine] in outline order

    @property
    def countries(self):
        return self.matrix.countries

    def state(self, country_id):
        return self.matrix.states.get(country_id)

    def unapproved(self, country_id):
        """The status, in words, of a country's report that counts without being approved (working copy)."""
        report = self.reports.get(country_id)
        if report is None or report.status == ReportStatus.APPROVED:
            return ""
        return documents.unapproved(report.get_status_display())


def follow_up(plan, year, user, *, working=False):
    """Read a year's follow-up as `user` may see it: the tree, the matrix and the approved reports' lines."""
    statuses = queries.EVERY_REPORT if working else queries.APPROVED_ONLY
    nodes = queries.plan_nodes(plan)
    _roots, outline = queries.plan_tree(plan, year, user, nodes=nodes, statuses=statuses)
    matrix = queries.matrix(plan, year, user, nodes=nodes, statuses=statuses)
    regional = [item.node for item in outline if item.node.scope == Scope.REGIONAL and item.node.runs_in(year)]
    data = FollowUp(plan=plan, year=year, outline=outline, matrix=matrix, regional_activities=regional, working=working)
    counted = access.restrict(
        FollowUpReport.objects.filter(plan=plan, year=year, status__in=statuses), user, access.VIEW
    )
    data.reports = {report.country_id: report for report in counted}
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
    """A date or date-time as a date in the document's language (the active one)."""
    return documents.date_text(value)


def _who(country):
    return str(country.name) if country is not None else _("Regional (PPT and TS)")


def filename(plan, year, lang, ext, *, working=False):
    title = slugify(plan.localized("title", lang))[:60] or "plan"
    name = f"{title}-{year}-{lang}-{timezone.localdate().isoformat()}.{ext}"
    return documents.draft_filename(name, lang) if working else name


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


def follow_up_docx(plan, year, user, lang, *, working=False):
    """Return the annual follow-up report (DOCX bytes) for the RCGM, as `user` may see it."""
    from docx.shared import Cm, Pt

    wording = documents.Wording(lang)
    with translation.override(lang):
        data = follow_up(plan, year, user, working=working)
        title, title_mark = wording.parts(plan, "title")
        body = plan.body.localized("name", lang)
        document = documents.official_docx(
            lang=lang,
            title=office_text(title),
            header_name=office_text(body),
            author=office_text(body),
            draft=working,
            landscape=True,
            subject=_("Annual follow-up report %(year)s") % {"year": year},
        )
        document.styles["Normal"].font.size = Pt(10)

        # Cover
        documents.marked_run(document.add_heading(level=0), office_text(title), title_mark, lang)
        facts = document.add_paragraph()
        facts.add_run(_("Annual follow-up report %(year)s") % {"year": year}).bold = True
        facts.add_run("\n" + _("Body") + ": ").bold = True
        facts.add_run(office_text(body))
        facts.add_run("\n" + _("Plan period") + ": ").bold = True
        facts.add_run(f"{plan.start_year}–{plan.end_year}")
        facts.add_run("\n" + _("Reports due") + ": ").bold = True
        facts.add_run(_date(plan.due_date(year)))
        facts.add_run("\n" + _("Produced") + ": ").bold = True
        facts.add_run(_date(timezone.localdate()))

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
                note = _("Overdue since %(date)s") % {"date": _date(state.since)}
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
        if working:
            explanation = _(
                "Each node's progress is the mean of its children's (weighted when the TS gives weights). "
                "In this working copy it counts every report, approved or not."
            )
        else:
            explanation = _(
                "Each node's progress is the mean of its children's (weighted when the TS gives weights), "
                "from the approved reports only. A dash means that no approved report counts for it yet."
            )
        document.add_paragraph(explanation).runs[0].italic = True
        table = _table(document, [_("Code"), _("Node"), _("Scope"), _("Progress")])
        for item in data.outline:
            node = item.node
            node_title = wording.text(node, "title")
            cells = _row(table, [node.code, node_title, node.get_scope_display(), percent(item.percent)])
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
            countries = [f"{c.name} {data.unapproved(c.pk)}".strip() for c in data.countries]
            table = _table(document, [_("Code"), _("Activity"), *countries, _("Average")])
            for node, cells, average in data.matrix.rows():
                row = _row(
                    table,
                    [node.code, wording.text(node, "title"), *[cell_text(cell) for cell in cells], percent(average)],
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
        if report is not None and report.status == ReportStatus.APPROVED:
            document.add_paragraph(
                _("The regional report of the PPT and the TS, approved on %(date)s.")
                % {"date": _date(report.approved_at)}
            )
        else:
            paragraph = document.add_paragraph(
                _("The regional report for %(year)s is not approved yet.") % {"year": year}
            )
            if report is not None:
                documents.unapproved_run(paragraph, report.get_status_display())
        if data.regional_activities:
            table = _table(document, [_("Code"), _("Activity"), _("Status"), _("Progress"), _("Narrative")])
            for node in data.regional_activities:
                line = regional.get(node.pk)
                _row(
                    table,
                    [
                        node.code,
                        wording.text(node, "title"),
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
            heading = document.add_heading(str(country.name), level=2)
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
            if report.status == ReportStatus.APPROVED:
                document.add_paragraph(_("Approved on %(date)s.") % {"date": _date(report.approved_at)})
            else:
                documents.unapproved_run(heading, report.get_status_display())
            for line in data.lines.get(country.pk, []):
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(office_text(f"{line.node.code} {wording.text(line.node, 'title')}")).bold = True
                paragraph.add_run(f" — {cell_text((line.status, line.progress))}")
                if line.narrative:
                    document.add_paragraph(office_text(line.narrative)).paragraph_format.left_indent = Cm(0.6)
                for evidence in line.evidence.all():
                    text = _("Evidence: %(label)s") % {"label": evidence.label or evidence.link or str(evidence)}
                    if evidence.link and evidence.label:
                        text += f" ({evidence.link})"
                    document.add_paragraph(office_text(text)).paragraph_format.left_indent = Cm(0.6)

        return documents.docx_bytes(document, wording)


# ---- XLSX ----------------------------------------------------------------------------------


def _progress_number(value):
    """A progress as a spreadsheet number (one decimal), or None (an empty cell) when missing."""
    if value is None:
        return None
    value = decimal.Decimal(value).quantize(decimal.Decimal("0.1"))
    return int(value) if value == value.to_integral_value() else float(value)


def follow_up_xlsx(plan, year, user, lang, *, working=False):
    """Return the follow-up workbook (XLSX bytes): matrix (progress, statuses), tree, reports, values, indicators."""
    from openpyxl.styles import PatternFill

    wording = documents.Wording(lang)
    with translation.override(lang):
        data = follow_up(plan, year, user, working=working)
        book = Workbook(lang, draft=working)
        fills = {status: PatternFill("solid", fgColor=colour) for status, colour in FILLS.items()}
        top = book.first_row  # the row headers start on
        countries = data.countries
        names = [_("Code"), _("Activity"), *[f"{c.name} {data.unapproved(c.pk)}".strip() for c in countries]]
        names.append(_("Average"))
        codes = ["", "", *[c.code.code for c in countries], ""]
        widths = [10, 50, *([16] * len(countries)), 12]

        # Matrix: progress numbers (an empty cell is a missing report or a line that does not apply).
        sheet = book.sheet(_("Matrix"), widths, freeze=f"C{top + 2}")
        sheet.header(names)
        sheet.header(codes)
        for node, cells, average in data.matrix.rows():
            sheet.row(
                [
                    node.code,
                    wording.text(node, "title"),
                    *[_progress_number(c[1]) if c else None for c in cells],
                    _progress_number(average),
                ]
            )

        # Statuses: the same cells, with each status's label ("—" for no approved report).
        sheet = book.sheet(_("Statuses"), widths[:-1], freeze=f"C{top + 2}")
        sheet.header(names[:-1])
        sheet.header(codes[:-1])
        for node, cells, _average in data.matrix.rows():
            row = [node.code, wording.text(node, "title")]
            for item in cells:
                if item is None:
                    row.append(MISSING)
                else:
                    row.append(sheet.cell(status_label(item[0]), fill=fills[item[0]]))
            sheet.row(row)

        # Tree: each node's progress for the year.
        sheet = book.sheet(_("Tree"), [10, 10, 8, 60, 14, 10, 12], freeze=f"A{top + 1}")
        sheet.header([_("Code"), _("Parent"), _("Level"), _("Title"), _("Scope"), _("Weight"), _("Progress")])
        codes_by_pk = {item.node.pk: item.node.code for item in data.outline}
        for item in data.outline:
            node = item.node
            sheet.row(
                [
                    node.code,
                    codes_by_pk.get(node.parent_id, ""),
                    item.depth + 1,
                    wording.text(node, "title"),
                    node.get_scope_display(),
                    float(node.weight),
                    _progress_number(item.progress),
                ]
            )

        # Reports: where each report of the year stands.
        sheet = book.sheet(_("Reports"), [30, 10, 30, 14, 14], freeze=f"A{top + 1}")
        sheet.header([_("Country"), _("ISO code"), _("Report"), _("Submitted"), _("Approved")])
        for country in [None, *countries]:
            state = data.state(getattr(country, "pk", None))
            report = state.report if state else None
            sheet.row(
                [
                    _who(country),
                    country.code.code if country else "",
                    report_label(state),
                    sheet.date(report.submitted_at if report else None),
                    sheet.date(report.approved_at if report else None),
                ]
            )

        # Values: every line the reader may see of the reports that count, every year.
        sheet = book.sheet(_("Values"), [8, 30, 12, 50, 16, 10, 60], freeze=f"A{top + 1}")
        sheet.header(
            [_("Year"), _("Country"), _("Activity code"), _("Activity"), _("Status"), _("Progress"), _("Narrative")],
        )
        statuses = queries.EVERY_REPORT if working else queries.APPROVED_ONLY
        counted = access.restrict(FollowUpReport.objects.filter(plan=plan, status__in=statuses), user, access.VIEW)
        lines = FollowUpLine.objects.filter(report__in=counted).select_related("node", "report__country")
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
            who = _who(line.report.country)
            if line.report.status != ReportStatus.APPROVED:
                who = f"{who} {documents.unapproved(line.report.get_status_display())}"
            sheet.row(
                [
                    line.report.year,
                    who,
                    line.node.code,
                    wording.text(line.node, "title"),
                    status_label(line.status),
                    line.progress,
                    line.narrative,
                ]
            )

        # Indicators: every entry, superseded ones included; the last entry of its kind, year and country counts.
        # Who entered a value is shown to network members only.
        members = access.sees_members_only(user)
        sheet = book.sheet(_("Indicators"), [10, 40, 12, 10, 8, 30, 12, 40, 24, 18, 10], freeze=f"A{top + 1}")
        sheet.header(
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
            sheet.row(
                [
                    value.indicator.node.code,
                    wording.text(value.indicator, "name"),
                    value.indicator.unit,
                    value.get_kind_display(),
                    value.year,
                    _who(value.country),
                    float(value.value),
                    value.note,
                    value.entered_by.get_full_name() if value.entered_by_id and members else "",
                    value.entered_at,
                    _("yes") if current else "",
                ]
            )
        if wording.untranslated:
            sheet = book.sheet(_("Notes"), [100])
            sheet.row([wording.closing_note()])
        return book.content()


def follow_up_pdf(plan, year, user, lang, *, working=False):
    """The DOCX report's bytes; the view converts them to PDF."""
    return follow_up_docx(plan, year, user, lang, working=working)


FORMATS = {"docx": follow_up_docx, "xlsx": follow_up_xlsx, "pdf": follow_up_pdf}
