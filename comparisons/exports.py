"""The matrix as XLSX and as a DOCX report, in Spanish or English.

Both read `queries.matrix` for the requesting user, as the page does: the same columns, the
same answers. Callers set the language (translation.override) before calling.
"""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.office import landscape, shade, spreadsheet_text

from . import queries

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILLS = {"yes": "D7EFDD", "partly": "FCEBC4", "no": "F8D7D8"}
SYMBOLS = {"yes": "✓", "partly": "◐", "no": "✗"}


def _filename(round_, lang, ext):
    title = slugify(round_.analysis.localized("title", lang))[:60] or "analysis"
    return f"{title}-{round_.number}-{lang}-{timezone.localdate().isoformat()}.{ext}"


def _response(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cell_text(answer):
    """The text of a matrix cell, the same on the page, in the XLSX and in the DOCX."""
    if answer is None:
        return "—"
    return answer.display()


def _question_label(question):
    return f"{question.number} {question}"


def _cell(sheet, value, **style):
    cell = WriteOnlyCell(sheet, value=spreadsheet_text(value))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_response(user, round_, lang):
    """The matrix sheet (questions × countries, coloured with the answer's word) and the answers with their basis."""
    data = queries.matrix(user, round_)
    analysis = round_.analysis
    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    fills = {tone: PatternFill("solid", fgColor=colour) for tone, colour in FILLS.items()}

    sheet = book.create_sheet(_("Matrix")[:31])
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 60
    for index in range(len(data.columns)):
        sheet.column_dimensions[get_column_letter(index + 3)].width = 22
    sheet.freeze_panes = "C5"
    sheet.append([_cell(sheet, analysis.localized("title", lang), font=Font(bold=True, size=13))])
    sheet.append([f"{round_} · {_('Lead')}: {analysis.lead_organization.short_name}"])
    sheet.append([])
    header = [_("No."), _("Question")] + [str(column.country.name) for column in data.columns]
    sheet.append([_cell(sheet, value, font=bold) for value in header])
    for block in data.blocks:
        sheet.append([None, _cell(sheet, str(block.section), font=Font(bold=True, italic=True))])
        for row in block.rows:
            cells = [row.question.number, _cell(sheet, str(row.question), alignment=wrap)]
            for _column, answer in row.cells:
                style = {"alignment": wrap}
                if answer is not None and answer.tone:
                    style["fill"] = fills[answer.tone]
                cells.append(_cell(sheet, cell_text(answer), **style))
            sheet.append(cells)

    detail = book.create_sheet(_("Answers and basis")[:31])
    detail.freeze_panes = "A2"
    headings = [
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
    detail.append([_cell(detail, value, font=bold) for value in headings])
    for block in data.blocks:
        for row in block.rows:
            for column, answer in row.cells:
                if answer is None:
                    continue
                confirmed = timezone.localtime(answer.confirmed_at).date().isoformat() if answer.confirmed_at else ""
                values = [
                    row.question.number,
                    str(block.section),
                    str(row.question),
                    str(column.country.name),
                    cell_text(answer),
                    answer.basis_instrument,
                    answer.basis_article,
                    answer.basis_url,
                    answer.note,
                    confirmed,
                    _("yes") if answer.carried_over else "",
                ]
                detail.append([spreadsheet_text(value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return _response(buffer.getvalue(), XLSX_TYPE, _filename(round_, lang, "xlsx"))


def _countries(cells):
    return ", ".join(str(column.country.name) for column, _answer in cells)


def docx_response(user, round_, lang):
    data, narrative = queries.narrative(user, round_)
    analysis = round_.analysis
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    landscape(document.sections[0])

    document.add_heading(analysis.localized("title", lang), level=0)
    facts = document.add_paragraph()
    facts.add_run(_("Lead") + ": ").bold = True
    facts.add_run(str(analysis.lead_organization))
    facts.add_run("\n" + _("Round") + ": ").bold = True
    facts.add_run(str(round_))
    facts.add_run("\n" + _("Countries shown") + ": ").bold = True
    facts.add_run(", ".join(str(column.country.name) for column in data.columns) or "—")
    facts.add_run("\n" + _("Produced") + ": ").bold = True
    facts.add_run(timezone.localdate().isoformat())

    document.add_heading(_("Introduction"), level=1)
    introduction = analysis.localized("introduction", lang)
    for paragraph in (introduction or "").split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
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
            header[index].text = str(column.country.name)
        for cell in header:
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in block.rows:
            cells = table.add_row().cells
            cells[0].text = _question_label(row.question)
            for index, (_column, answer) in enumerate(row.cells, start=1):
                text = cell_text(answer)
                cells[index].text = text
                if answer is not None and answer.tone:
                    shade(cells[index], FILLS[answer.tone])

    document.add_heading(_("Narrative by section"), level=1)
    for item in narrative:
        document.add_heading(str(item["section"]), level=2)
        document.add_heading(_("Agreements"), level=3)
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

    buffer = io.BytesIO()
    document.save(buffer)
    return _response(buffer.getvalue(), DOCX_TYPE, _filename(round_, lang, "docx"))


FORMATS = {"xlsx": xlsx_response, "docx": docx_response}
