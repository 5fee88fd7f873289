"""The handover as a Word document, for both presidencies, in one language (core.documents).

It lists every open item of the presidency — frozen at the change once carried out, as of today before —
grouped by kind, each with its state and details, and says which commitments the TS keeps with the
outgoing country and why.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core import documents
from network.queries import network_name

from . import queries


def _period_text(period, lang):
    start = documents.date_text(period.start_date, lang)
    if period.end_date:
        return _("%(country)s, from %(start)s to %(end)s") % {
            "country": period.country.name,
            "start": start,
            "end": documents.date_text(period.end_date, lang),
        }
    return _("%(country)s, since %(start)s") % {"country": period.country.name, "start": start}


def _table(document, rows, lang):
    headers = [_("Item"), _("State"), _("Details")]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    flag = OxmlElement("w:tblHeader")  # the header row again on every page
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)
    for (text, mark), state, detail in rows:
        cells = table.add_row().cells
        documents.marked_run(cells[0].paragraphs[0], text, mark, lang)
        cells[1].paragraphs[0].add_run(state)
        cells[2].paragraphs[0].add_run(detail)
    for row in table.rows:
        for cell, width in zip(row.cells, (Cm(8), Cm(3.5), Cm(5.5)), strict=True):
            cell.width = width


def _kept_text(item, period):
    keep = getattr(item, "keep", None)
    if keep is None:
        return ""
    words = _("Kept with %(country)s: %(reason)s") if keep.applied_at else _("To be kept with %(country)s: %(reason)s")
    return words % {"country": period.country.name, "reason": keep.reason}


def handover_docx(handover, lang):
    """Return the handover of `handover.outgoing` as DOCX bytes in `lang`."""
    period = handover.outgoing
    groups = queries.items_of(handover)
    wording = documents.Wording(lang)
    with translation.override(lang):
        name = network_name(lang)
        title = _("Handover of the Pro Tempore Presidency")
        document = documents.official_docx(lang=lang, title=title, header_name=name, subject=title)
        document.add_heading(title, level=0)
        lines = [_("Outgoing presidency: %(period)s.") % {"period": _period_text(period, lang)}]
        if handover.incoming_id:
            lines.append(_("Incoming presidency: %(period)s.") % {"period": _period_text(handover.incoming, lang)})
        if handover.change_date:
            lines.append(_("Change date: %(date)s.") % {"date": documents.date_text(handover.change_date, lang)})
        if handover.carried_out_at:
            lines.append(
                _("Carried out on %(date)s: the items below are as they stood at the change.")
                % {"date": documents.date_text(handover.carried_out_at, lang)}
            )
        else:
            lines.append(
                _("Not carried out yet: the items below are as they stand on %(date)s.")
                % {"date": documents.date_text(timezone.localdate(), lang)}
            )
        for line in lines:
            document.add_paragraph(line)
        for group in groups:
            document.add_heading(group.label, level=1)
            if not group.items:
                document.add_paragraph(_("None."))
                continue
            rows = []
            for item in group.items:
                detail = getattr(item, f"detail_{lang}")
                kept = _kept_text(item, period)
                rows.append(
                    (
                        wording.parts(item, "label"),
                        getattr(item, f"state_{lang}"),
                        f"{detail}\n{kept}" if kept else detail,
                    )
                )
            _table(document, rows, lang)
        closing = document.add_paragraph()
        closing.add_run(
            _(
                "On the change date, what the PPT is to do passes to the incoming presidency's officers; the "
                "outgoing officers keep reading it and its history."
            )
        ).font.size = Pt(9)
        return documents.docx_bytes(document, wording)


def handover_filename(handover, lang):
    period = handover.outgoing
    return f"handover-ppt-{period.country.code.code.lower()}-{period.start_date.year}-{lang}.docx"
