"""The tracking board of a circular as XLSX, in Spanish or English, with its reference.

One sheet: the circular (reference, title, deadline, summary) on top, then each recipient with
whom it reaches, when it was first read, acknowledged and last replied to (real dates), and its
deadline.
"""

import io

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import documents
from core.office import spreadsheet_text

from . import queries


def state_label(state):
    """A recipient's state in words, in the active language."""
    return {
        "replied": _("Replied"),
        "acknowledged": _("Acknowledged"),
        "read": _("Read"),
        "unread": _("Not read yet"),
    }[state]


def board_filename(circular, lang):
    reference = slugify(circular.reference.replace("/", "-")) if circular.reference else f"circular-{circular.pk}"
    return f"{reference}-{lang}-{timezone.localdate().isoformat()}.xlsx"


def _when(sheet, value, lang):
    """A moment as a real date and time in the sheet, shown in the document's date format."""
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
    cell.number_format = documents.excel_date_format(lang) + " hh:mm"
    return cell


def board_xlsx(circular, lang):
    """Return the XLSX bytes of a circular's tracking board, in `lang`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    with translation.override(lang):
        rows, summary = queries.board(circular)
        book = Workbook(write_only=True)
        sheet = documents.new_sheet(
            book, _("Tracking board"), lang=lang, widths=[34, 40, 18, 18, 18, 10, 14, 10, 16, 10]
        )
        bold = Font(bold=True)

        def text(value, **style):
            cell = WriteOnlyCell(sheet, value=spreadsheet_text(value))
            for name, setting in style.items():
                setattr(cell, name, setting)
            return cell

        sheet.append([text(circular.titled(lang), font=Font(bold=True, size=13))])
        sheet.append([text(_("Reference")), text(circular.reference or "—")])
        sheet.append([text(_("Kind")), text(circular.get_kind_display())])
        sheet.append([text(_("Sent")), _when(sheet, circular.sent_at, lang)])
        sheet.append([text(_("Reply by")), documents.date_cell(sheet, circular.reply_deadline, lang)])
        sheet.append(
            [
                text(
                    _(
                        "%(total)s recipients: %(read)s read, %(ack)s acknowledged, %(replied)s replied, "
                        "%(overdue)s overdue."
                    )
                    % {
                        "total": summary["total"],
                        "read": summary["read"],
                        "ack": summary["acknowledged"],
                        "replied": summary["replied"],
                        "overdue": summary["overdue"],
                    }
                )
            ]
        )
        sheet.append([])
        headers = [
            _("Recipient"),
            _("Receives it"),
            _("Read"),
            _("Acknowledged"),
            _("Replied"),
            _("Replies"),
            _("Deadline"),
            _("Extended"),
            _("State"),
            _("Reply overdue"),
        ]
        sheet.append([text(value, font=bold) for value in headers])
        for row in rows:
            recipient = row.recipient
            sheet.append(
                [
                    text(str(recipient.party)),
                    text(", ".join(person.full_name for person in row.people) or _("nobody today")),
                    _when(sheet, recipient.first_read_at, lang),
                    _when(sheet, recipient.acknowledged_at, lang),
                    _when(sheet, recipient.last_reply_at, lang),
                    row.replies,
                    documents.date_cell(sheet, recipient.effective_deadline, lang),
                    _("yes") if recipient.deadline else "",
                    state_label(row.state),
                    _("yes") if row.overdue else "",
                ]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
