"""What every domain shares: visibility of unpublished records and per-object grants."""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Visibility(models.TextChoices):
    """Who may see a record that can be unpublished."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Network members")
    TS = "ts", _("Technical Secretariat only")


class GrantPermission(models.TextChoices):
    """Rights that can be given on a single object."""

    CHANGE = "change", _("Edit")
    REVIEW = "review", pgettext_lazy("a right to review an object", "Review")
    LEAD = "lead", pgettext_lazy("a right to lead an object", "Lead")


class Grant(models.Model):
    """Give one user a right on one object (the reviewer of a compilation, the lead of an analysis)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user")
    )
    permission = models.CharField(_("permission"), max_length=20, choices=GrantPermission.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("record type"))
    # Text, so that records with integer and UUID keys (HSDS services) can both be named.
    object_id = models.CharField(_("record"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "permission", "content_type", "object_id"], name="grant_unique_per_object"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_permission_display()} · {self.content_type.model} #{self.object_id}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    LOCKED_OUT = "locked_out", _("Locked out")
    REFUSED = "refused", _("Access refused")
    INVITED = "invited", _("Invited")
    ACCOUNT = "account", _("Account change")


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")


class AuditEntry(models.Model):
    """One change or security event: who, when, what, and the values before and after."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record"), max_length=64, null=True, blank=True)
    object_repr = models.CharField(_("record (as recorded)"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def change_rows(self):
        """Return (field label, before, after) for display, labels in the reader's language."""
        model = self.content_type.model_class() if self.content_type_id else None
        rows = []
        for name, (before, after) in self.changes.items():
            field = None
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except Exception:  # noqa: BLE001 - a field removed since keeps its raw name
                    field = None
            label = str(field.verbose_name) if field is not None else name
            rows.append((label[:1].upper() + label[1:], _shown(before, field), _shown(after, field)))
        return rows


def _shown(value, field=None):
    """Show a recorded value in the reader's language (choices by their label)."""
    if field is not None and field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


DEFAULT_CIRCULAR_REFERENCE = "CRM/ST/{year}/{seq:03}"
REFERENCE_FIELD = re.compile(r"\{(\w*)(?::([^{}]*))?\}")


def validate_reference_pattern(pattern):
    """A circular reference pattern holds {year} and {seq} (e.g. {seq:03}), and nothing else in braces."""
    names = [name for name, _spec in REFERENCE_FIELD.findall(pattern)]
    unknown = sorted({name for name in names if name not in ("year", "seq")})
    if unknown:
        raise ValidationError(
            _("Only {year} and {seq} may be used in braces; remove: %(fields)s.")
            % {"fields": ", ".join("{" + name + "}" for name in unknown)}
        )
    if "seq" not in names or "year" not in names:
        raise ValidationError(_("The pattern must hold {year} and {seq}, e.g. CRM/ST/{year}/{seq:03}."))
    try:
        example = pattern.format(year=2026, seq=1)
    except (ValueError, IndexError, KeyError):
        raise ValidationError(_("Write {seq} or {seq:03} (three digits, with zeros in front).")) from None
    if len(example) > 60:
        raise ValidationError(_("The reference is too long: at most 60 characters."))


class DocumentSettings(models.Model):
    """The network's settings for its official documents, kept by the TS: the logo and the circulars' reference."""

    SINGLETON = 1

    logo = models.FileField(
        _("logo"),
        upload_to="documents/",
        blank=True,
        help_text=_("PNG or JPEG, shown in the header of every Word and PDF document."),
    )
    circular_reference = models.CharField(
        _("reference of circulars"),
        max_length=80,
        default=DEFAULT_CIRCULAR_REFERENCE,
        validators=[validate_reference_pattern],
        help_text=_("{year} is the year it is sent, {seq} its number in that year; {seq:03} writes 001."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")

    def __str__(self):
        return str(_("Document settings"))

    @classmethod
    def current(cls):
        """The one row of settings (created with the defaults the first time)."""
        try:
            return cls.objects.get_or_create(pk=cls.SINGLETON)[0]
        except IntegrityError:  # created at the same moment by another request
            return cls.objects.get(pk=cls.SINGLETON)

    def reference(self, year, seq):
        return self.circular_reference.format(year=year, seq=seq)


class PreparedStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PreparedExport(models.Model):
    """A download too big for one request, built by the task worker and kept in storage (core.prepared)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    family = models.CharField(_("same export, any version"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=40)
    members = models.BooleanField(_("for network members"), default=False)
    lang = models.CharField(_("language"), max_length=5)
    params = models.JSONField(_("parameters"), default=dict)
    version = models.BigIntegerField(_("content version"))
    status = models.CharField(_("status"), max_length=10, choices=PreparedStatus.choices, default=PreparedStatus.QUEUED)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    asked_at = models.DateTimeField(_("last asked for"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("prepared export")
        verbose_name_plural = _("prepared exports")
        indexes = [models.Index(fields=["kind", "created_at"], name="prepared_kind_created")]

    def __str__(self):
        return f"{self.kind} ({self.get_status_display()})"
