"""Meetings, their agenda and documents."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin, in_one_language, one_language_errors, require_one_language
from core.models import Visibility
from network.models import Body, Country, Organization


class MeetingKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (Technical Secretariat only)")
    PUBLISHED = "published", _("Published")


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__gte=on) | Q(end_date__isnull=True, start_date__gte=on))

    def in_month(self, year, month):
        first = datetime.date(year, month, 1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        return self.filter(start_date__lte=last).filter(
            Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
        )


class Meeting(BilingualMixin, models.Model):
    """A meeting of one body: a network's virtual meeting, an RCGM session, a workshop."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body"))
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    ordinal = models.PositiveSmallIntegerField(
        _("ordinal"), null=True, blank=True, help_text=_("The body's meeting number: 3 for its third meeting.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.ORDINARY)
    modality = models.CharField(_("modality"), max_length=12, choices=Modality.choices, default=Modality.IN_PERSON)
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("City and country, or venue."))
    link = models.URLField(_("link to join"), blank=True, help_text=_("Shown to network members only."))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty for a one-day meeting."))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone of the meeting"), max_length=64, default=settings.TIME_ZONE, help_text=_("e.g. America/Guatemala")
    )
    mandate_es = models.TextField(_("mandate (Spanish)"), blank=True)
    mandate_en = models.TextField(_("mandate (English)"), blank=True)
    delegations = models.ManyToManyField(
        Country, blank=True, related_name="meetings_attended", verbose_name=_("delegations present")
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="meetings_attended", verbose_name=_("organizations present")
    )
    convocation = models.OneToOneField(
        "circulation.Circular",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="convened_meeting",
        verbose_name=_("convocation circular"),
    )
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    visibility = models.CharField(
        _("who may see it once published"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    source_name = models.CharField(_("imported from"), max_length=200, blank=True)
    source_text = models.TextField(_("imported text"), blank=True)
    import_warnings = models.JSONField(
        _("import warnings"),
        default=list,
        blank=True,
        help_text=_("What to check: [{text, key}]; a warning goes once a person corrects what it is about."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seems to duplicate"),
        help_text=_("An imported report that seems to be already in Enlace waits for the TS to choose."),
    )
    translation_conflicts = models.JSONField(
        _("translation conflicts"),
        default=list,
        blank=True,
        help_text=_("Texts corrected by a person that the other language's import did not overwrite."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        "body", "title_es", "title_en", "ordinal", "kind", "modality", "place", "link", "start_date", "end_date",
        "starts_at", "ends_at", "time_zone", "mandate_es", "mandate_en", "visibility",
    )  # fmt: skip

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["start_date"], name="meeting_start_idx")]
        constraints = [
            in_one_language("title"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="meeting_end_after_start",
                violation_error_message=_("The last day cannot come before the first."),
            ),
        ]

    def __str__(self):
        title = self.localized("title") or str(_("Meeting"))
        if not self.start_date:
            return title
        return f"{title} ({formats.date_format(self.start_date, 'SHORT_DATE_FORMAT')})"  # in the reader's way

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def is_published(self):
        return self.status == MeetingStatus.PUBLISHED

    def has_started(self, now=None):
        """Has the meeting begun? Without a start time, it begins with its first day."""
        now = now or timezone.now()
        if self.starts_at:
            return now >= self.starts_at
        return timezone.localdate(now) >= self.start_date

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "title"))
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The meeting cannot end before it starts.")
        if (
            self.modality in (Modality.IN_PERSON, Modality.HYBRID)
            and not self.place
            and self.status == MeetingStatus.PUBLISHED
        ):
            errors["place"] = _("An in-person or hybrid meeting needs its place.")
        if self.time_zone:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                errors["time_zone"] = _("Unknown time zone: %(zone)s.") % {"zone": self.time_zone}
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    def warnings_to_check(self):
        """The import warnings still standing, as [{text, key}] (older imports kept plain texts)."""
        return [item if isinstance(item, dict) else {"text": str(item), "key": None} for item in self.import_warnings]


class AgendaItem(BilingualMixin, models.Model):
    """One point of a meeting's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title_es = models.CharField(pgettext_lazy("an agenda item", "item (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(pgettext_lazy("an agenda item", "item (English)"), max_length=300, blank=True)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [in_one_language("title")]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        require_one_language(self, "title", _("Give the item in Spanish or in English."))


class DocumentKind(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other document")


class MeetingDocument(models.Model):
    """A document attached to a meeting: a presentation, a concept note, the signed report."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("meeting"))
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(pgettext_lazy("an agenda item's title", "title"), max_length=300)
    file = models.FileField(_("file"), upload_to="meetings/documents/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "kind", "title"]

    def __str__(self):
        return self.title
