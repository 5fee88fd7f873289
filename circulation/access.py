"""Who may see, write, send and answer circulars (registered with core.access).

- The TS writes and sends circulars; so does the Pro Tempore Presidency (the officers of the
  country holding it) during its year, for its own drafts.
- A draft is seen by the TS and its author; a sent circular by the TS, its author, the PPT,
  and the people of its recipients: a recipient country's current liaison officers, a
  recipient organization's current staff and contact points, a named person.
- A recipient's people acknowledge and reply on its behalf; nobody else does.
- The tracking board (every recipient's state and replies) is for the TS and the author.
- A user's feed addresses are their own (as their notifications are: messaging.access).
- Messages received at reply addresses (kept 30 days as they came) are for the TS.
"""

from django.db.models import Exists, OuterRef, Q

from core.access import CHANGE, DELETE, VIEW, Policy, ThroughParent, TSOnly, register, register_policy
from messaging.access import OwnRecordPolicy

from .models import (
    Addressee,
    Circular,
    CircularAttachment,
    CircularRecipient,
    CircularStatus,
    FeedToken,
    InboundEmail,
    Reply,
    ReplyAttachment,
)

SEND = "send"
VIEW_BOARD = "view_board"
REPLY = "reply"
ACKNOWLEDGE = "acknowledge"


def may_circulate(p):
    """The TS, and the PPT during its year."""
    return p.is_ts or p.is_ppt


def is_author(p, circular):
    return p.user_id is not None and circular.created_by_id == p.user_id


def recipient_match(p, prefix=""):
    """A filter for recipients whose people include the user of `p`."""
    match = Q(**{f"{prefix}country_id__in": list(p.officer_countries)}) | Q(
        **{f"{prefix}organization_id__in": list(p.organizations)}
    )
    if p.person_id:
        match |= Q(**{f"{prefix}person_id": p.person_id})
    return match


def among_recipients(p, circular):
    """Is the user one of the circular's recipients' people today?"""
    cache = getattr(circular, "_prefetched_objects_cache", {})
    if "recipients" in cache:
        return any(r.includes(p) for r in cache["recipients"])
    if not p.is_authenticated:
        return False
    return CircularRecipient.objects.filter(recipient_match(p), circular=circular).exists()


@register(Circular)
class CircularPolicy(Policy):
    def can(self, p, action, obj):
        if not p.is_authenticated:
            return False
        if action == VIEW:
            if p.is_ts or is_author(p, obj):
                return True
            return obj.status == CircularStatus.SENT and (p.is_ppt or among_recipients(p, obj))
        if action == VIEW_BOARD:
            return p.is_ts or is_author(p, obj)
        if action in (CHANGE, DELETE, SEND):
            if obj.status != CircularStatus.DRAFT:
                return False
            return p.is_ts or (is_author(p, obj) and p.is_ppt)
        return False

    def can_create(self, p, **context):
        return may_circulate(p)

    def restrict(self, queryset, p, action):
        if not p.is_authenticated:
            return queryset.none()
        if p.is_ts:
            return queryset
        mine = Q(created_by_id=p.user_id)
        if action == VIEW:
            if p.is_ppt:
                return queryset.filter(mine | Q(status=CircularStatus.SENT))
            addressed = Exists(CircularRecipient.objects.filter(recipient_match(p), circular=OuterRef("pk")))
            return queryset.filter(mine | (Q(status=CircularStatus.SENT) & addressed))
        if action in (CHANGE, SEND, DELETE) and p.is_ppt:
            return queryset.filter(mine, status=CircularStatus.DRAFT)
        if action == VIEW_BOARD:
            return queryset.filter(mine)
        return queryset.none()


@register(CircularRecipient)
class RecipientPolicy(Policy):
    """A recipient's state: seen by the board's readers and by its own people, who answer for it."""

    def can(self, p, action, obj):
        if not p.is_authenticated:
            return False
        circular = obj.circular
        if action == VIEW:
            return CircularPolicy().can(p, VIEW_BOARD, circular) or (circular.is_sent and obj.includes(p))
        if action in (REPLY, ACKNOWLEDGE):
            return circular.is_sent and obj.includes(p)
        return False

    def can_create(self, p, **context):
        return may_circulate(p)

    def restrict(self, queryset, p, action):
        if not p.is_authenticated:
            return queryset.none()
        if action == VIEW:
            if p.is_ts:
                return queryset
            own = Q(circular__status=CircularStatus.SENT) & recipient_match(p)
            return queryset.filter(Q(circular__created_by_id=p.user_id) | own)
        if action in (REPLY, ACKNOWLEDGE):
            return queryset.filter(recipient_match(p), circular__status=CircularStatus.SENT)
        return queryset.none()


@register(Reply)
class ReplyPolicy(Policy):
    """A reply is read by the board's readers and by the people of the recipient that sent it."""

    def can(self, p, action, obj):
        if action == VIEW:
            return RecipientPolicy().can(p, VIEW, obj.recipient)
        return False

    def can_create(self, p, recipient=None, **context):
        return recipient is not None and RecipientPolicy().can(p, REPLY, recipient)

    def restrict(self, queryset, p, action):
        if action != VIEW or not p.is_authenticated:
            return queryset.none()
        if p.is_ts:
            return queryset
        return queryset.filter(Q(circular__created_by_id=p.user_id) | recipient_match(p, "recipient__"))


@register(CircularAttachment)
class CircularAttachmentPolicy(Policy):
    def can(self, p, action, obj):
        if action == VIEW:
            return CircularPolicy().can(p, VIEW, obj.circular)
        return CircularPolicy().can(p, CHANGE, obj.circular)

    def restrict(self, queryset, p, action):
        visible = CircularPolicy().restrict(Circular.objects.all(), p, action)
        return queryset.filter(circular__in=visible)


@register(ReplyAttachment)
class ReplyAttachmentPolicy(Policy):
    def can(self, p, action, obj):
        return action == VIEW and ReplyPolicy().can(p, VIEW, obj.reply)

    def restrict(self, queryset, p, action):
        return queryset.filter(reply__in=ReplyPolicy().restrict(Reply.objects.all(), p, action))


# A user's feed addresses are their own, like their notifications.
register_policy(FeedToken, OwnRecordPolicy())


# A person a circular was addressed to, within a recipient row: that row's rules.
register_policy(Addressee, ThroughParent("recipient"))

# Messages received at the reply addresses, as they came: the TS reads them (what was recorded is the
# reply, shown on the circular's page to whoever may see it).
register_policy(InboundEmail, TSOnly())
