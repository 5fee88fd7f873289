"""The consultation annex of a report DOCX: who said what in each round, in the document's language.

The labels, positions, answers and dates are in the document's language; what a party wrote is
quoted as it wrote it, and an amendment's proposed text is given in the document's language when
the party proposed one in it (else in the other, marked as the report marks untranslated text).
"""

from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_BREAK
from docx.shared import Cm

from core import documents

from .consulting import board, remarks_of
from .models import AmendmentAnswer, Consultation, RemarkKind


def add_annex(document, wording, consultations: list[Consultation], lang: str) -> None:
    """Append the annex, round by round (oldest first), to a report `document` in `lang`."""
    if not consultations:
        return
    with translation.override(lang):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(_("Annex: consultation of the parties on the draft report"), level=1)
        for consultation in sorted(consultations, key=lambda c: c.round):
            remarks = remarks_of(consultation)
            positions = board(consultation, remarks)
            document.add_heading(
                _("Round %(round)s, deadline %(date)s")
                % {
                    "round": consultation.round,
                    "date": documents.date_text(consultation.deadline, lang),
                },
                level=2,
            )
            outcome = document.add_paragraph(consultation.get_status_display())
            version = consultation.version
            if consultation.status == "approved" and version.approved_at:
                outcome.add_run(
                    " — "
                    + version.get_approval_basis_display()
                    + ", "
                    + documents.date_text(version.approved_at, lang)
                    + "."
                )
            if consultation.decision_note:
                document.add_paragraph(_("Decision: %(note)s") % {"note": consultation.decision_note})
            table = document.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, (_("Party"), _("Position"), _("Given")), strict=True):
                cell.paragraphs[0].add_run(header).bold = True
            for row in positions.rows:
                cells = table.add_row().cells
                cells[0].text = row.party.label
                cells[1].text = row.party.get_position_display() if row.party.position else _("No position (silence)")
                cells[2].text = documents.date_text(row.party.position_at, lang) if row.party.position_at else "—"
            if not remarks:
                document.add_paragraph(_("No party commented, proposed an amendment or objected."))
            for remark in remarks:
                where = _("Agreement %(ref)s") % {"ref": remark.ref} if remark.ref else _("The report as a whole")
                head = document.add_paragraph()
                head.add_run(f"{where} — {remark.party.label} — {remark.get_kind_display()}").bold = True
                head.add_run(f" ({documents.date_text(remark.created_at, lang)})")
                if remark.text:
                    document.add_paragraph(remark.text).paragraph_format.left_indent = Cm(0.75)
                if remark.kind == RemarkKind.AMENDMENT:
                    text, mark = wording.parts(remark, "proposed")
                    proposed = document.add_paragraph()
                    proposed.paragraph_format.left_indent = Cm(0.75)
                    proposed.add_run(_("Proposed text:") + " ").italic = True
                    documents.marked_run(proposed, text, mark, lang)
                    answer = remark.get_answer_display() if remark.answer else AmendmentAnswer.PENDING.label
                    line = document.add_paragraph(_("Answer of the TS: %(answer)s") % {"answer": answer})
                    if remark.answer_reason:
                        line.add_run(f" — {remark.answer_reason}")
                    line.paragraph_format.left_indent = Cm(0.75)
                if remark.kind == RemarkKind.OBJECTION and remark.withdrawn_at:
                    withdrawn = document.add_paragraph(
                        _("Withdrawn on %(date)s.") % {"date": documents.date_text(remark.withdrawn_at, lang)}
                    )
                    withdrawn.paragraph_format.left_indent = Cm(0.75)
