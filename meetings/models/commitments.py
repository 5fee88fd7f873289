"""Commitments, their parties and the history of their status."""

import datetime
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin, in_one_language, one_language_errors
from core.versioning import Versioned
from network.models import Country, Organization

from .meeting import Meeting
from .reports import Agreement


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS)


# The follow-up board's sort key sorts a commitment without a due date after every dated one.
NO_DUE_DATE = datetime.date(9999, 12, 31)


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
    fulfilled_by_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("fulfilled by (kind of record)")
    )
    fulfilled_by_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("fulfilled by (record)"))
    fulfilled_by_label = models.CharField(_("fulfilled by"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The follow-up board's sort key, computed by the database from the status and the due date on
    # every write (save, update, bulk create, raw SQL alike), so no path can leave it stale; the board
    # reads it in the order of `commitment_board_idx` (meetings/queries.py `board`).
    board_open = models.GeneratedField(
        expression=Case(When(status__in=list(OPEN_STATUSES), then=Value(True)), default=Value(False)),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("open (follow-up board)"),
    )
    board_due = models.GeneratedField(
        expression=Coalesce("due_by", Value(NO_DUE_DATE)),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("due by (follow-up board)"),
    )

    objects = CommitmentQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("action_es", "action_en", "notes", "due_date", "due_period")

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["meeting", "agreement__position", "agreement__sub_position", "position", "pk"]
        indexes = [
            models.Index(fields=["status", "due_by"], name="commitment_status_due_idx"),
            # The board: open (or closed) commitments by due date, undated last (meetings/queries.py `board`).
            models.Index(fields=["board_open", "board_due"], name="commitment_board_idx"),
        ]
        constraints = [in_one_language("action")]

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
        """The actors' follow-up rows (prefetched by `with_actors()`: no query per commitment), read once."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "actors" not in cache:
            return list(self.actors.all())
        rows = self.__dict__.get("_actor_rows")
        if rows is None or rows[0] is not cache["actors"]:
            rows = self.__dict__["_actor_rows"] = (cache["actors"], list(cache["actors"]))
        return rows[1]

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

    @property
    def due_label(self):
        """The due date or period for reading, in the active language ("quarter 1 of 2018"), or ""."""
        from core.documents import due_text

        return due_text(self.due_date, self.due_period)

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "action", _("Say what is to be done, in Spanish or in English.")))
        if self.due_period and not DUE_PERIOD_RE.match(self.due_period):
            errors["due_period"] = _("Write a year (2018) or a quarter (2018-Q1).")
        if self.due_period and self.due_date:
            errors["due_period"] = _("Give a due date or a due period, not both.")
        if errors:
            raise ValidationError(errors)
        self.due_by = self.due_date or period_end(self.due_period)

    def get_absolute_url(self):
        return reverse("meetings:commitment", args=[self.pk])

    def fulfilled_by_url(self):
        """The page of the record that fulfilled this commitment (a circular), at today's address, or ""."""
        if not (self.fulfilled_by_type_id and self.fulfilled_by_id):
            return ""
        model = self.fulfilled_by_type.model_class()
        record = model._base_manager.filter(pk=self.fulfilled_by_id).first() if model else None
        return record.get_absolute_url() if record is not None and hasattr(record, "get_absolute_url") else ""


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

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="actors", verbose_name=_("commitment")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ActorKind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organization")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    evidence_link = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence_file = models.FileField(_("evidence (file)"), upload_to="meetings/evidence/%Y/", blank=True)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = pgettext_lazy("a party responsible for a commitment", "actor")
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
        verbose_name=pgettext_lazy("a party responsible for a commitment", "actor"),
        help_text=_("Whose follow-up changed; empty for changes made before each actor had its own."),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=CommitmentStatus.choices)
    to_status = models.CharField(
        pgettext_lazy("the status a change led to", "to"), max_length=12, choices=CommitmentStatus.choices
    )
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
