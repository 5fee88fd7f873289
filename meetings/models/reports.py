"""Reports to the RCGM (versions) and their numbered agreements."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin

from .meeting import Meeting


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class ApprovalBasis(models.TextChoices):
    TS = "ts", _("Approved by the Technical Secretariat")
    SILENCE = "silence", _("Approved under the silence procedure")
    NOTING_OBJECTIONS = "noting_objections", _("Approved noting the objections")


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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
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
    approval_basis = models.CharField(
        _("approved how"), max_length=20, choices=ApprovalBasis.choices, blank=True, default=""
    )

    objects = ReportVersionQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("participants_es", "participants_en", "submission_es", "submission_en", "correction_note")

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
    position = models.PositiveIntegerField(
        pgettext_lazy("an agreement's place in the numbering", "position"),
        default=1,
        help_text=_("Order of the numbered agreement."),
    )
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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("kind", "text_es", "text_en")

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
