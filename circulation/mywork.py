"""The circulars' part of 'My work': circulars to answer or acknowledge, drafts to send."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import access
from core.mywork import Bar, Figure, Segment, WorkItem, register, register_figures

from .access import VIEW_BOARD
from .models import Circular, CircularRecipient
from .queries import awaiting


@register
def circulars_to_answer(user):
    principal = access.principal_for(user)
    if not principal.is_authenticated:
        return []
    today = timezone.localdate()
    items = []
    for recipient in awaiting(user):
        circular = recipient.circular
        deadline = recipient.effective_deadline
        items.append(
            WorkItem(
                kind=_("Circular to answer") if deadline else _("Circular to acknowledge"),
                title=str(circular),
                url=circular.get_absolute_url(),
                due=deadline,
                detail=_("for %(party)s") % {"party": recipient.party},
                overdue=bool(deadline and deadline < today),
            )
        )
    drafts = access.restrict(Circular.objects.drafts().filter(created_by=user), user, access.CHANGE)
    for circular in drafts:
        items.append(WorkItem(kind=_("Circular draft to send"), title=str(circular), url=circular.get_absolute_url()))
    return items


@register_figures
def circular_figures(user, recent=6):
    """Circulars waiting for the reader's answer; reply rates of the recent circulars whose board they read."""
    principal = access.principal_for(user)
    if not principal.is_authenticated:
        return []
    figures = []
    today = timezone.localdate()
    if principal.officer_countries or principal.organizations:
        waiting = awaiting(user)
        url = reverse("circulation:inbox") + "?waiting=1"
        late = sum(1 for r in waiting if r.effective_deadline and r.effective_deadline < today)
        to_answer = sum(1 for r in waiting if r.effective_deadline) - late
        segments = [
            Segment(pgettext("a reply not given by its deadline", "overdue"), late, url, "overdue"),
            Segment(_("to answer"), to_answer, url, "pending"),
            Segment(_("to acknowledge"), len(waiting) - late - to_answer, url, "neutral"),
        ]
        figures.append(
            Figure(_("Circulars waiting for our answer"), [Bar(_("Waiting"), segments, url)], url=url, order=30)
        )
    circulars = list(
        access.restrict(Circular.objects.sent(), user, VIEW_BOARD)
        .filter(reply_deadline__isnull=False)
        .order_by("-sent_at", "-pk")[:recent]
    )
    if circulars:
        counts = {
            row["circular_id"]: row
            for row in CircularRecipient.objects.filter(circular__in=circulars)
            .values("circular_id")
            .annotate(
                total=Count("pk"),
                replied=Count("pk", filter=Q(last_reply_at__isnull=False)),
                acknowledged=Count("pk", filter=Q(last_reply_at__isnull=True, acknowledged_at__isnull=False)),
            )
        }
        bars = []
        for circular in circulars:
            row = counts.get(circular.pk, {"total": 0, "replied": 0, "acknowledged": 0})
            board = reverse("circulation:board", args=[circular.pk])
            silent = row["total"] - row["replied"] - row["acknowledged"]
            segments = [
                Segment(_("replied"), row["replied"], board, "done"),
                Segment(_("acknowledged"), row["acknowledged"], board, "progress"),
                Segment(_("no answer yet"), silent, board, late_tone(circular, today)),
            ]
            bars.append(Bar(circular.reference or str(circular), segments, board))
        figures.append(Figure(_("Replies to recent circulars"), bars, order=40))
    return figures


def late_tone(circular, today):
    return "overdue" if circular.reply_deadline < today else "pending"
