"""The handover of the Pro Tempore Presidency: what passes from one presidency to the next, and when."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import PPTPeriod


class Handover(models.Model):
    """The handover of one presidency to the next: prepared once its end is known, carried out on the change date."""

    outgoing = models.OneToOneField(
        PPTPeriod, on_delete=models.CASCADE, related_name="handover", verbose_name=_("outgoing presidency")
    )
    incoming = models.ForeignKey(
        PPTPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incoming presidency"),
        help_text=_("Empty until the Technical Secretariat records the next presidency."),
    )
    change_date = models.DateField(_("change date"), help_text=_("The first day of the next presidency."))
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    carried_out_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried out by"),
        help_text=_("Empty when the daily job carried it out."),
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-change_date"]

    def __str__(self):
        return str(_("Handover of %(period)s") % {"period": self.outgoing})

    @property
    def is_carried_out(self):
        return self.carried_out_at is not None


class ItemKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment of the PPT")
    REPORT = "report", _("Regional follow-up report")
    MEETING = "meeting", _("Meeting being convened")
    CIRCULAR = "circular", _("Circular awaiting replies")


class HandoverItem(models.Model):
    """One open item of the presidency as it stood at the change, kept as it was when things move on."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("handover"))
    position = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    # Texts: an item's label is an action as written in the report, which may hold line breaks.
    label_es = models.TextField(_("item (Spanish)"), blank=True)
    label_en = models.TextField(_("item (English)"), blank=True)
    state_es = models.CharField(_("state (Spanish)"), max_length=300, blank=True)
    state_en = models.CharField(_("state (English)"), max_length=300, blank=True)
    detail_es = models.TextField(_("details (Spanish)"), blank=True)
    detail_en = models.TextField(_("details (English)"), blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "position", "pk"]

    def __str__(self):
        return (self.label_en or self.label_es)[:80]


class HandoverKeep(models.Model):
    """The TS's decision that a commitment of the PPT stays with the outgoing country, with its reason."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="keeps", verbose_name=_("handover"))
    commitment = models.ForeignKey(
        "meetings.Commitment", on_delete=models.CASCADE, related_name="+", verbose_name=_("commitment")
    )
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment kept with the outgoing country")
        verbose_name_plural = _("commitments kept with the outgoing country")
        ordering = ["handover", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "commitment"],
                name="handover_keep_once",
                violation_error_message=_("This commitment is already kept with the outgoing country."),
            )
        ]

    def __str__(self):
        return f"{self.handover_id}: {self.commitment_id}"

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say why the commitment stays with the outgoing country.")})
