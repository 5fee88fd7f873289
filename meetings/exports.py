"""Word documents: the approved report in the RCM's official layout, and the RCGM pack.

The report's layout is the seed report's: a title block (meeting of the body, report of the
body, the meeting's title, its date), the participants paragraph, the submission line, then
the numbered agreements with their lettered sub-items. Numbers are written in the text, so
any reader (and our importer) sees them.
"""

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.i18n import localized

from . import queries
from .models import Decision

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _ordinal_suffix(day):
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def meeting_dates(meeting, lang):
    """The meeting's date(s) as the RCM writes them: 'November 15th, 2017', '15 y 16 de noviembre de 2017'."""
    start, end = meeting.start_date, meeting.end_date or meeting.start_date
    if lang == "es":
        if start == end:
            return f"{start.day} de {MONTHS_ES[start.month - 1]} de {start.year}"
        if start.month == end.month and start.year == end.year:
            return f"{start.day} y {end.day} de {MONTHS_ES[end.month - 1]} de {end.year}"
        return f"{start.day} de {MONTHS_ES[start.month - 1]} al {end.day} de {MONTHS_ES[end.month - 1]} de {end.year}"

    def day(d):
        return f"{d.day}{_ordinal_suffix(d.day)}"

    if start == end:
        return f"{MONTHS_EN[start.month - 1]} {day(start)}, {start.year}"
    if start.month == end.month and start.year == end.year:
        return f"{MONTHS_EN[start.month - 1]} {day(start)} and {day(end)}, {end.year}"
    return f"{MONTHS_EN[start.month - 1]} {day(start)} to {MONTHS_EN[end.month - 1]} {day(end)}, {end.year}"


def _of_the(name, lang):
    """'OF THE NETWORK…' in English; 'DE LA RED…' / 'DEL GRUPO…' in Spanish."""
    if lang == "en":
        return f"of the {name}"
    first = name.split()[0].lower() if name.split() else ""
    feminine = first.endswith(("a", "d", "ión", "ion")) or first in {"red", "conferencia", "mesa", "comisión"}
    return f"de la {name}" if feminine else f"del {name}"


def title_lines(meeting, lang):
    """The report's title block, as lines: meeting of the body, report of the body, title, date."""
    body = localized(meeting.body, "name", lang)
    meeting_word, report_word = ("Meeting", "Report") if lang == "en" else ("Reunión", "Informe")
    return [
        f"{meeting_word} {_of_the(body, lang)}".upper(),
        f"{report_word} {_of_the(body, lang)}".upper(),
        localized(meeting, "title", lang),
        meeting_dates(meeting, lang),
    ]


def _text(obj, field, lang):
    """The field in `lang`, or in the other language with a note saying so."""
    value = getattr(obj, f"{field}_{lang}", "")
    if value:
        return value
    other = localized(obj, field, "en" if lang == "es" else "es")
    if not other:
        return ""
    with translation.override(lang):
        note = _("[no translation yet]")
    return f"{other} {note}"


def _base_document():
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(27.94), Cm(21.59)  # Letter, as the RCM prints
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(6)
    _page_numbers(section)
    return document


def _page_numbers(section):
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _centered(document, text, bold=True, size=None):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def report_docx(meeting, version, lang, agreements=None):
    """Return the bytes of a report version as a DOCX in the official layout, in `lang`."""
    document = _base_document()
    document.core_properties.title = localized(meeting, "title", lang)
    document.core_properties.language = lang
    lines = title_lines(meeting, lang)
    for index, line in enumerate(lines):
        _centered(document, line, bold=index < 3, size=12 if index < 2 else None)
    for block in [_text(version, "participants", lang)] + [_text(version, "submission", lang)]:
        for text in (block or "").split("\n"):
            if text.strip():
                paragraph = document.add_paragraph(text.strip())
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for agreement in agreements if agreements is not None else queries.agreement_tree(version):
        _numbered(document, f"{agreement.number}.", _text(agreement, "text", lang), Cm(0.75), Cm(0))
        for item in agreement.children:
            _numbered(document, f"{item.letter})", _text(item, "text", lang), Cm(0.75), Cm(0.75))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _numbered(document, label, text, hang, indent):
    lines = (text or "").split("\n")
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.left_indent = indent + hang
    paragraph.paragraph_format.first_line_indent = -hang
    paragraph.add_run(f"{label}\t{lines[0]}")
    paragraph.paragraph_format.tab_stops.add_tab_stop(indent + hang)
    for extra in lines[1:]:
        if extra.strip():
            more = document.add_paragraph(extra.strip())
            more.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            more.paragraph_format.left_indent = indent + hang


def report_filename(meeting, lang, extension="docx"):
    return f"report-{meeting.start_date.isoformat()}-{meeting.pk}-{lang}.{extension}"


# ---- RCGM pack ------------------------------------------------------------------------------


def _table(document, headers, rows, widths):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
    # Repeat the header row on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    tr_pr.append(header_flag)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def rcgm_pack_docx(user, body, start, end, lang):
    """Return the RCGM pack for a body and a period: recommendations with decisions, commitments with status."""
    recommendations = queries.recommendations(user, body, start, end)
    commitments = queries.pack_commitments(user, body, start, end)
    with translation.override(lang):
        document = _base_document()
        section = document.sections[0]
        section.page_height, section.page_width = section.page_width, section.page_height  # landscape
        name = localized(body, "name", lang)
        document.core_properties.title = _("RCGM pack")
        _centered(document, _("Pack for the Regional Consultation Group on Migration").upper(), size=12)
        _centered(document, name)
        _centered(
            document,
            _("Meetings from %(start)s to %(end)s")
            % {"start": formats.date_format(start, "DATE_FORMAT"), "end": formats.date_format(end, "DATE_FORMAT")},
            bold=False,
        )
        document.add_heading(_("1. Recommendations to the RCGM and its decisions"), level=2)
        if recommendations:
            decisions = dict(Decision.choices)
            rows = []
            for agreement in recommendations:
                meeting = agreement.version.meeting
                decided = ""
                if agreement.rcgm_meeting_id:
                    decided = localized(agreement.rcgm_meeting, "title", lang)
                rows.append(
                    (
                        f"{localized(meeting, 'title', lang)} ({meeting.start_date.isoformat()})",
                        agreement.ref,
                        _text(agreement, "text", lang),
                        str(decisions[agreement.rcgm_decision]),
                        decided,
                    )
                )
            _table(
                document,
                [_("Meeting"), _("No."), _("Recommendation"), _("Decision"), _("Decided at")],
                rows,
                [Cm(4), Cm(1.2), Cm(12), Cm(3), Cm(4)],
            )
        else:
            document.add_paragraph(_("No recommendation to the RCGM in this period."))
        document.add_heading(_("2. Commitments and their status"), level=2)
        if commitments:
            rows = []
            for commitment in commitments:
                meeting = commitment.meeting
                rows.append(
                    (
                        f"{localized(meeting, 'title', lang)} ({meeting.start_date.isoformat()})",
                        commitment.agreement.ref,
                        ", ".join(actor.code for actor in commitment.actors.all()),
                        _text(commitment, "action", lang),
                        commitment.due or "—",
                        str(commitment.get_status_display()) + (" · " + _("overdue") if commitment.is_overdue else ""),
                    )
                )
            _table(
                document,
                [_("Meeting"), _("No."), _("Actors"), _("Action"), _("Due"), _("Status")],
                rows,
                [Cm(4), Cm(1.2), Cm(3), Cm(11), Cm(2), Cm(3)],
            )
        else:
            document.add_paragraph(_("No commitment in this period."))
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
