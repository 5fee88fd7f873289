"""The tracking board of a circular as XLSX, in Spanish or English, with its reference.

One sheet: the circular (reference, title, deadline, summary) on top, then each recipient with
whom it reaches, when it was first read, acknowledged and last replied to (real dates), and its
deadline.
"""

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.office import Workbook

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


def board_xlsx(circular, lang):
    """Return the XLSX bytes of a circular's tracking board, in `lang`."""
    from openpyxl.styles import Font

    with translation.override(lang):
        rows, summary = queries.board(circular)
        book = Workbook(lang)
        sheet = book.sheet(_("Tracking board"), [34, 40, 18, 18, 18, 10, 14, 10, 16, 10])
        sheet.row([circular.titled(lang)], font=Font(bold=True, size=13))
        sheet.row([_("Reference"), circular.reference or "—"])
        sheet.row([_("Kind"), circular.get_kind_display()])
        sheet.row([_("Sent"), circular.sent_at])
        sheet.row([_("Reply by"), circular.reply_deadline])
        sheet.row(
            [
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
            ]
        )
        sheet.row()
        sheet.header(
            [
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
        )
        for row in rows:
            recipient = row.recipient
            sheet.row(
                [
                    str(recipient.party),
                    ", ".join(person.full_name for person in row.people) or _("nobody today"),
                    recipient.first_read_at,
                    recipient.acknowledged_at,
                    recipient.last_reply_at,
                    row.replies,
                    recipient.effective_deadline,
                    _("yes") if recipient.deadline else "",
                    state_label(row.state),
                    _("yes") if row.overdue else "",
                ]
            )
        return book.content()
