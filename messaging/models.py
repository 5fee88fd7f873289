"""Messages to users, used by every domain app: notifications in Enlace and the e-mail outbox.

A notification is something one user should know, in their language, in Enlace and — as they
prefer — by e-mail at once or in a daily digest. Every e-mail goes through the outbox, which
sends each at most once. Domain apps call `messaging.notifications.notify(...)`; the pages that
show a user's notifications and the TS's outbox are circulation's.

The tables keep the names they had when circulation held these models (`circulation_*`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# ---- notifications --------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    CIRCULAR_RECEIVED = "circular_received", _("A circular received")
    DEADLINE_SOON = "deadline_soon", _("A reply deadline coming")
    DEADLINE_PASSED = "deadline_passed", _("A reply deadline passed")
    COMMITMENT_ASSIGNED = "commitment_assigned", _("A commitment assigned to my country or organization")
    REPORT_RETURNED = "report_returned", _("A report returned")
    REPORT_APPROVED = "report_approved", _("A report approved")
    PRACTICE_RETURNED = "practice_returned", _("A practice or resource I submitted returned or withdrawn")
    PRACTICE_PUBLISHED = "practice_published", _("A practice or resource I submitted published")
    REVIEW_REQUESTED = "review_requested", _("A draft awaiting my review")
    CHANGE_DECIDED = "change_decided", _("A change I proposed decided")
    OUTBOX_PROBLEM = "outbox_problem", _("An e-mail that could not be delivered (TS)")
    PRESIDENCY_HANDOVER = "presidency_handover", _("The handover of the Pro Tempore Presidency")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("By e-mail, immediately")
    DIGEST = "digest", _("By e-mail, in a daily digest")
    OFF = "off", _("No e-mail (in Enlace only)")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should know, in Enlace and (by their preference) by e-mail, in their language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(_("key"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.ForeignKey(
        "OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=pgettext_lazy("an e-mail message", "e-mail"),
    )
    # Its subject and text in every language of the site ({"es": [subject, body], "en": [...]}), so
    # that each reader reads it in the language they read Enlace in, whatever the recipient's language
    # was when it was created. `subject` and `body` keep the recipient's language (e-mail, older rows).
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "circulation_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.subject_text

    def _in_reading_language(self, index, fallback):
        worded = self.texts.get((translation.get_language() or "").split("-")[0])
        return worded[index] if worded else fallback

    @property
    def subject_text(self):
        """The subject in the language the reader reads Enlace in now."""
        return self._in_reading_language(0, self.subject)

    @property
    def body_text(self):
        return self._in_reading_language(1, self.body)


class NotificationPreference(models.Model):
    """How a user wants e-mail for one kind of notification; an empty kind is their default for all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        db_table = "circulation_notificationpreference"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} · {self.kind or '*'} · {self.delivery}"


# ---- the e-mail outbox ------------------------------------------------------------------------


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being handed to the mail server")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up retrying)")
    UNCONFIRMED = "unconfirmed", _("Hand-off never confirmed")
    CANCELLED = "cancelled", _("Cancelled")


# States the TS should look at.
EMAIL_PROBLEM_STATES = (EmailState.FAILED, EmailState.UNCONFIRMED)


class OutboundEmailQuerySet(models.QuerySet):
    def problems(self):
        return self.filter(state__in=EMAIL_PROBLEM_STATES)

    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(state=EmailState.QUEUED, next_attempt_at__lte=now)


class OutboundEmail(models.Model):
    """One e-mail to one address: sent at most once, thanks to its key and its states.

    queued → sending (claimed by one worker) → sent; on an error back to queued with a later
    attempt, then failed after the last attempt; a claim never confirmed becomes unconfirmed
    and waits for the TS instead of being sent again.
    """

    dedupe_key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # Where an answer goes (a circular's reply address, circulation.inbound); empty: the sender.
    reply_to = models.EmailField(_("reply to"), max_length=254, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        db_table = "circulation_outboundemail"
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.to}: {self.subject}"
