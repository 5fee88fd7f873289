"""Imports in the background, calendar feeds and the delegates countries register."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Body, Country

from .meeting import Meeting


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Reading the report")
    DONE = "done", _("Done")
    FAILED = "failed", _("Not imported")


class ImportJob(models.Model):
    """A big report imported in the background (`meetings.tasks.run_import`): where it stands."""

    file = models.FileField(_("report"), upload_to="meetings/imports/%Y/")
    source_name = models.CharField(_("file name"), max_length=200)
    body = models.ForeignKey(Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    start_date = models.DateField(_("first day"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("meeting")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report import")
        verbose_name_plural = _("report imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    def get_absolute_url(self):
        return reverse("meetings:import_job", args=[self.pk])


class CalendarFeed(models.Model):
    """A user's secret iCalendar address for upcoming meetings; revoking it stops it for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("user")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("begins with"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.prefix}…"

    @property
    def is_active(self):
        return self.revoked_at is None


class DelegateQuerySet(models.QuerySet):
    def for_page(self):
        return self.select_related("country", "registered_by__person").order_by("country__code", "registered_at", "pk")


class Delegate(models.Model):
    """A person a country registers in its delegation to a meeting; the registrations make the attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates", verbose_name=_("meeting"))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    person = models.ForeignKey(
        "network.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("person in the directory"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    objects = DelegateQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["meeting", "country__code", "registered_at", "pk"]

    def __str__(self):
        return f"{self.name} ({self.country_id})"
