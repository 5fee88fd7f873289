"""Taxonomies, places, providers and their services."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import BilingualMixin, in_one_language, require_one_language
from core.versioning import Versioned
from network.models import Country
from network.models import Organization as NetworkOrganization

from ..fields import PROVIDER, SERVICE

MAX_AGE = 120


class Taxonomy(BilingualMixin, models.Model):
    """An HSDS taxonomy: our service types, our population profiles, or an imported one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["code"]

    def __str__(self):
        return self.localized("name") or self.code


class TaxonomyTerm(BilingualMixin, models.Model):
    """A term of a taxonomy (a service type, a population profile)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms", verbose_name=_("taxonomy"))
    code = models.CharField(_("code"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=pgettext_lazy("a taxonomy term's broader term", "parent"),
    )
    term_uri = models.URLField(_("term URI"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy__code", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="term_code_unique_in_taxonomy")]

    def __str__(self):
        return self.localized("name") or self.code


class PlaceKind(models.TextChoices):
    DIVISION = "division", _("First-level division")
    MUNICIPALITY = "municipality", _("Municipality")


class Place(models.Model):
    """A first-level division or a municipality of a member country, with its centroid."""

    country_code = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166 alpha-2."))
    kind = models.CharField(_("kind"), max_length=12, choices=PlaceKind.choices)
    code = models.CharField(_("code"), max_length=20, help_text=_("ISO 3166-2 for divisions."))
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("division")
    )
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["country_code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["country_code", "kind", "code"], name="place_code_unique")]
        indexes = [models.Index(fields=["kind", "country_code"])]

    def __str__(self):
        if self.kind == PlaceKind.MUNICIPALITY and self.parent_id:
            return f"{self.name}, {self.parent.name}"
        return self.name


class Provider(BilingualMixin, Versioned, models.Model):
    """An HSDS organization: who provides services (a national authority, a consulate, a shelter, IOM…)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    legal_status = models.CharField(_("legal status"), max_length=200, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(_("year incorporated"), null=True, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name=_("country"),
        help_text=_("Empty for regional or international organizations."),
    )
    network_organization = models.ForeignKey(
        NetworkOrganization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name=_("organization of the network"),
        help_text=_("Its staff may propose changes to this provider's services."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now)

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = PROVIDER.editable

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name_es", "name_en"]
        constraints = [in_one_language("name")]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        require_one_language(self, "name")


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def unverified_since(self, day):
        """Services never verified, or last verified before `day`."""
        return self.filter(models.Q(assured_date__isnull=True) | models.Q(assured_date__lt=day))

    def for_pages(self):
        return self.select_related("provider", "country").prefetch_related("terms__taxonomy", "languages")


class Service(BilingualMixin, Versioned, models.Model):
    """An HSDS service: what a provider offers migrant children, for whom, in which languages."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="services", verbose_name=_("provider")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="services", verbose_name=_("country"),
        help_text=_("The country whose officers keep this entry."),
    )  # fmt: skip
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_services = models.CharField(_("interpretation services"), max_length=300, blank=True)
    application_process_es = models.TextField(_("how to apply (Spanish)"), blank=True)
    application_process_en = models.TextField(_("how to apply (English)"), blank=True)
    fees_description_es = models.TextField(_("fees (Spanish)"), blank=True)
    fees_description_en = models.TextField(_("fees (English)"), blank=True)
    eligibility_description_es = models.TextField(_("eligibility (Spanish)"), blank=True)
    eligibility_description_en = models.TextField(_("eligibility (English)"), blank=True)
    alert_es = models.CharField(_("alert (Spanish)"), max_length=500, blank=True)
    alert_en = models.CharField(_("alert (English)"), max_length=500, blank=True)
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    maximum_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by"), blank=True)
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services", verbose_name=_("categories"))
    is_published = models.BooleanField(
        pgettext_lazy("whether a service is published", "published"),
        default=True,
        help_text=_("A partner's new entry stays unpublished until approved."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now, db_index=True)

    objects = ServiceQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = SERVICE.editable

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_es", "name_en", "id"]
        constraints = [
            in_one_language("name"),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
                violation_error_message=_("The minimum age cannot be above the maximum age."),
            ),
        ]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        require_one_language(self, "name")
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            raise ValidationError({"maximum_age": _("The minimum age cannot be above the maximum age.")})

    def get_absolute_url(self):
        return reverse("directory:service", args=[self.pk])
