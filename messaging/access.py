"""Access rules for messages (registered with core.access): notifications and preferences are their
user's own; the e-mail outbox holds everyone's addresses and messages, so it is the TS's."""

from core.access import Policy, TSOnly, register, register_policy

from .models import Notification, NotificationPreference, OutboundEmail


@register(Notification)
@register(NotificationPreference)
class OwnRecordPolicy(Policy):
    """A user's own records: their notifications, preferences (and, in circulation, feed addresses)."""

    def can(self, p, action, obj):
        return p.is_authenticated and obj.user_id == p.user_id

    def can_create(self, p, **context):
        return p.is_authenticated

    def restrict(self, queryset, p, action):
        if not p.is_authenticated:
            return queryset.none()
        return queryset.filter(user_id=p.user_id)


# The outbox holds addresses and messages of everyone: the TS only.
register_policy(OutboundEmail, TSOnly())
