"""Meetings of the network's bodies, their reports to the RCGM, and the commitments in them."""

import datetime
import re
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import BilingualMixin
from core.models import Visibility
from core.versioning import Versioned
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

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["start_date"], name="meeting_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="meeting_end_after_start",
                violation_error_message=_("The last day cannot come before the first."),
            )
        ]

    def __str__(self):
        title = self.localized("title") or str(_("Meeting"))
        return f"{title} ({self.start_date.isoformat()})" if self.start_date else title

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
        if not (self.title_es or self.title_en):
            errors["title_es"] = _("Give the title in Spanish or in English.")
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The meeting cannot end before it starts.")
        if self.modality in (Modality.IN_PERSON, Modality.HYBRID) and not self.place and self.status == "published":
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
    title_es = models.CharField(_("item (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("item (English)"), max_length=300, blank=True)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        if not (self.title_es or self.title_en):
            raise ValidationError({"title_es": _("Give the item in Spanish or in English.")})


class DocumentKind(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other document")


class MeetingDocument(models.Model):
    """A document attached to a meeting: a presentation, a concept note, the signed report."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("meeting"))
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="meetings/documents/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "kind", "title"]

    def __str__(self):
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class ReportVersionQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)


class ReportVersion(BilingualMixin, models.Model):
    """One version of a meeting's report to the RCGM; approving it locks it, corrections make a new one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports", verbose_name=_("meeting"))
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    participants_es = models.TextField(
        _("participants paragraph (Spanish)"), blank=True, help_text=_("Who met, how, under which mandate.")
    )
    participants_en = models.TextField(_("participants paragraph (English)"), blank=True)
    submission_es = models.TextField(
        _("submission line (Spanish)"), blank=True, help_text=_("e.g. “The Network submits its report to the RCGM…”")
    )
    submission_en = models.TextField(_("submission line (English)"), blank=True)
    correction_note = models.CharField(_("what this correction changes"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="report_version_unique_number"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status="draft"),
                name="report_one_draft_per_meeting",
                violation_error_message=_("This meeting already has a draft report."),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · v{self.number}"

    @property
    def is_draft(self):
        return self.status == ReportStatus.DRAFT

    @property
    def is_locked(self):
        return self.status != ReportStatus.DRAFT


class AgreementKind(models.TextChoices):
    THANKS = "thanks", _("Thanks")
    TAKES_NOTE = "takes_note", _("Takes note")
    RECEIVES = "receives", _("Receives")
    APPROVES = "approves", _("Approves")
    REAFFIRMS = "reaffirms", _("Reaffirms")
    WELCOMES = "welcomes", _("Welcomes")
    AGREES = "agrees", _("Agrees")
    RECOMMENDS_TO_RCGM = "recommends_to_rcgm", _("Recommends to the RCGM")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")


class AgreementQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("position", "sub_position", "pk")


class Agreement(BilingualMixin, models.Model):
    """A numbered agreement of a report, or one of its lettered sub-items."""

    version = models.ForeignKey(
        ReportVersion, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("report version")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="items", verbose_name=_("agreement")
    )
    key = models.UUIDField(_("identity across versions"), default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"), default=1, help_text=_("Order of the numbered agreement."))
    sub_position = models.PositiveIntegerField(_("position of the sub-item"), default=0)
    number = models.CharField(_("number"), max_length=10)
    letter = models.CharField(_("letter"), max_length=3, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices, default=AgreementKind.OTHER)
    text_es = models.TextField(_("text (Spanish)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    source_text = models.TextField(_("imported text"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    edited_fields = models.JSONField(
        _("fields corrected by a person"), default=list, blank=True, help_text=_("An import never overwrites them.")
    )
    rcgm_decision = models.CharField(
        _("RCGM decision"), max_length=14, choices=Decision.choices, default=Decision.PENDING
    )
    rcgm_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rcgm_decisions",
        verbose_name=_("RCGM meeting that decided"),
    )
    rcgm_note = models.CharField(_("decision note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["version", "position", "sub_position", "pk"]
        indexes = [models.Index(fields=["key"], name="agreement_key_idx")]

    def __str__(self):
        return f"{self.ref}. {self.localized('text')[:80]}"

    @property
    def ref(self):
        return f"{self.number}{self.letter}"

    @property
    def is_item(self):
        return self.parent_id is not None

    @property
    def is_recommendation(self):
        return self.kind == AgreementKind.RECOMMENDS_TO_RCGM

    def label(self):
        """The number as printed: `4.` for an agreement, `a)` for a sub-item."""
        return f"{self.letter})" if self.letter else f"{self.number}."

    def clean(self):
        if self.rcgm_decision != Decision.PENDING and self.kind != AgreementKind.RECOMMENDS_TO_RCGM:
            raise ValidationError({"rcgm_decision": _("Only recommendations to the RCGM carry its decision.")})


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS)
CLOSED_STATUSES = (CommitmentStatus.DONE, CommitmentStatus.DROPPED)
DUE_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")


def period_end(period):
    """Return the last day of a due period `YYYY` or `YYYY-Qn`, or None when it is not one."""
    match = DUE_PERIOD_RE.match(period or "")
    if not match:
        return None
    year = int(match["year"])
    if not match["quarter"]:
        return datetime.date(year, 12, 31)
    month = int(match["quarter"]) * 3
    return (datetime.date(year, month, 1) + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


class CommitmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, on=None):
        return self.open().filter(due_by__lt=on or timezone.localdate())

    def with_actors(self):
        return self.select_related("meeting", "meeting__body", "agreement").prefetch_related(
            models.Prefetch("actors", queryset=CommitmentActor.objects.select_related("country", "organization"))
        )

    def for_board(self):
        """Lists: the meeting's and agreement's long texts stay in the database (narrow rows to sort)."""
        return self.with_actors().defer(
            "meeting__source_text",
            "meeting__import_warnings",
            "meeting__mandate_es",
            "meeting__mandate_en",
            "agreement__text_es",
            "agreement__text_en",
            "agreement__source_text",
        )


class Commitment(BilingualMixin, Versioned, models.Model):
    """Something an actor undertook in a report: its action, when it is due, and where it stands."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("meeting")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("source agreement")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    action_es = models.TextField(_("action (Spanish)"), blank=True)
    action_en = models.TextField(_("action (English)"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_period = models.CharField(
        _("due period"), max_length=7, blank=True, help_text=_("A year (2018) or a quarter (2018-Q1).")
    )
    due_by = models.DateField(_("due by"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    actor_codes = models.CharField(
        _("actors"), max_length=600, blank=True, editable=False, help_text=_("As written in the audit trail.")
    )
    edited_fields = models.JSONField(
        _("fields corrected by a person"), default=list, blank=True, help_text=_("An import never overwrites them.")
    )
    notes = models.TextField(_("notes"), blank=True)
    evidence_link = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence (file)"), upload_to="meetings/evidence/%Y/", blank=True)
    fulfilled_by_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    fulfilled_by_id = models.PositiveBigIntegerField(null=True, blank=True)
    fulfilled_by_label = models.CharField(_("fulfilled by"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["meeting", "agreement__position", "agreement__sub_position", "position", "pk"]
        indexes = [models.Index(fields=["status", "due_by"], name="commitment_status_due_idx")]

    def __str__(self):
        return f"{self.ref} · {self.localized('action')[:80]}"

    @property
    def ref(self):
        return self.agreement.ref

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self):
        return self.is_open and self.due_by is not None and self.due_by < timezone.localdate()

    def actor_rows(self):
        """The actors' follow-up rows (prefetched by `with_actors()`: no query per commitment)."""
        return list(self.actors.all())

    @property
    def done_count(self):
        return sum(1 for row in self.actor_rows() if row.status in CLOSED_STATUSES)

    @property
    def actor_count(self):
        return len(self.actor_rows())

    @property
    def due(self):
        """The due date or period as written in the JSON: ISO date, YYYY, YYYY-Qn, or None."""
        if self.due_date:
            return self.due_date.isoformat()
        return self.due_period or None

    def clean(self):
        errors = {}
        if not (self.action_es or self.action_en):
            errors["action_es"] = _("Say what is to be done, in Spanish or in English.")
        if self.due_period and not DUE_PERIOD_RE.match(self.due_period):
            errors["due_period"] = _("Write a year (2018) or a quarter (2018-Q1).")
        if self.due_period and self.due_date:
            errors["due_period"] = _("Give a due date or a due period, not both.")
        if errors:
            raise ValidationError(errors)
        self.due_by = self.due_date or period_end(self.due_period)

    def get_absolute_url(self):
        return reverse("meetings:commitment", args=[self.pk])


def roll_up(statuses):
    """A commitment's status from its actors': done when every actor is done or dropped (dropped when
    none is done), in progress when any has started or finished, else pending."""
    statuses = list(statuses)
    if not statuses:
        return None
    if all(status in CLOSED_STATUSES for status in statuses):
        return CommitmentStatus.DONE if CommitmentStatus.DONE in statuses else CommitmentStatus.DROPPED
    if any(status in (CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE) for status in statuses):
        return CommitmentStatus.IN_PROGRESS
    return CommitmentStatus.PENDING


class ActorKind(models.TextChoices):
    TS = "ts", _("Technical Secretariat")
    PPT = "ppt", _("Pro Tempore Presidency")
    COUNTRY = "country", _("Country")
    ORGANIZATION = "organization", _("Organization")


class CommitmentActor(Versioned, models.Model):
    """Who is to act on a commitment — the TS, the PPT, a country or an organization — and that
    actor's own follow-up: its status, note and evidence. Only the actor (and the TS) changes it;
    the commitment's status is rolled up from its actors' rows (`Commitment.roll_up`)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="actors")
    kind = models.CharField(_("kind"), max_length=12, choices=ActorKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    evidence_link = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence (file)"), upload_to="meetings/evidence/%Y/", blank=True)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["commitment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["ts", "ppt"], country__isnull=True, organization__isnull=True)
                    | Q(kind="country", country__isnull=False, organization__isnull=True)
                    | Q(kind="organization", country__isnull=True, organization__isnull=False)
                ),
                name="commitment_actor_fields_match_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "country"], name="commitment_actor_country_idx"),
            models.Index(fields=["kind", "organization"], name="commitment_actor_org_idx"),
        ]

    def __str__(self):
        return self.label

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def code(self):
        """The actor as the importer writes it: TS, PPT, a country code or an organization's acronym."""
        if self.kind == ActorKind.TS:
            return "TS"
        if self.kind == ActorKind.PPT:
            return "PPT"
        if self.kind == ActorKind.COUNTRY:
            return self.country.code.code
        org = self.organization
        return org.acronym_en or org.acronym_es or org.name_en or org.name_es

    @property
    def label(self):
        if self.kind == ActorKind.COUNTRY:
            return str(self.country.code.name)
        if self.kind == ActorKind.ORGANIZATION:
            return self.organization.short_name
        return str(self.get_kind_display())


class CommitmentStatusChange(models.Model):
    """One change of a commitment's status, with who made it, when, and the evidence given."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        CommitmentActor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("actor"),
        help_text=_("Whose follow-up changed; empty for changes made before each actor had its own."),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=CommitmentStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=CommitmentStatus.choices)
    note = models.TextField(_("note"), blank=True)
    evidence_link = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence (file)"), upload_to="meetings/evidence/%Y/", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_by_label = models.CharField(_("changed by"), max_length=254, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["commitment", "-changed_at", "-pk"]

    def __str__(self):
        return f"{self.commitment_id}: {self.from_status} → {self.to_status}"


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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
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
