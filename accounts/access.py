"""Access rules for accounts (registered with core.access)."""

from core.access import CHANGE, VIEW, OwnedBy, Policy, register, register_policy

from .models import ApiToken, EmailChange, Invitation, User

# Ask to sign in with another address: only the account's owner, confirmed from that address.
REQUEST_EMAIL_CHANGE = "request_email_change"
# Set an account's sign-in address directly: only the TS (for someone who lost their mailbox).
SET_SIGN_IN_EMAIL = "set_sign_in_email"
# Invite a person to open their account: asked of the person's own policy (network.access).
INVITE = "invite"


@register(User)
class UserPolicy(Policy):
    """An account is seen and changed by its owner; the TS may set its sign-in address."""

    def can(self, p, action, obj):
        own = p.user_id is not None and obj.pk == p.user_id
        if action == VIEW:
            return own or p.is_ts
        if action == REQUEST_EMAIL_CHANGE:
            return own
        if action == SET_SIGN_IN_EMAIL:
            return p.is_ts and not obj.is_superuser
        return action == CHANGE and own

    def can_create(self, p, **context):
        return False

    def restrict(self, queryset, p, action):
        if p.is_ts and action == VIEW:
            return queryset
        return queryset.filter(pk=p.user_id) if p.user_id else queryset.none()


@register(EmailChange)
class EmailChangePolicy(Policy):
    """A sign-in address change is the business of its account's owner (and readable by the TS)."""

    def can(self, p, action, obj):
        own = p.user_id is not None and obj.user_id == p.user_id
        return own or (action == VIEW and p.is_ts)

    def can_create(self, p, **context):
        return p.user_id is not None

    def restrict(self, queryset, p, action):
        if p.is_ts and action == VIEW:
            return queryset
        return queryset.filter(user_id=p.user_id) if p.user_id else queryset.none()


# An API token and an invitation belong to whoever made them; the TS sees them all.
register_policy(ApiToken, OwnedBy("user"))
register_policy(Invitation, OwnedBy("invited_by"))
