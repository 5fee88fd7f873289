"""The circulars' part of 'My work': circulars to answer or acknowledge, drafts to send."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.mywork import WorkItem, register

from .models import Circular, CircularRecipient, CircularStatus


@register
def circulars_to_answer(user):
    principal = access.principal_for(user)
    if not principal.is_authenticated:
        return []
    from .access import recipient_match

    today = timezone.localdate()
    items = []
    waiting = (
        CircularRecipient.objects.filter(recipient_match(principal), circular__status=CircularStatus.SENT)
        .filter(last_reply_at__isnull=True)
        .select_related("circular", "country", "organization", "person")
        .order_by("circular__sent_at")
    )
    for recipient in waiting:
        circular = recipient.circular
        deadline = recipient.effective_deadline
        if deadline:
            kind = _("Circular to answer")
        elif recipient.acknowledged_at is None:
            kind = _("Circular to acknowledge")
        else:
            continue
        items.append(
            WorkItem(
                kind=kind,
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
