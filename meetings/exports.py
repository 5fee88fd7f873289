"""Word documents: a meeting's report in the RCM's official layout, and the RCGM pack.

The report's layout is the seed report's: a title block (meeting of the body, report of the
body, the meeting's title, its date), the participants paragraph, the submission line, then
the numbered agreements with their lettered sub-items. The numbers are Word's own numbering
("1.", "a)"), so the report can be edited in Word; our importer reads them back.

Both documents are in one language (`lang`) and hold only approved content, unless the TS asks
for a working copy (`working=True`): then each unapproved part says so and every page carries
the draft mark (`core.documents`). A draft report is always a working copy.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core import documents
from core.i18n import localized

from . import queries
from .models import ReportStatus

DOCX_TYPE = documents.DOCX_TYPE
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


def _centered(document, text, bold=True, size=None, style=None):
    paragraph = document.add_paragraph(style=style)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _plain_headings(document):
    """Word's heading styles, in the document's font and in black: official, still navigable."""
    from docx.shared import RGBColor

    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        style = document.styles[name]
        style.font.name = "Calibri"
        style.font.color.rgb = RGBColor(0, 0, 0)
    document.styles["Heading 1"].font.size = Pt(12)
    document.styles["Heading 2"].font.size = Pt(12)


def is_working_copy(version, working=False):
    """A report version prints as a working copy when asked, and always when it is a draft."""
    return working or version.status == ReportStatus.DRAFT


def report_document(meeting, version, lang, agreements=None, *, working=False):
    """Return (python-docx Document, Wording) of a report version in the official layout, in `lang`."""
    working = is_working_copy(version, working)
    wording = documents.Wording(lang)
    with translation.override(lang):
        body = localized(meeting.body, "name", lang)
        document = documents.official_docx(
            lang=lang,
            title=localized(meeting, "title", lang),
            header_name=body,
            author=body,
            draft=working,
            subject=_("Report to the RCGM"),
        )
        _plain_headings(document)
        for index, line in enumerate(title_lines(meeting, lang)):
            style = "Heading 1" if index < 2 else ("Heading 2" if index == 2 else None)
            _centered(document, line, bold=index < 3, size=12 if index < 3 else None, style=style)
        if version.status == ReportStatus.DRAFT:
            note = document.add_paragraph()
            note.alignment = WD_ALIGN_PARAGRAPH.CENTER
            documents.unapproved_run(note, version.get_status_display())
        elif version.status == ReportStatus.SUPERSEDED:
            _centered(document, version.get_status_display(), bold=False)
        for field in ("participants", "submission"):
            text, mark = wording.parts(version, field)
            lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
            for index, line in enumerate(lines):
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                documents.marked_run(paragraph, line, mark if index == len(lines) - 1 else "", lang)
        numbering = documents.WordNumbering(document)
        for agreement in agreements if agreements is not None else queries.agreement_tree(version):
            _numbered(document, numbering, 0, *wording.parts(agreement, "text"), lang)
            for item in agreement.children:
                _numbered(document, numbering, 1, *wording.parts(item, "text"), lang)
    return document, wording


def report_docx(meeting, version, lang, agreements=None, *, working=False, consultations=None):
    """Return the bytes of a report version as a DOCX in the official layout, in `lang`;
    with `consultations`, their annex (who said what) follows the agreements."""
    document, wording = report_document(meeting, version, lang, agreements, working=working)
    if consultations:
        from .annex import add_annex

        add_annex(document, wording, consultations, lang)
    with translation.override(lang):
        return documents.docx_bytes(document, wording)


def _numbered(document, numbering, level, text, mark, lang):
    """An agreement (level 0, "1.") or sub-item (level 1, "a)") numbered by Word; more lines follow indented."""
    lines = (text or "").split("\n")
    extra = [line.strip() for line in lines[1:] if line.strip()]
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    numbering.apply(paragraph, level)
    documents.marked_run(paragraph, lines[0], "" if extra else mark, lang)
    for index, line in enumerate(extra):
        more = document.add_paragraph()
        more.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        more.paragraph_format.left_indent = Cm(0.75 * (level + 1))
        documents.marked_run(more, line, mark if index == len(extra) - 1 else "", lang)


def report_filename(meeting, lang, extension="docx", *, working=False):
    name = f"report-{meeting.start_date.isoformat()}-{meeting.pk}-{lang}.{extension}"
    return documents.draft_filename(name, lang) if working else name


def print_context(meeting, version, lang, *, working=False):
    """What the print page shows: the DOCX's texts, in `lang`, with the draft mark when it is a working copy."""
    working = is_working_copy(version, working)
    wording = documents.Wording(lang)
    with translation.override(lang):
        participants = wording.text(version, "participants")
        submission = wording.text(version, "submission")
        agreements = [
            (a, wording.text(a, "text"), [(i, wording.text(i, "text")) for i in a.children])
            for a in queries.agreement_tree(version)
        ]
        return {
            "meeting": meeting,
            "version": version,
            "lang": lang,
            "working": working,
            "draft_word": documents.draft_word(lang),
            "draft_mark": documents.draft_mark(lang) if working else "",
            "status_words": documents.unapproved(version.get_status_display())
            if version.status == ReportStatus.DRAFT
            else ("" if version.status == ReportStatus.APPROVED else version.get_status_display()),
            "header_name": localized(meeting.body, "name", lang),
            "logo": documents.has_logo(),
            "lines": title_lines(meeting, lang),
            "participants": [p for p in participants.split("\n") if p.strip()],
            "submission": submission,
            "agreements": agreements,
            "closing_note": wording.closing_note(),
        }


# ---- RCGM pack ------------------------------------------------------------------------------


def _table(document, headers, rows, widths, lang):
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
            paragraph = cell.paragraphs[0]
            if isinstance(value, tuple):  # (text, untranslated mark, status of an unapproved part)
                text, mark, status = value
                documents.marked_run(paragraph, text, mark, lang)
                if status:
                    documents.unapproved_run(paragraph, status)
            else:
                paragraph.add_run(str(value))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def _meeting_cell(meeting):
    return f"{localized(meeting, 'title')} ({documents.date_text(meeting.start_date)})"


def pack_filename(body, start, end, lang, extension="docx", *, working=False):
    name = f"rcgm-pack-{body.slug}-{start.isoformat()}-{end.isoformat()}-{lang}.{extension}"
    return documents.draft_filename(name, lang) if working else name


def _actors_cell(commitment):
    """Each actor, with its own status when the commitment is shared."""
    rows = commitment.actor_rows()
    if len(rows) < 2:
        return ", ".join(documents.actor_name(actor) for actor in rows)
    return "; ".join(f"{documents.actor_name(actor)}: {actor.get_status_display().lower()}" for actor in rows)


def _status_cell(commitment):
    text = commitment.get_status_display() + (" · " + _("overdue") if commitment.is_overdue else "")
    if commitment.actor_count > 1:
        text += " · " + ngettext(
            "%(done)s of %(total)s actor done", "%(done)s of %(total)s actors done", commitment.actor_count
        ) % {"done": commitment.done_count, "total": commitment.actor_count}
    return text


def rcgm_pack_docx(user, body, start, end, lang, *, working=False):
    """Return the RCGM pack for a body and a period: recommendations with decisions, commitments with status.

    Only approved reports count; a working copy (the TS) adds what reports still in draft hold, marked.
    """
    recommendations = queries.recommendations(user, body, start, end, working=working)
    commitments = queries.pack_commitments(user, body, start, end, working=working)
    wording = documents.Wording(lang)
    with translation.override(lang):
        name = localized(body, "name", lang)
        document = documents.official_docx(
            lang=lang, title=_("RCGM pack"), header_name=name, author=name, draft=working, landscape=True
        )
        _plain_headings(document)
        _centered(document, _("Pack for the Regional Consultation Group on Migration"), size=13, style="Title")
        _centered(document, name)
        _centered(
            document,
            _("Meetings from %(start)s to %(end)s")
            % {"start": documents.date_text(start), "end": documents.date_text(end)},
            bold=False,
        )
        document.add_heading(_("Recommendations to the RCGM and its decisions"), level=1)
        if recommendations:
            rows = []
            for agreement in recommendations:
                decided = localized(agreement.rcgm_meeting, "title") if agreement.rcgm_meeting_id else ""
                version = agreement.version
                status = "" if version.status == ReportStatus.APPROVED else version.get_status_display()
                rows.append(
                    (
                        _meeting_cell(version.meeting),
                        agreement.ref,
                        (*wording.parts(agreement, "text"), status),
                        agreement.get_rcgm_decision_display(),
                        decided,
                    )
                )
            _table(
                document,
                [_("Meeting"), _("No."), _("Recommendation"), _("Decision"), _("Decided at")],
                rows,
                [Cm(4), Cm(1.2), Cm(12), Cm(3), Cm(4)],
                lang,
            )
        else:
            document.add_paragraph(_("No recommendation to the RCGM in this period."))
        document.add_heading(_("Commitments and their status"), level=1)
        if commitments:
            rows = []
            for commitment in commitments:
                status = "" if commitment.in_approved_report else _("Draft report")
                rows.append(
                    (
                        _meeting_cell(commitment.meeting),
                        commitment.agreement.ref,
                        _actors_cell(commitment),
                        (*wording.parts(commitment, "action"), status),
                        documents.due_text(commitment.due_date, commitment.due_period) or "—",
                        _status_cell(commitment),
                    )
                )
            _table(
                document,
                [
                    _("Meeting"),
                    _("No."),
                    _("Actors"),
                    _("Action"),
                    pgettext("a commitment's due date", "Due"),
                    _("Status"),
                ],
                rows,
                [Cm(4), Cm(1.2), Cm(3), Cm(11), Cm(2.5), Cm(3)],
                lang,
            )
        else:
            document.add_paragraph(_("No commitment in this period."))
        return documents.docx_bytes(document, wording)
