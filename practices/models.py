"""The repository: practices, resources, their review and published versions, calls, compilations.

A practice or resource is a working copy (`status`) plus the versions published from it. The
public sees the latest published version only; authors keep editing the working copy, which
becomes the next version when the TS publishes it again.
"""

import os
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin, in_one_language, one_language_errors, require_one_language
from core.versioning import Versioned

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")


class Theme(BilingualMixin, models.Model):
    """A term of the repository's managed taxonomy (alternative care, return and reintegration, …)."""

    slug = models.SlugField(_("short name for links"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered for new records"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "id"]
        constraints = [in_one_language("name")]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        require_one_language(self, "name")


class Axis(BilingualMixin, models.Model):
    """An axis of the network's Strategic Plan that a practice serves.

    A small list kept here until the plan app offers its own axes; the five of the Strategic
    Plan 2017–2022 are created by a migration.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan axis")
        verbose_name_plural = _("plan axes")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.localized('name')}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("a practice sent for review", "Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned to the author")
    PUBLISHED = "published", _("Published")


# States in which the author may change the working copy.
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED, Status.PUBLISHED)


class Population(models.TextChoices):
    """Who a practice serves: age groups and profiles (from the RCM's guidelines)."""

    EARLY_CHILDHOOD = "early_childhood", _("Early childhood (0–5)")
    CHILDHOOD = "childhood", _("Children (6–11)")
    ADOLESCENCE = "adolescence", _("Adolescents (12–17)")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied children")
    SEPARATED = "separated", _("Separated children")
    FAMILIES = "families", _("Children with their families")
    RETURNED = "returned", _("Returned children")
    TRAFFICKING = "trafficking", _("Victims of trafficking")
    CRIME = "crime", _("Victims of crime on the route")
    ASYLUM = "asylum", _("Asylum seekers and refugees")
    EXTRA_REGIONAL = "extra_regional", _("Extra-regional migrants")


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    PROTOCOL = "protocol", _("Protocol")
    STUDY = "study", _("Study")
    TRAINING = "training", _("Training material")
    COURSE = "course", _("Course")
    OTHER = "other", _("Other resource")


# The "type" facet: a practice, or the kind of a resource.
PRACTICE_TYPE = "practice"
TYPE_LABELS = {PRACTICE_TYPE: _("Practice"), **dict(ResourceKind.choices)}


def upload_path(instance, filename):
    """Store uploads under a generated name; the clean original name is kept in the record."""
    kind = os.path.splitext(filename)[1].lower().lstrip(".") or "bin"
    return f"practices/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind}"


class Reviewable(BilingualMixin, Versioned, models.Model):
    """What practices and resources share: authorship, the review workflow, the published version."""

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    submitting_organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitting organization"),
    )
    submitting_country = models.ForeignKey(
        "network.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitting country"),
        help_text=_("Set when a country's liaison officers submit it."),
    )
    countries = models.ManyToManyField("network.Country", blank=True, related_name="+", verbose_name=_("countries"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("plan axis")
    )
    published_version = models.ForeignKey(
        "practices.Version",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
    )
    submitted_at = models.DateTimeField(pgettext_lazy("a practice sent for review", "submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.localized("title") or "—"

    @property
    def is_published(self):
        return self.published_version_id is not None

    @property
    def has_unpublished_changes(self):
        return self.is_published and self.status != Status.PUBLISHED

    def translations(self):
        """Return the languages (es/en) in which the title has text."""
        return [lang for lang in ("es", "en") if getattr(self, f"title_{lang}", "")]


class Practice(Reviewable):
    """A practice of the network's repository, in the template of practice repositories."""

    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_es = models.TextField(_("summary (Spanish)"), max_length=3000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=3000, blank=True)
    implementing_institutions = models.ManyToManyField(
        "network.Organization", blank=True, related_name="+", verbose_name=_("implementing institutions")
    )
    population = models.JSONField(_("population"), default=list, blank=True)
    population_other = models.CharField(_("other profiles"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True, validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(
        _("to (year)"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Leave empty if it continues.")
    )
    context_es = models.TextField(_("context (Spanish)"), max_length=20000, blank=True)
    context_en = models.TextField(_("context (English)"), max_length=20000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=40000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=40000, blank=True)
    results_es = models.TextField(_("results and evidence (Spanish)"), max_length=20000, blank=True)
    results_en = models.TextField(_("results and evidence (English)"), max_length=20000, blank=True)
    lessons_es = models.TextField(_("lessons learned (Spanish)"), max_length=20000, blank=True)
    lessons_en = models.TextField(_("lessons learned (English)"), max_length=20000, blank=True)
    replicability_es = models.TextField(_("replicability (Spanish)"), max_length=20000, blank=True)
    replicability_en = models.TextField(_("replicability (English)"), max_length=20000, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    original_language = models.CharField(
        _("language of the original"), max_length=2, choices=Language.choices, default=Language.SPANISH
    )
    resources = models.ManyToManyField(
        "practices.Resource", blank=True, related_name="practices", verbose_name=_("attached resources")
    )
    call = models.ForeignKey(
        "practices.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("answers the call"),
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["call", "status"])]
        constraints = [in_one_language("title")]

    # Bilingual text fields, in the order of the template.
    TEXT_FIELDS = ("title", "summary", "context", "description", "results", "lessons", "replicability")

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        *(f"{name}_{lang}" for name in TEXT_FIELDS for lang in ("es", "en")),
        "population", "population_other", "start_year", "end_year", "contact_name", "contact_email", "contact_phone",
        "original_language", "axis", "submitting_organization", "submitting_country", "call",
        "countries", "themes", "implementing_institutions", "resources",
    )  # fmt: skip

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "title"))
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The period cannot end before it starts.")
        unknown = [code for code in self.population or [] if code not in Population.values]
        if unknown:
            errors["population"] = _("Unknown population: %(codes)s") % {"codes": ", ".join(unknown)}
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("practices:practice", args=[self.pk])

    @property
    def year(self):
        return self.start_year

    @property
    def item_type(self):
        return PRACTICE_TYPE

    def population_labels(self):
        labels = dict(Population.choices)
        return [labels[code] for code in self.population or [] if code in labels]


class Resource(Reviewable):
    """A guide, protocol, study, training material or course, with its file or link."""

    kind = models.CharField(_("type"), max_length=12, choices=ResourceKind.choices)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=10000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=10000, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.SPANISH)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    url = models.URLField(_("link"), max_length=500, blank=True)
    provider = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
        help_text=_("For courses: who offers it."),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    file_kind = models.CharField(_("file type"), max_length=8, blank=True)
    file_text = models.TextField(_("text of the file"), blank=True)
    file_text_note = models.CharField(_("note on the text of the file"), max_length=300, blank=True)

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        "kind", "title_es", "title_en", "description_es", "description_en", "language", "year", "url", "provider",
        "starts_on", "ends_on", "axis", "submitting_organization", "submitting_country", "countries", "themes",
    )  # fmt: skip

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [in_one_language("title")]

    TEXT_FIELDS = ("title", "description")

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "title"))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The course cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("practices:resource", args=[self.pk])

    @property
    def item_type(self):
        return self.kind

    @property
    def original_language(self):
        return self.language


class PracticeFile(models.Model):
    """A PDF or Office file attached to a practice; its text is searched with the practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files", verbose_name=_("practice"))
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    kind = models.CharField(_("file type"), max_length=8)
    text = models.TextField(_("text of the file"), blank=True)
    text_note = models.CharField(_("note on the text of the file"), max_length=300, blank=True)
    is_current = models.BooleanField(
        _("in the working copy"),
        default=True,
        help_text=_("Removed files stay while a published version shows them."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("practices:file", args=[self.pk])


class Version(models.Model):
    """One published version of a practice or resource, kept as it was published."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record"))
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["content_type", "object_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "number"], name="version_unique_number")
        ]

    def __str__(self):
        return f"v{self.number}"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", pgettext_lazy("a practice sent for review", "Submitted")
    START_REVIEW = "start_review", _("Review started")
    COMMENT = "comment", _("Comment")
    RETURN = "return", _("Returned to the author")
    PUBLISH = "publish", _("Published")
    WITHDRAW = "withdraw", _("Withdrawn from publication")


class ReviewEvent(models.Model):
    """A step of the review, with the reviewer's comment to the author."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record"))
    action = models.CharField(_("action"), max_length=14, choices=ReviewAction.choices)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d}"


class CallQuerySet(models.QuerySet):
    def open(self, on=None):
        return self.filter(deadline__gte=on or timezone.localdate(), is_closed=False)


class Call(BilingualMixin, models.Model):
    """A call for practices: a theme, the countries asked, a deadline; answers are practices."""

    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("theme"))
    countries = models.ManyToManyField("network.Country", related_name="+", verbose_name=_("countries asked"))
    deadline = models.DateField(_("deadline"))
    is_closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = CallQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("title_es", "title_en", "description_es", "description_en", "theme", "deadline", "is_closed")

    class Meta:
        verbose_name = _("call for practices")
        verbose_name_plural = _("calls for practices")
        ordering = ["-deadline", "-id"]
        constraints = [in_one_language("title")]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        require_one_language(self, "title")

    def get_absolute_url(self):
        return reverse("practices:call", args=[self.pk])

    @property
    def is_open(self):
        return not self.is_closed and self.deadline >= timezone.localdate()


class Compilation(BilingualMixin, models.Model):
    """A compiled document of practices (or of a call's answers), and who reviews for it."""

    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="compilations",
        verbose_name=_("call for practices"),
    )
    practices = models.ManyToManyField(Practice, blank=True, related_name="compilations", verbose_name=_("practices"))
    compiler = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compiled by"),
        help_text=_("An organization the TS names to review and compile, e.g. IOM."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("who created a compilation", "created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("compilation")
        verbose_name_plural = _("compilations")
        ordering = ["-created_at", "-id"]
        constraints = [in_one_language("title")]

    def __str__(self):
        return self.localized("title")

    def clean(self):
        require_one_language(self, "title")

    def get_absolute_url(self):
        return reverse("practices:compilation", args=[self.pk])


class SearchEntry(models.Model):
    """What the search engine knows of one practice or resource: its access keys and its facets.

    Published items are indexed as published (the public's view); unpublished ones as their
    working copy, visible to the same people as the record. The row is kept narrow — the texts
    live in SearchText — so scanning thousands of matches for access and facets stays cheap.
    Themes and countries are bit sets (bit numbers in FacetBit), counted in one pass.
    """

    kind = models.CharField(max_length=10)  # "practice" or "resource"
    object_id = models.PositiveBigIntegerField()
    is_public = models.BooleanField(default=False)
    status = models.CharField(max_length=12)
    author_id = models.BigIntegerField(null=True)
    organization_id = models.BigIntegerField(null=True)
    country_id = models.BigIntegerField(null=True)
    call_id = models.BigIntegerField(null=True)
    item_type = models.CharField(max_length=12)
    language = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField(null=True)
    axis_number = models.PositiveSmallIntegerField(null=True)
    theme_bits = models.BigIntegerField(default=0)
    country_bits = models.BigIntegerField(default=0)
    # type, year, language and axis in one number, so counting them is one GROUP BY on integers
    facet_key = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object")]
        indexes = [models.Index(fields=["is_public", "updated_at"])]

    def __str__(self):
        return f"{self.kind} #{self.object_id}"


class SearchText(models.Model):
    """The text of a search entry in both languages, as indexed (snippets are cut from it)."""

    entry = models.OneToOneField(SearchEntry, on_delete=models.CASCADE, primary_key=True, related_name="text")
    title_es = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    summary_es = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    body_es = models.TextField(blank=True)
    body_en = models.TextField(blank=True)

    def __str__(self):
        return self.title_es or self.title_en


class FacetBit(models.Model):
    """The bit that stands for one theme or country in SearchEntry's bit sets (0–62)."""

    facet = models.CharField(max_length=10)
    value = models.CharField(max_length=60)
    bit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="facetbit_unique_value"),
            models.UniqueConstraint(fields=["facet", "bit"], name="facetbit_unique_bit"),
        ]

    def __str__(self):
        return f"{self.facet}={self.value} → {self.bit}"
