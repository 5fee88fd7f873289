"""The network's Strategic Plan: a tree of axes, objectives and activities, and its yearly follow-up.

A `Plan` belongs to a body and spans years. Its `Node`s form a tree of any depth; a node with a
`scope` (regional or national) is an activity, the others group it (axes, objectives, …).
`Indicator`s hang on any node; their baselines are fields, their targets and actual values are
`IndicatorValue` rows, one per entry, never changed in place (the latest entry counts).

Each year has one regional `FollowUpReport` (kept by the PPT and the TS) and one per member
country (its national activities). A report's `FollowUpLine`s give each activity's status,
progress, narrative and `Evidence`; the report moves draft → submitted → approved or returned,
and every step (with its comment) is a `ReportEvent`, reopenings included.
"""

import datetime
import decimal
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin, in_one_language, one_language_errors, require_one_language
from core.models import Visibility
from core.versioning import Versioned

MIN_YEAR = 1990
MAX_YEAR = 2100
MAX_DEPTH = 8


class Approach(models.TextChoices):
    """Cross-cutting approaches of the plan, used as tags on its nodes."""

    BEST_INTERESTS = "best_interests", _("Best interests of the child")
    GENDER = "gender", _("Gender")
    DIVERSITY = "diversity", _("Diversity")
    PARTICIPATION = "participation", _("Child participation")
    RIGHTS = "rights", _("Human rights")


class Scope(models.TextChoices):
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")


class Responsible(models.TextChoices):
    PPT_TS = "ppt_ts", _("The PPT and the TS")
    COUNTRIES = "countries", _("Every member country")
    ORGANIZATION = "organization", _("A named organization")


def year_validators():
    return [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class Plan(BilingualMixin, models.Model):
    """A strategic plan of a body (e.g. the network's Strategic Plan 2017–2022)."""

    body = models.ForeignKey("network.Body", on_delete=models.PROTECT, related_name="plans", verbose_name=_("body"))
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True, max_length=20000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=20000)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=year_validators())
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=year_validators())
    report_due_month = models.PositiveSmallIntegerField(
        _("reports due (month of the next year)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("A year's follow-up reports are due at the end of this month of the following year."),
    )
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        ordering = ["-start_year", "pk"]
        constraints = [
            in_one_language("title"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_end_after_start",
                violation_error_message=_("The last year cannot come before the first."),
            ),
        ]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        require_one_language(self, "title")

    def get_absolute_url(self):
        return reverse("plan:plan", args=[self.pk])

    @property
    def years(self):
        return list(range(self.start_year, self.end_year + 1))

    def covers(self, year):
        return year is not None and self.start_year <= year <= self.end_year

    def due_date(self, year):
        """The day a year's follow-up reports are due: the end of `report_due_month` of the next year."""
        month = self.report_due_month
        first_of_next = datetime.date(year + 1 + month // 12, month % 12 + 1, 1)
        return first_of_next - datetime.timedelta(days=1)


class Node(BilingualMixin, models.Model):
    """A node of a plan's tree: an axis, an objective, … or, when it has a scope, an activity."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("plan"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Unique in the plan, e.g. 1, 1.2 or 1.2.3."))
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("Order among its siblings."))
    position = models.PositiveIntegerField(
        _("place in the outline"), default=0, editable=False, help_text=_("Kept by reindex_outline().")
    )
    title_es = models.CharField(_("title (Spanish)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True, max_length=10000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=10000)
    approaches = models.JSONField(_("cross-cutting approaches"), default=list, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=decimal.Decimal(1),
        validators=[MinValueValidator(decimal.Decimal(0))],
        help_text=_("How much this node counts in its parent's progress (1 for all gives the plain mean)."),
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, blank=True, help_text=_("Only activities have a scope.")
    )
    responsible = models.CharField(_("responsible"), max_length=14, choices=Responsible.choices, blank=True)
    responsible_organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_activities",
        verbose_name=_("responsible organization"),
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True, validators=year_validators())
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True, validators=year_validators())
    priority = models.BooleanField(_("priority"), default=False)
    priority_agreement = models.ForeignKey(
        "meetings.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="priority_activities",
        verbose_name=_("agreement that made it a priority"),
    )
    commitments = models.ManyToManyField(
        "meetings.Commitment", blank=True, related_name="plan_activities", verbose_name=_("linked commitments")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("plan node")
        verbose_name_plural = _("plan nodes")
        ordering = ["plan_id", "position", "pk"]
        constraints = [
            in_one_language("title"),
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="plan_node_code_unique",
                violation_error_message=_("Another node of this plan has this code."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="plan_node_end_after_start",
                violation_error_message=_("The end year cannot come before the start year."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.localized('title')}".strip()

    @property
    def is_activity(self):
        return bool(self.scope)

    def save(self, *args, reindex=True, **kwargs):
        """Save; then renumber the plan's outline (pass reindex=False in bulk work and call it once)."""
        super().save(*args, **kwargs)
        if reindex:
            reindex_outline(self.plan_id)

    def get_absolute_url(self):
        return reverse("plan:node", args=[self.plan_id, self.pk])

    def approach_labels(self):
        labels = dict(Approach.choices)
        return [labels[code] for code in self.approaches or [] if code in labels]

    def runs_in(self, year):
        return (self.start_year or 0) <= year <= (self.end_year or MAX_YEAR)

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "title"))
        unknown = [code for code in self.approaches or [] if code not in Approach.values]
        if not isinstance(self.approaches, list) or unknown:
            errors["approaches"] = _("Unknown approach: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        if self.scope:
            if not self.responsible:
                errors["responsible"] = _("Say who is responsible for this activity.")
            elif self.responsible == Responsible.ORGANIZATION and not self.responsible_organization_id:
                errors["responsible_organization"] = _("Name the responsible organization.")
            if self.scope == Scope.NATIONAL and self.responsible == Responsible.PPT_TS:
                errors["responsible"] = _("National activities are carried out by the member countries.")
        else:
            if self.responsible or self.responsible_organization_id or self.priority:
                errors["scope"] = _("Give a scope (regional or national) to make this node an activity.")
        if self.responsible != Responsible.ORGANIZATION and self.responsible_organization_id:
            errors["responsible_organization"] = _("Only activities of a named organization name one.")
        plan = self.plan if self.plan_id else None
        if plan is not None:
            for field in ("start_year", "end_year"):
                year = getattr(self, field)
                if year is not None and not plan.covers(year):
                    errors[field] = _("%(year)s is outside the plan (%(start)s–%(end)s).") % {
                        "year": year,
                        "start": plan.start_year,
                        "end": plan.end_year,
                    }
        if self.parent_id and self.parent is not None:
            if self.parent.plan_id != self.plan_id:
                errors["parent"] = _("The parent belongs to another plan.")
            elif self.parent.is_activity:
                errors["parent"] = _("An activity cannot hold other nodes.")
            else:
                seen, ancestor = set(), self.parent
                while ancestor is not None:
                    if ancestor.pk == self.pk or ancestor.pk in seen or len(seen) > MAX_DEPTH:
                        errors["parent"] = _(
                            "A node cannot be placed under itself, and the tree is at most %(n)s deep."
                        ) % {"n": MAX_DEPTH}
                        break
                    seen.add(ancestor.pk)
                    ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)


def reindex_outline(plan_id):
    """Give every node of a plan its `position` in the outline (depth first, siblings by order)."""
    rows = list(Node.objects.filter(plan_id=plan_id).values_list("pk", "parent_id", "order", "code", "position"))
    children = {}
    for pk, parent_id, order, code, _position in rows:
        children.setdefault(parent_id, []).append((order, code, pk))
    known = {pk for pk, *_rest in rows}
    roots = [item for parent_id, items in children.items() if parent_id not in known for item in items]
    outline, stack = [], sorted(roots, reverse=True)
    while stack:
        _order, _code, pk = stack.pop()
        outline.append(pk)
        stack.extend(sorted(children.get(pk, []), reverse=True))
    current = {pk: position for pk, _p, _o, _c, position in rows}
    changed = [Node(pk=pk, position=index) for index, pk in enumerate(outline, 1) if current[pk] != index]
    Node.objects.bulk_update(changed, ["position"], batch_size=500)


class Indicator(BilingualMixin, models.Model):
    """A measure of a node: unit and baseline; targets and actual values are `IndicatorValue` rows."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("node"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=60, help_text=_("e.g. %, protocols, officials trained"))
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=year_validators()
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["node_id", "order", "pk"]
        constraints = [in_one_language("name")]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "name"))
        if (self.baseline_value is None) != (self.baseline_year is None):
            errors["baseline_year"] = _("A baseline needs both its value and its year.")
        if errors:
            raise ValidationError(errors)


class ValueKind(models.TextChoices):
    TARGET = "target", _("Target")
    ACTUAL = "actual", _("Actual")


class IndicatorValue(models.Model):
    """One entry of a target or an actual value: a new row each time, the latest counts."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=ValueKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    country = models.ForeignKey(
        "network.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
        help_text=_("Empty for the regional value."),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator_id", "year", "kind", "country_id", "entered_at", "pk"]
        indexes = [models.Index(fields=["indicator", "kind", "year"])]

    def __str__(self):
        return f"{self.indicator} {self.year} {self.get_kind_display()}: {self.value}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def reporter_name(country):
    """Who a report is from, as readers name it: the country, or the regional report (no country)."""
    return country.name if country is not None else _("Regional report")


class FollowUpReport(models.Model):
    """A year's follow-up of a plan: a member country's (national activities) or the regional one."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators())
    country = models.ForeignKey(
        "network.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_reports",
        verbose_name=_("country"),
        help_text=_("Empty for the regional report of the PPT and the TS."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["plan_id", "-year", "country__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "country"],
                name="plan_report_one_per_country_year",
                violation_error_message=_("This country already has a report for this year."),
            ),
            models.UniqueConstraint(
                fields=["plan", "year"],
                condition=Q(country__isnull=True),
                name="plan_report_one_regional_per_year",
                violation_error_message=_("This year already has a regional report."),
            ),
        ]

    def __str__(self):
        who = self.country.name if self.country_id else _("Regional")
        return _("%(who)s, %(year)s") % {"who": who, "year": self.year}

    @property
    def is_regional(self):
        return self.country_id is None

    @property
    def scope(self):
        return Scope.REGIONAL if self.is_regional else Scope.NATIONAL

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def code(self):
        """The report's place in URLs: a country's ISO code, or 'regional'."""
        return self.country.code.code.lower() if self.country_id else "regional"

    def get_absolute_url(self):
        return reverse("plan:report", args=[self.plan_id, self.year, self.code])

    def clean(self):
        if self.plan_id and not self.plan.covers(self.year):
            raise ValidationError(
                {
                    "year": _("%(year)s is outside the plan (%(start)s–%(end)s).")
                    % {"year": self.year, "start": self.plan.start_year, "end": self.plan.end_year}
                }
            )


class LineStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", pgettext_lazy("an activity", "Cancelled")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class FollowUpLine(Versioned, models.Model):
    """One activity in a follow-up report: where it stands that year."""

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="lines", verbose_name=_("activity"))
    status = models.CharField(_("status"), max_length=15, choices=LineStatus.choices, default=LineStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("From 0 to 100; left empty when the activity does not apply."),
    )
    narrative = models.TextField(_("narrative"), blank=True, max_length=10000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("follow-up line")
        verbose_name_plural = _("follow-up lines")
        ordering = ["report_id", "node__position", "node_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "node"], name="plan_line_one_per_activity"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="plan_line_progress_0_100",
                violation_error_message=_("Progress goes from 0 to 100."),
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.node.code}"

    @property
    def counts(self):
        """Does this line count in the roll-up? ('not applicable' lines are left out.)"""
        return self.status != LineStatus.NOT_APPLICABLE and self.progress is not None

    def clean(self):
        errors = {}
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = _("Progress goes from 0 to 100.")
        if self.status == LineStatus.NOT_APPLICABLE:
            self.progress = None
        elif self.status == LineStatus.COMPLETED and self.progress not in (None, 100):
            errors["progress"] = _("A completed activity is at 100%.")
        elif self.status == LineStatus.NOT_STARTED and self.progress not in (None, 0):
            errors["progress"] = _("An activity not started is at 0%.")
        if errors:
            raise ValidationError(errors)


def evidence_upload_to(instance, filename):
    """A random folder per file (names not guessable); the name was made safe by core.uploads, keeping its type."""
    import uuid

    from core.uploads import safe_name

    stem, _dot, kind = os.path.basename(filename).rpartition(".")
    name = safe_name(filename, kind.lower()) if stem and kind else safe_name(filename, "bin")
    return f"plan/evidence/{datetime.date.today():%Y}/{uuid.uuid4().hex}/{name}"


class Evidence(models.Model):
    """A file or a link that backs a follow-up line."""

    line = models.ForeignKey(FollowUpLine, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("line"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(pgettext_lazy("when a piece of evidence was added", "added"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["line_id", "added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(link="") & ~Q(file="")) | (~Q(link="") & Q(file="")),
                name="plan_evidence_file_or_link",
                violation_error_message=_("Give a file or a link, not both."),
            )
        ]

    def __str__(self):
        return self.label or self.link or self.file.name.rsplit("/", 1)[-1]


class ReportAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    REOPENED = "reopened", _("Reopened")


class ReportEvent(models.Model):
    """A step of a report's review: who did it, when, and their comment."""

    report = models.ForeignKey(
        FollowUpReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")
        ordering = ["report_id", "at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.get_action_display()}"
