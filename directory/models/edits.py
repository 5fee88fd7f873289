"""Changes proposed to a service, waiting for the country's review."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .services import Service


class EditStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PARTLY = "partly", _("Partly approved")


class ServiceEditQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=EditStatus.PENDING)


class ServiceEdit(models.Model):
    """A partner's proposed change to a service: a draft until a country officer or the TS decides
    each of its items (directory/proposals.py says what an item is)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="edits", verbose_name=_("service"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("proposed by")
    )
    changes = models.JSONField(_("proposed changes"), default=dict)
    before = models.JSONField(
        _("values when proposed"), default=dict, blank=True, help_text=_("What the service held, item by item.")
    )
    decisions = models.JSONField(
        _("decisions"), default=dict, blank=True, help_text=_("Per item: approved or not, and the reviewer's note.")
    )
    status = models.CharField(_("status"), max_length=10, choices=EditStatus.choices, default=EditStatus.PENDING)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ServiceEditQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.service} · {self.get_status_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("directory:edit_review", args=[self.pk])
