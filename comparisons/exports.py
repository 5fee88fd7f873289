"""The matrix as XLSX and as a DOCX report (PDF too), in Spanish or English.

Both read `queries.matrix` for the requesting user, as the page does, but keep only the validated
columns: what the countries answered and the lead validated. The TS may ask for a working copy
(`working=True`) that adds the other columns, each marked with its status in words, with the draft
mark on every page. Callers set the language (translation.override) before calling.
"""

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.shared import Pt, RGBColor
from openpyxl.styles import Alignment, Font, PatternFill

from core import documents
from core.office import Workbook, shade
from network import queries as network_queries

from . import queries
from .models import AnswerType, ColumnStatus

XLSX_TYPE = documents.XLSX_TYPE
DOCX_TYPE = documents.DOCX_TYPE
FILLS = {"yes": "D7EFDD", "partly": "FCEBC4", "no": "F8D7D8"}
SYMBOLS = {"yes": "✓", "partly": "◐", "no": "✗"}


def _filename(round_, lang, ext, working=False):
    title = slugify(round_.analysis.localized("title", lang))[:60] or "analysis"
    name = f"{title}-{round_.number}-{lang}-{timezone.localdate().isoformat()}.{ext}"
    return documents.draft_filename(name, lang) if working else name


def cell_text(answer):
    """The text of a matrix cell, the same on the page, in the XLSX and in the DOCX."""
    if answer is None:
        return "—"
    return answer.display()


def _question_label(question):
    return f"{question.number} {question}"


def column_name(column):
    """A column's country in the document's language; an unvalidated one (working copy) says its status."""
    name = str(column.country.name)
    if column.status != ColumnStatus.VALIDATED:
        name = f"{name} {documents.unapproved(column.get_status_display())}"
    return name


def _answer_value(answer):
    """An answer as a spreadsheet value: a real number or date where the question asks for one."""
    kind = answer.question.answer_type
    if kind == AnswerType.NUMBER and answer.number is not None:
        return float(answer.number)
    if kind == AnswerType.DATE and answer.date is not None:
        return answer.date
    return cell_text(answer)


def xlsx_content(user, round_, lang, *, working=False):
    """The matrix sheet (questions × countries, coloured with the answer's word) and the answers with their basis."""
    data = queries.matrix(user, round_, only_validated=not working)
    analysis = round_.analysis
    book = Workbook(lang, draft=working)
    wrap = Alignment(wrap_text=True, vertical="top")
    fills = {tone: PatternFill("solid", fgColor=colour) for tone, colour in FILLS.items()}

    sheet = book.sheet(_("Matrix"), [6, 60, *([22] * len(data.columns))], freeze=f"C{book.first_row + 4}")
    sheet.row([analysis.localized("title", lang)], font=Font(bold=True, size=13))
    lead = analysis.lead_organization.short_name
    sheet.row([f"{round_} · {_('Lead organization')}: {lead}"])
    sheet.row()
    header = [_("No."), _("Question")] + [column_name(column) for column in data.columns]
    sheet.row(header, font=Font(bold=True), alignment=wrap)
    for block in data.blocks:
        sheet.row([None, sheet.cell(str(block.section), font=Font(bold=True, italic=True))])
        for row in block.rows:
            cells = [row.question.number, sheet.cell(str(row.question), alignment=wrap)]
            for _column, answer in row.cells:
                style = {"alignment": wrap}
                if answer is not None and answer.tone:
                    style["fill"] = fills[answer.tone]
                cells.append(sheet.cell(cell_text(answer), **style))
            sheet.row(cells)

    detail = book.sheet(
        _("Answers and basis"), [6, 24, 50, 18, 24, 30, 16, 30, 40, 14, 14], freeze=f"A{book.first_row + 1}"
    )
    detail.header(
        [
            _("No."),
            _("Section"),
            _("Question"),
            _("Country"),
            _("Answer"),
            _("Legal or procedural instrument"),
            _("Article or section"),
            _("Link to the instrument"),
            _("Note"),
            _("Last confirmed"),
            _("Carried over, not confirmed"),
        ]
    )
    for block in data.blocks:
        for row in block.rows:
            for column, answer in row.cells:
                if answer is None:
                    continue
                detail.row(
                    [
                        row.question.number,
                        str(block.section),
                        str(row.question),
                        column_name(column),
                        _answer_value(answer),
                        answer.basis_instrument,
                        answer.basis_article,
                        answer.basis_url,
                        answer.note,
                        detail.date(answer.confirmed_at),
                        _("yes") if answer.carried_over else "",
                    ]
                )
    return book.content()


def xlsx_response(user, round_, lang, *, working=False):
    content = xlsx_content(user, round_, lang, working=working)
    return documents.attachment(content, _filename(round_, lang, "xlsx", working))


def _countries(cells):
    return ", ".join(column_name(column) for column, _answer in cells)


def docx_content(user, round_, lang, *, working=False):
    """The report: introduction, the matrix by section and the narrative, in the official layout."""
    data, narrative = queries.narrative(user, round_, only_validated=not working)
    analysis = round_.analysis
    wording = documents.Wording(lang)
    title, title_mark = wording.parts(analysis, "title")
    document = documents.official_docx(
        lang=lang,
        title=title,
        header_name=network_queries.network_name(lang),
        draft=working,
        landscape=True,
        subject=_("Comparative analysis"),
    )
    document.styles["Normal"].font.size = Pt(10)

    heading = document.add_heading(level=0)
    documents.marked_run(heading, title, title_mark, lang)
    facts = document.add_paragraph()
    facts.add_run(_("Lead organization") + ": ").bold = True
    facts.add_run(str(analysis.lead_organization))
    facts.add_run("\n" + _("Round") + ": ").bold = True
    facts.add_run(str(round_))
    facts.add_run("\n" + _("Countries shown") + ": ").bold = True
    facts.add_run(", ".join(column_name(column) for column in data.columns) or "—")
    facts.add_run("\n" + _("Produced") + ": ").bold = True
    facts.add_run(documents.date_text(timezone.localdate()))
    if not working:
        facts.add_run("\n" + _("Only the validated answers of each country are shown.")).italic = True

    document.add_heading(_("Introduction"), level=1)
    introduction, mark = wording.parts(analysis, "introduction")
    blocks = [block.strip() for block in (introduction or "").split("\n\n") if block.strip()]
    for index, block in enumerate(blocks):
        documents.marked_run(document.add_paragraph(), block, mark if index == len(blocks) - 1 else "", lang)
    note = document.add_paragraph()
    note.add_run(
        _(
            "The matrix shows each country's answer to each question: ✓ yes, ◐ partly, ✗ no. "
            "A dash means no answer. The narrative lists, by section, what the countries agree on and their gaps."
        )
    ).italic = True

    document.add_heading(_("The matrix"), level=1)
    for block in data.blocks:
        document.add_heading(str(block.section), level=2)
        table = document.add_table(rows=1, cols=1 + len(data.columns))
        table.style = "Table Grid"
        header = table.rows[0].cells
        header[0].text = _("Question")
        for index, column in enumerate(data.columns, start=1):
            header[index].text = column_name(column)
        for cell in header:
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in block.rows:
            cells = table.add_row().cells
            cells[0].text = _question_label(row.question)
            for index, (_column, answer) in enumerate(row.cells, start=1):
                cells[index].text = cell_text(answer)
                if answer is not None and answer.tone:
                    shade(cells[index], FILLS[answer.tone])

    document.add_heading(_("Narrative by section"), level=1)
    for item in narrative:
        document.add_heading(str(item["section"]), level=2)
        document.add_heading(pgettext("an analysis's matching answers", "Agreements"), level=3)
        if item["agreements"]:
            for row in item["agreements"]:
                document.add_paragraph(
                    _("%(question)s — every country answering (%(count)s) says: %(answer)s.")
                    % {"question": _question_label(row.question), "count": len(row.answered), "answer": row.agreement},
                    style="List Bullet",
                )
        else:
            document.add_paragraph(_("No question on which every answering country agrees."))
        document.add_heading(_("Gaps"), level=3)
        if item["gaps"]:
            for row in item["gaps"]:
                by_value = {}
                # The plain gaps ("no", or "yes" when asked the other way round) before the partial ones.
                for column, answer in sorted(row.gaps, key=lambda cell: cell[1].tone == "partly"):
                    by_value.setdefault(answer.display(), []).append((column, answer))
                parts = [f"{value}: {_countries(cells)}" for value, cells in by_value.items()]
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(_question_label(row.question) + " — ")
                run = paragraph.add_run("; ".join(parts))
                run.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)
        else:
            document.add_paragraph(_("No gap reported in this section."))
        if item["differences"]:
            document.add_heading(_("Where countries differ"), level=3)
            for row in item["differences"]:
                document.add_paragraph(_question_label(row.question), style="List Bullet")
    return documents.docx_bytes(document, wording)


def docx_response(user, round_, lang, *, working=False):
    content = docx_content(user, round_, lang, working=working)
    return documents.attachment(content, _filename(round_, lang, "docx", working))


def export(request, user, round_, lang, fmt, *, working=False):
    """Answer the matrix in `fmt` (xlsx, docx or pdf), in `lang`."""
    with translation.override(lang):
        if fmt == "xlsx":
            return xlsx_response(user, round_, lang, working=working)
        content = docx_content(user, round_, lang, working=working)
        return documents.docx_or_pdf(request, content, _filename(round_, lang, "docx", working), fmt)


FORMATS = ("xlsx", "docx", "pdf")
