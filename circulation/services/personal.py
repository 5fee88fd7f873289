"""Each user's notifications, e-mail preferences, outbox actions and feed tokens."""

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import hash_secret
from core import access
from core.refusals import STATE, refusal
from messaging import outbox
from messaging.models import Delivery, EmailState, Notification, NotificationKind, NotificationPreference, OutboundEmail

from ..models import FeedToken

# ---- notifications and preferences ---------------------------------------------------------


def mark_notification_read(notification: Notification, *, acting_user: Any) -> Notification:
    access.require(acting_user, access.CHANGE, notification)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
    return notification


def mark_all_notifications_read(*, acting_user: Any) -> int:
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    return Notification.objects.filter(user=acting_user, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def set_notification_preferences(*, acting_user: Any, default: str, per_kind: dict[str, str] | None = None) -> None:
    """Set how the user gets e-mail: a default, and optionally per kind (None = as the default)."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    valid = set(Delivery.values)
    if default not in valid:
        raise ValidationError({"default": _("Choose immediately, daily digest or off.")})
    per_kind = per_kind or {}
    unknown = set(per_kind) - set(NotificationKind.values)
    if unknown:
        raise ValidationError(
            {"kind": _("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}}
        )
    for kind, delivery in per_kind.items():
        if delivery not in valid and delivery not in (None, ""):
            raise ValidationError({kind: _("Choose immediately, daily digest or off.")})
    NotificationPreference.objects.update_or_create(user=acting_user, kind="", defaults={"delivery": default})
    for kind, delivery in per_kind.items():
        if delivery:
            NotificationPreference.objects.update_or_create(
                user=acting_user, kind=kind, defaults={"delivery": delivery}
            )
        else:
            NotificationPreference.objects.filter(user=acting_user, kind=kind).delete()


# ---- the outbox (TS) -----------------------------------------------------------------------


def _outbox_action(email: OutboundEmail, acting_user: Any, note: str) -> None:
    from core.audit import record
    from core.models import AuditAction

    access.require(acting_user, access.CHANGE, email)
    record(AuditAction.UPDATE, email, changes={"state": [email.state, note]}, actor=acting_user)


@transaction.atomic
def retry_email(email: OutboundEmail, *, acting_user: Any) -> None:
    """Queue a failed, unconfirmed or cancelled e-mail again (the TS accepts it may arrive twice)."""
    _outbox_action(email, acting_user, EmailState.QUEUED)
    if not outbox.retry_now(email):
        raise refusal(STATE, _("Only a failed, unconfirmed or cancelled e-mail can be queued again."))


@transaction.atomic
def confirm_email_sent(email: OutboundEmail, *, acting_user: Any) -> None:
    """Close an unconfirmed or failed e-mail as delivered (the TS checked it arrived)."""
    _outbox_action(email, acting_user, EmailState.SENT)
    if not outbox.settle(email, EmailState.SENT):
        raise refusal(STATE, _("This e-mail is not waiting for a decision."))


@transaction.atomic
def cancel_email(email: OutboundEmail, *, acting_user: Any) -> None:
    _outbox_action(email, acting_user, EmailState.CANCELLED)
    if not outbox.settle(email, EmailState.CANCELLED):
        raise refusal(STATE, _("This e-mail is not waiting for a decision."))


# ---- the activity feed's secret address -----------------------------------------------------


@transaction.atomic
def create_feed_token(*, acting_user: Any) -> str:
    """Make a new secret feed address for the user, revoking the previous ones. Return the raw secret."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    FeedToken.objects.filter(user=acting_user, revoked_at=None).update(revoked_at=timezone.now())
    raw = secrets.token_urlsafe(24)
    FeedToken.objects.create(user=acting_user, prefix=raw[:8], key_hash=hash_secret(raw))
    return raw


def revoke_feed_tokens(*, acting_user: Any) -> int:
    return FeedToken.objects.filter(user=acting_user, revoked_at=None).update(revoked_at=timezone.now())


def user_for_feed_token(raw: str | None) -> Any:
    if not raw or len(raw) > 100:
        return None
    token = FeedToken.objects.filter(key_hash=hash_secret(raw), revoked_at=None).select_related("user").first()
    if token is None or not token.user.is_active:
        return None
    return token.user
