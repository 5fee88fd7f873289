"""What addressees do with a circular (read, acknowledge, reply) and the deadlines and reminders."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from messaging.models import NotificationKind
from messaging.notifications import notify

from ..access import ACKNOWLEDGE, REPLY, VIEW_BOARD
from ..models import Circular, CircularRecipient, Reply, ReplyAttachment, ReplyChannel
from ..queries import users_of
from .circulars import _store_file
from .common import MAX_FILES, MAX_REPLY_LENGTH

# ---- reading, acknowledging, replying ------------------------------------------------------


def _recipients_of(circular: Circular, acting_user: Any, action: str) -> list[CircularRecipient]:
    principal = access.principal_for(acting_user)
    return [r for r in circular.recipients.with_parties() if r.includes(principal) and circular.is_sent]


def mark_read(circular: Circular, *, acting_user: Any) -> int:
    """Record the first time any of a recipient's people opens the circular (nothing for others)."""
    if not circular.is_sent:
        return 0
    principal = access.principal_for(acting_user)
    if not principal.is_authenticated:
        return 0
    from ..access import recipient_match

    return CircularRecipient.objects.filter(recipient_match(principal), circular=circular, first_read_at=None).update(
        first_read_at=timezone.now(), first_read_by=acting_user
    )


def _choose_recipient(
    circular: Circular, acting_user: Any, recipient: CircularRecipient | None, action: str
) -> CircularRecipient:
    if recipient is not None:
        if recipient.circular_id != circular.pk:
            raise ValidationError({"recipient": _("This recipient is not one of this circular's.")})
        recipient.circular = circular
        access.require(acting_user, action, recipient)
        return recipient
    mine = _recipients_of(circular, acting_user, action)
    if not mine:
        access.refuse(acting_user, action, circular)
    return mine[0]


@transaction.atomic
def acknowledge_circular(
    circular: Circular, *, acting_user: Any, recipient: CircularRecipient | None = None
) -> CircularRecipient:
    """Acknowledge receipt on behalf of a recipient the user belongs to (once; later calls keep the first)."""
    recipient = _choose_recipient(circular, acting_user, recipient, ACKNOWLEDGE)
    with acting_as(acting_user):
        recipient = CircularRecipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at = timezone.now()
            recipient.acknowledged_by = acting_user
            if recipient.first_read_at is None:
                recipient.first_read_at, recipient.first_read_by = recipient.acknowledged_at, acting_user
            recipient.save()
    return recipient


@transaction.atomic
def reply_for_party(circular: Circular | None, party: Any, *, acting_user: Any, text: str) -> Reply | None:
    """Reply to `circular` as `party` (a Q on the recipient: its country or organization) when the
    user may answer for it; otherwise nothing (the TS acting for a country never answers for it)."""
    if circular is None or not circular.is_sent:
        return None
    recipient = circular.recipients.filter(party).first()
    if recipient is None:
        return None
    recipient.circular = circular
    if not access.can(acting_user, REPLY, recipient):
        return None
    return reply_to_circular(circular, acting_user=acting_user, text=text[:MAX_REPLY_LENGTH], recipient=recipient)


@transaction.atomic
def reply_to_circular(
    circular: Circular,
    *,
    acting_user: Any,
    text: str = "",
    files: Iterable[Any] = (),
    recipient: CircularRecipient | None = None,
    via: str = ReplyChannel.PAGE,
) -> Reply:
    """Reply on behalf of a recipient the user belongs to: text and/or documents (checked).

    `via`: how it came (the page and the API, or e-mail: circulation.inbound).
    """
    recipient = _choose_recipient(circular, acting_user, recipient, REPLY)
    text = (text or "").strip()
    files = list(files or ())
    if not text and not files:
        raise ValidationError({"text": _("Write a reply or attach a document.")})
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError({"text": _("The reply is too long (at most 20,000 characters).")})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(max)s files.") % {"max": MAX_FILES}})
    checked = []
    for file in files:
        try:
            checked.append(_store_file(file))
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from None
    with acting_as(acting_user):
        reply = Reply(
            circular=circular, recipient=recipient, text=text, author=acting_user, via=via, is_demo=circular.is_demo
        )
        reply.full_clean()
        reply.save()
        for file, info in zip(files, checked, strict=True):
            ReplyAttachment.objects.create(reply=reply, file=file, name=info.name, size=info.size)
        recipient = CircularRecipient.objects.select_for_update().get(pk=recipient.pk)
        now = timezone.now()
        recipient.last_reply_at = now
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at, recipient.acknowledged_by = now, acting_user
        if recipient.first_read_at is None:
            recipient.first_read_at, recipient.first_read_by = now, acting_user
        recipient.save()
    return reply


# ---- deadlines and reminders ---------------------------------------------------------------


@transaction.atomic
def extend_deadline(recipient: CircularRecipient, deadline: Any, *, acting_user: Any) -> CircularRecipient:
    """Give one recipient more time (a later deadline than the circular's); None goes back to it."""
    circular = recipient.circular
    access.require(acting_user, VIEW_BOARD, circular)
    if not circular.reply_deadline:
        raise ValidationError({"deadline": _("This circular asks for no reply by a date.")})
    if deadline is not None:
        if deadline < timezone.localdate():
            raise ValidationError(
                {"deadline": _("The reply deadline has already passed: choose today or a later date.")}
            )
        if deadline <= circular.reply_deadline:
            raise ValidationError({"deadline": _("An extension must come after the circular's deadline.")})
    with acting_as(acting_user):
        recipient = CircularRecipient.objects.select_for_update().get(pk=recipient.pk)
        recipient.deadline = deadline
        recipient.save()
    return recipient


def reminder_stage(recipient: CircularRecipient, today: datetime.date) -> str | None:
    """Return 'due7', 'due1', 'passed' or None for a recipient of a sent circular, on `today`."""
    circular = recipient.circular
    deadline = recipient.effective_deadline
    if not (circular.is_sent and deadline) or recipient.last_reply_at:
        return None
    sent_on = timezone.localdate(circular.sent_at)
    days_left = (deadline - today).days
    if 2 <= days_left <= 7 and sent_on < deadline - datetime.timedelta(days=7):
        return "due7"
    if 0 <= days_left <= 1 and sent_on < deadline - datetime.timedelta(days=1):
        return "due1"
    if days_left < 0:
        return "passed"
    return None


def _reminder_texts(circular: Circular, recipient: CircularRecipient, stage: str) -> tuple[Any, Any]:
    from django.utils.formats import date_format

    def subject(lang: str) -> str:
        title = circular.titled(lang)
        if stage == "passed":
            return _("Reply overdue: %(title)s") % {"title": title}
        if stage == "due1":
            return _("Reply due tomorrow or today: %(title)s") % {"title": title}
        return _("Reply due within a week: %(title)s") % {"title": title}

    def body(lang: str) -> str:
        values = {"date": date_format(recipient.effective_deadline, "DATE_FORMAT"), "party": str(recipient.party)}
        if stage == "passed":
            return _("The deadline was %(date)s and %(party)s has not replied yet.") % values
        return _("The deadline is %(date)s; %(party)s has not replied yet.") % values

    return subject, body


def _author_texts(circular: Circular, replied: int, total: int) -> tuple[Any, Any]:
    from django.utils.formats import date_format

    def subject(lang: str) -> str:
        return _("Deadline passed: %(title)s") % {"title": circular.titled(lang)}

    def body(lang: str) -> str:
        return _("%(replied)s of %(total)s recipients replied by %(date)s.") % {
            "replied": replied,
            "total": total,
            "date": date_format(circular.reply_deadline or "", "DATE_FORMAT"),
        }

    return subject, body


def send_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """Remind the people of each recipient that has not replied: 7 and 1 days before its deadline, and after.

    Idempotent: every reminder has its key, so a second run the same day sends nothing new.
    The author hears once when the circular's deadline passes, with how many replied.
    """
    today = today or timezone.localdate()
    circulars = Circular.objects.sent().filter(
        reply_deadline__isnull=False, reply_deadline__gte=today - datetime.timedelta(days=60)
    )
    counts = {"due7": 0, "due1": 0, "passed": 0, "authors": 0}
    for circular in circulars.select_related("created_by"):
        recipients = list(circular.recipients.with_parties())
        for r in recipients:
            r.circular = circular
        due = [(r, stage) for r in recipients if (stage := reminder_stage(r, today))]
        users = users_of([r for r, _stage in due])
        for recipient, stage in due:
            subject, body = _reminder_texts(circular, recipient, stage)
            kind = NotificationKind.DEADLINE_PASSED if stage == "passed" else NotificationKind.DEADLINE_SOON
            with transaction.atomic():
                made = notify(
                    users.get(recipient.pk, []),
                    kind,
                    subject=subject,
                    body=body,
                    url=circular.get_absolute_url(),
                    dedupe_key=f"circular:{circular.pk}:recipient:{recipient.pk}:{stage}:{recipient.effective_deadline}",
                )
            counts[stage] += len(made)
        if circular.reply_deadline < today:
            replied = sum(1 for r in recipients if r.last_reply_at)
            subject, body = _author_texts(circular, replied, len(recipients))
            with transaction.atomic():
                made = notify(
                    [circular.created_by],
                    NotificationKind.DEADLINE_PASSED,
                    subject=subject,
                    body=body,
                    url=reverse("circulation:board", args=[circular.pk]),
                    dedupe_key=f"circular:{circular.pk}:passed:author",
                )
            counts["authors"] += len(made)
    return counts
