"""Consultation of the parties on a draft report, and its silence procedure.

The TS opens a consultation on a draft version, with a deadline; each party (a member country,
and partner organizations when chosen) has one row, and speaks only through it: comments,
amendments (new text against the draft) and, for countries, objections with a reason. A party
ends with "no objection", "objection" (an objection standing) or nothing. At the deadline, no
objection standing approves the report under the silence procedure; otherwise the TS decides.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.versioning import Versioned
from network.models import Country, Organization

from .reports import Agreement, ReportVersion


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open until the deadline")
    AWAITING = "awaiting", _("Objections standing: the TS decides")
    APPROVED = "approved", _("Closed: the report was approved")
    CLOSED = "closed", _("Closed: a new round was opened")


ACTIVE_CONSULTATION = (ConsultationStatus.OPEN, ConsultationStatus.AWAITING)


class Consultation(Versioned, models.Model):
    """One round of consultation on a draft report, from its circular to the deadline and the decision."""

    version = models.ForeignKey(
        ReportVersion, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("report version")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    deadline = models.DateField(_("deadline"), help_text=_("The last day for positions; silence after it is consent."))
    includes_partners = models.BooleanField(_("partner organizations consulted too"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    circular = models.ForeignKey(
        "circulation.Circular",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("circular"),
    )
    note_es = models.TextField(_("note to the parties (Spanish)"), blank=True, max_length=5000)
    note_en = models.TextField(_("note to the parties (English)"), blank=True, max_length=5000)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        help_text=_("Empty when the deadline closed it."),
    )
    decision_note = models.CharField(_("decision"), max_length=1000, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["version", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["version", "round"], name="consultation_unique_round"),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(status__in=["open", "awaiting"]),
                name="consultation_one_active_per_version",
                violation_error_message=_("A consultation on this draft is already under way."),
            ),
        ]

    def __str__(self):
        return f"{self.version} · {_('consultation')} {self.round}"

    def get_absolute_url(self):
        return reverse("meetings:consultation", args=[self.pk])

    @property
    def is_open(self):
        return self.status == ConsultationStatus.OPEN

    @property
    def is_active(self):
        return self.status in ACTIVE_CONSULTATION


class Position(models.TextChoices):
    NONE = "", _("No position")
    NO_OBJECTION = "no_objection", _("No objection")
    OBJECTION = "objection", _("Objection")


class ConsultationParty(Versioned, models.Model):
    """One party's row in a consultation: a member country or a partner organization, and its position."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="parties", verbose_name=_("consultation")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    position = models.CharField(
        pgettext_lazy("a party's stance in a consultation", "position"),
        max_length=14,
        choices=Position.choices,
        blank=True,
        default="",
    )
    position_at = models.DateTimeField(_("position given"), null=True, blank=True)
    position_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("position given by"),
    )

    class Meta:
        verbose_name = _("consulted party")
        verbose_name_plural = _("consulted parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, organization__isnull=True)
                | Q(country__isnull=True, organization__isnull=False),
                name="consultation_party_is_one_party",
            ),
            models.UniqueConstraint(
                fields=["consultation", "country"], condition=Q(country__isnull=False), name="consultation_country_once"
            ),
            models.UniqueConstraint(
                fields=["consultation", "organization"],
                condition=Q(organization__isnull=False),
                name="consultation_organization_once",
            ),
        ]

    def __str__(self):
        return str(self.party)

    @property
    def party(self):
        return self.country if self.country_id else self.organization

    @property
    def is_country(self):
        return self.country_id is not None

    @property
    def label(self):
        if self.country_id:
            return self.country.name
        return self.organization.short_name


class RemarkKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    AMENDMENT = "amendment", _("Amendment")
    OBJECTION = "objection", _("Objection")


class AmendmentAnswer(models.TextChoices):
    PENDING = "", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class Remark(models.Model):
    """What a party said in a consultation, on one agreement or on the report as a whole."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="remarks", verbose_name=_("consultation")
    )
    party = models.ForeignKey(
        ConsultationParty, on_delete=models.CASCADE, related_name="remarks", verbose_name=_("party")
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remarks",
        verbose_name=_("agreement"),
        help_text=_("Empty: on the report as a whole."),
    )
    ref = models.CharField(_("agreement number"), max_length=16, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RemarkKind.choices)
    text = models.TextField(_("text"), blank=True, max_length=5000)
    proposed_es = models.TextField(_("proposed text (Spanish)"), blank=True, max_length=20000)
    proposed_en = models.TextField(_("proposed text (English)"), blank=True, max_length=20000)
    base_es = models.TextField(_("draft text when proposed (Spanish)"), blank=True)
    base_en = models.TextField(_("draft text when proposed (English)"), blank=True)
    answer = models.CharField(
        _("answer"), max_length=14, choices=AmendmentAnswer.choices, blank=True, default=AmendmentAnswer.PENDING
    )
    answer_reason = models.CharField(_("reason"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        ordering = ["consultation", "created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "kind"], name="remark_consultation_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.ref or '—'}"

    @property
    def is_standing_objection(self):
        return self.kind == RemarkKind.OBJECTION and self.withdrawn_at is None
