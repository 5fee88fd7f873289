"""Circulars to member countries and organizations, their replies, notifications and the e-mail outbox."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import BilingualMixin
from core.versioning import Versioned


def _upload_to(folder):
    def path(instance, filename):
        # A random folder per file: names are not guessable, and two files may share a name.
        return f"{folder}/{timezone.now():%Y}/{uuid.uuid4().hex}/{filename}"

    path.__qualname__ = f"upload_to_{folder}"
    return path


def circular_upload_to(instance, filename):
    return _upload_to("circulars")(instance, filename)


def reply_upload_to(instance, filename):
    return _upload_to("circular-replies")(instance, filename)


class CircularKind(models.TextChoices):
    INFORMATION_NOTE = "information_note", _("Information note")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    REQUEST = "request", _("Request")
    CALL = "call", _("Call")
    CONSULTATION = "consultation", _("Consultation on a draft report")


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class CircularQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=CircularStatus.SENT)

    def drafts(self):
        return self.filter(status=CircularStatus.DRAFT)

    def addressed_to(self, *, countries=(), organizations=(), person_id=None):
        """Circulars with a recipient among these countries, organizations or this person."""
        match = Q(country_id__in=list(countries)) | Q(organization_id__in=list(organizations))
        if person_id:
            match |= Q(person_id=person_id)
        return self.filter(Exists(CircularRecipient.objects.filter(match, circular=OuterRef("pk"))))


class Circular(BilingualMixin, Versioned, models.Model):
    """A note the TS (or the PPT) circulates to member countries, organizations or named people."""

    kind = models.CharField(_("kind"), max_length=20, choices=CircularKind.choices)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_es = models.TextField(_("text (Spanish)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    reply_deadline = models.DateField(
        _("reply deadline"), null=True, blank=True, help_text=_("Leave empty when no reply is expected.")
    )
    status = models.CharField(_("status"), max_length=10, choices=CircularStatus.choices, default=CircularStatus.DRAFT)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fulfils (record type)"),
    )
    target_id = models.PositiveBigIntegerField(_("fulfils (record)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_fulfilled_at = models.DateTimeField(_("fulfilment recorded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    # Given when it is sent, in the pattern the TS sets (core.DocumentSettings): "CRM/ST/2026/007".
    reference = models.CharField(_("reference"), max_length=80, blank=True, editable=False)
    reference_year = models.PositiveSmallIntegerField(_("year of the reference"), null=True, blank=True, editable=False)
    reference_seq = models.PositiveIntegerField(_("number in the year"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = CircularQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("kind", "title_es", "title_en", "body_es", "body_en", "reply_deadline")

    class Meta:
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        ordering = ["-sent_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_type__isnull=True, target_id__isnull=True)
                | Q(target_type__isnull=False, target_id__isnull=False),
                name="circular_target_complete",
            ),
            models.UniqueConstraint(
                fields=["reference_year", "reference_seq"],
                condition=Q(reference_seq__isnull=False),
                name="circular_reference_unique_per_year",
                violation_error_message=_("This reference number is already taken this year."),
            ),
        ]

    def __str__(self):
        return self.localized("title") or str(_("(untitled circular)"))

    def get_absolute_url(self):
        return reverse("circulation:detail", args=[self.pk])

    def titled(self, lang=None):
        """The title with its reference in front, as e-mails and exports name it: "CRM/ST/2026/007 · Title"."""
        title = self.localized("title", lang) or str(_("(untitled circular)"))
        return f"{self.reference} · {title}" if self.reference else title

    @property
    def is_sent(self):
        return self.status == CircularStatus.SENT

    @property
    def is_draft(self):
        return self.status == CircularStatus.DRAFT

    def deadline_passed(self, today=None):
        today = today or timezone.localdate()
        return bool(self.reply_deadline and self.reply_deadline < today)

    def clean(self):
        errors = {}
        if not (self.title_es.strip() or self.title_en.strip()):
            errors["title_es"] = _("Give the title in Spanish or in English.")
        if self.is_draft and self.reply_deadline and self.reply_deadline < timezone.localdate():
            errors["reply_deadline"] = _("The reply deadline has already passed: choose today or a later date.")
        if errors:
            raise ValidationError(errors)


class CircularRecipientQuerySet(models.QuerySet):
    def with_parties(self):
        return self.select_related("country", "organization", "person")


class CircularRecipient(models.Model):
    """A country, organization or person a circular is addressed to, with its read and answer state."""

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("circular")
    )
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    person = models.ForeignKey(
        "network.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    first_read_at = models.DateTimeField(_("first read"), null=True, blank=True)
    first_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first read by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    last_reply_at = models.DateTimeField(_("last reply"), null=True, blank=True)
    deadline = models.DateField(
        _("extended deadline"), null=True, blank=True, help_text=_("Empty: the circular's reply deadline.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = CircularRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["country__code", "organization__name_es", "person__family_names", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, organization__isnull=True, person__isnull=True)
                | Q(country__isnull=True, organization__isnull=False, person__isnull=True)
                | Q(country__isnull=True, organization__isnull=True, person__isnull=False),
                name="recipient_is_one_party",
            ),
            models.UniqueConstraint(
                fields=["circular", "country"], condition=Q(country__isnull=False), name="recipient_country_once"
            ),
            models.UniqueConstraint(
                fields=["circular", "organization"],
                condition=Q(organization__isnull=False),
                name="recipient_organization_once",
            ),
            models.UniqueConstraint(
                fields=["circular", "person"], condition=Q(person__isnull=False), name="recipient_person_once"
            ),
        ]

    def __str__(self):
        return f"{self.circular} → {self.party}"

    @property
    def party(self):
        return self.country or self.organization or self.person

    @property
    def party_kind(self):
        if self.country_id:
            return "country"
        if self.organization_id:
            return "organization"
        return "person"

    def state(self, today=None):
        """Return 'replied', 'acknowledged', 'read' or 'unread'."""
        if self.last_reply_at:
            return "replied"
        if self.acknowledged_at:
            return "acknowledged"
        if self.first_read_at:
            return "read"
        return "unread"

    @property
    def effective_deadline(self):
        return self.deadline or self.circular.reply_deadline

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        deadline = self.effective_deadline
        return self.circular.is_sent and not self.last_reply_at and bool(deadline and deadline < today)

    def includes(self, principal):
        """Is the user of this Principal one of this recipient's people today?"""
        if self.country_id:
            return self.country_id in principal.officer_countries
        if self.organization_id:
            return self.organization_id in principal.organizations
        return principal.person_id is not None and self.person_id == principal.person_id


class Addressee(models.Model):
    """A person a recipient resolved to when the circular was sent: who received it, for the record."""

    recipient = models.ForeignKey(
        CircularRecipient, on_delete=models.CASCADE, related_name="addressees", verbose_name=_("recipient")
    )
    person = models.ForeignKey("network.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [models.UniqueConstraint(fields=["recipient", "person"], name="addressee_once")]

    def __str__(self):
        return str(self.person)


class CircularAttachment(models.Model):
    """A document attached to a circular (checked by core.uploads)."""

    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("circular")
    )
    file = models.FileField(_("file"), upload_to=circular_upload_to, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("circulation:attachment", args=[self.circular_id, self.pk])


class ReplyChannel(models.TextChoices):
    PAGE = "page", _("on Enlace")
    EMAIL = "email", _("by e-mail")


class Reply(models.Model):
    """A recipient's answer to a circular: text and documents."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="replies", verbose_name=_("circular"))
    recipient = models.ForeignKey(
        CircularRecipient, on_delete=models.CASCADE, related_name="replies", verbose_name=_("on behalf of")
    )
    text = models.TextField(_("reply"), blank=True, max_length=20000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    via = models.CharField(_("received"), max_length=8, choices=ReplyChannel.choices, default=ReplyChannel.PAGE)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self):
        return str(_("Reply of %(party)s to %(circular)s") % {"party": self.recipient.party, "circular": self.circular})

    def get_absolute_url(self):
        return reverse("circulation:detail", args=[self.circular_id]) + f"#reply-{self.pk}"


class ReplyAttachment(models.Model):
    """A document attached to a reply."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("reply"))
    file = models.FileField(_("file"), upload_to=reply_upload_to, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply attachment")
        verbose_name_plural = _("reply attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("circulation:reply_attachment", args=[self.reply.circular_id, self.pk])


class FeedToken(models.Model):
    """The secret in a user's activity-feed URL; only its hash is kept, and it can be revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("user")
    )
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("feed address")
        verbose_name_plural = _("feed addresses")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({self.prefix}…)"


class InboundStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded as a reply")
    REFUSED = "refused", _("Not recorded")


def inbound_upload_to(instance, filename):
    return f"inbound/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.eml"


class InboundEmail(models.Model):
    """A message received at a circular's reply address, kept as it came for 30 days (circulation.inbound)."""

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    mail_from = models.CharField(_("from"), max_length=320, blank=True)
    rcpt_to = models.CharField(_("to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message_id = models.CharField(_("message id"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    raw = models.FileField(_("message"), upload_to=inbound_upload_to, max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InboundStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recipient = models.ForeignKey(
        CircularRecipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("for")
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reply")
    )

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        ordering = ["-received_at", "-id"]
        constraints = [
            # The same message delivered twice to the same address is recorded once (circulation.inbound).
            models.UniqueConstraint(
                fields=["message_id", "rcpt_to"],
                condition=Q(status="recorded"),
                name="inbound_recorded_once",
            )
        ]

    def __str__(self):
        return f"{self.mail_from} → {self.rcpt_to} ({self.get_status_display()})"
