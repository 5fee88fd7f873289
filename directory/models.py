"""The map of actors and services, on the Open Referral HSDS 3.0 data model.

Tables follow HSDS (organization → `Provider`, service, location, service_at_location, address,
phone, schedule, language, service_area, contact, taxonomy, taxonomy_term) with UUID ids.
Texts that readers need in both languages are `<field>_es` / `<field>_en`. `Place` holds the
member countries' first-level divisions and municipalities with their centroids (our own
gazetteer, no external geocoder). `MapPoint` is the map's denormalised index, one row per
service at a location, rebuilt by `directory.indexing` after every write.
"""

import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import BilingualMixin
from core.versioning import Versioned
from network.models import Country
from network.models import Organization as NetworkOrganization

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
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children", verbose_name=_("parent")
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

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name_es", "name_en"]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        if not (self.name_es or self.name_en):
            raise ValidationError({"name_es": _("Give the name in Spanish or in English.")})


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
        _("published"), default=True, help_text=_("A partner's new entry stays unpublished until approved.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now, db_index=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_es", "name_en", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
                violation_error_message=_("The minimum age cannot be above the maximum age."),
            )
        ]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        if not (self.name_es or self.name_en):
            raise ValidationError({"name_es": _("Give the name in Spanish or in English.")})
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            raise ValidationError({"maximum_age": _("The minimum age cannot be above the maximum age.")})

    def get_absolute_url(self):
        return reverse("directory:service", args=[self.pk])


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Location(Versioned, models.Model):
    """An HSDS location. A confidential one (a shelter) shows the public only its municipality."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="locations", verbose_name=_("provider")
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    external_identifier = models.CharField(_("external identifier"), max_length=200, blank=True)
    external_identifier_type = models.CharField(_("external identifier type"), max_length=200, blank=True)
    is_confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_("Network members see the address; the public sees only the municipality."),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="service_locations", verbose_name=_("country")
    )
    division = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("division")
    )
    municipality = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name or str(self.municipality or self.country)

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
        if self.municipality_id and self.country_id and self.municipality.country_code != self.country.code.code:
            raise ValidationError({"municipality": _("This municipality is in another country.")})

    def public_point(self):
        """Return (lat, lon) the public may see: exact, or the municipality's centroid when confidential."""
        return public_point(self)


def public_point(location):
    """(lat, lon) for the public: a confidential location is snapped to its municipality's centroid."""
    if location.latitude is None:
        return None, None
    if not location.is_confidential:
        return location.latitude, location.longitude
    for place in (location.municipality, location.division):
        if place is not None:
            return place.latitude, place.longitude
    # No municipality known: round to a tenth of a degree (about 11 km).
    return round(location.latitude, 1), round(location.longitude, 1)


class Address(models.Model):
    """An HSDS address of a location (hidden from the public when the location is confidential)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("attention"), max_length=200, blank=True)
    address_1 = models.CharField(_("address"), max_length=300)
    address_2 = models.CharField(_("address (line 2)"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    state_province = models.CharField(_("state or province"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country code"), max_length=2)
    address_type = models.CharField(_("type"), max_length=10, choices=LocationType.choices, default="physical")

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["id"]

    def __str__(self):
        return ", ".join(part for part in (self.address_1, self.city) if part)


class ServiceAtLocation(models.Model):
    """Where a service is delivered: the link between a service and a location."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_location_once")]

    def __str__(self):
        return f"{self.service} @ {self.location}"


class Contact(models.Model):
    """A named contact of a service or provider: for network members only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name or self.title or str(self.pk)


class Phone(models.Model):
    """An HSDS phone number of a provider, service, location or contact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=40)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True, help_text=_("voice, fax, text, cell, video…"))
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["id"]

    def __str__(self):
        return self.number


class Schedule(models.Model):
    """When a service is open, as an RFC 5545 recurrence rule split in HSDS columns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first occurrence"), null=True, blank=True)
    timezone = models.FloatField(_("UTC offset (hours)"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    wkst = models.CharField(_("week start"), max_length=2, blank=True)
    freq = models.CharField(_("frequency"), max_length=10, blank=True)
    interval = models.PositiveIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=60, blank=True)
    byweekno = models.CharField(_("weeks"), max_length=200, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=200, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("schedule link"), blank=True)
    attending_type = models.CharField(_("attending type"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["id"]

    def __str__(self):
        return self.description or self.rrule()

    def rrule(self):
        """Return the RFC 5545 RRULE text of this schedule ('' when it has no frequency)."""
        from .rrules import rrule_text

        return rrule_text(self)

    def clean(self):
        from .rrules import check_rrule

        check_rrule(self)


class ServiceLanguage(models.Model):
    """An HSDS language: one a service (or location, or phone) works in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    name = models.CharField(_("name"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_("ISO 639 code, e.g. es, en, mam, ht."))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code", "id"]

    def __str__(self):
        return self.name or self.code


class ServiceArea(models.Model):
    """An HSDS service area: where a service's users may come from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=40, blank=True)
    uri = models.CharField(_("URI"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["id"]

    def __str__(self):
        return self.name


class EditStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ServiceEditQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=EditStatus.PENDING)


class ServiceEdit(models.Model):
    """A partner's proposed change to a service: a draft until a country officer or the TS approves it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="edits", verbose_name=_("service"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("proposed by")
    )
    changes = models.JSONField(_("proposed changes"), default=dict)
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


# ---- The map's index ---------------------------------------------------------------------------

# Map positions are stored as Web Mercator pixels at zoom 20 on 256-pixel tiles (28 bits), so a
# cluster cell at any zoom is an integer shift of them — the same SQL on SQLite and PostgreSQL.
MERCATOR_BITS = 28
MAX_LATITUDE = 85.05112878


def mercator_latlon(x, y):
    """Return (lat, lon) of Web Mercator pixels at zoom 20 (the inverse of mercator_pixels)."""
    scale = float(1 << MERCATOR_BITS)
    lon = x / scale * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
    return lat, lon


def mercator_pixels(lat, lon):
    """Return integer (x, y) Web Mercator pixels at zoom 20 for a point."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    scale = 1 << MERCATOR_BITS
    return min(scale - 1, max(0, int(x * scale))), min(scale - 1, max(0, int(y * scale)))


class MapPoint(models.Model):
    """One service at one location, as the map and its list read it (derived; rebuilt on every write)."""

    service_at_location = models.OneToOneField(
        ServiceAtLocation, on_delete=models.CASCADE, primary_key=True, related_name="map_point"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, related_name="+")
    is_published = models.BooleanField(default=True)
    is_confidential = models.BooleanField(default=False)
    status = models.CharField(max_length=20)
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    languages = models.CharField(max_length=200, default="|", help_text="'|es|en|'")
    name_es = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    # Exact position (network members) and public position (snapped when confidential).
    latitude = models.FloatField()
    longitude = models.FloatField()
    mx = models.IntegerField()
    my = models.IntegerField()
    public_latitude = models.FloatField()
    public_longitude = models.FloatField()
    public_mx = models.IntegerField()
    public_my = models.IntegerField()

    class Meta:
        indexes = [
            # Covering indexes: a viewport's clusters are counted from the index alone.
            models.Index(
                fields=["is_published", "public_mx", "public_my", "service_at_location"], name="mappoint_public_xy"
            ),
            models.Index(fields=["is_published", "mx", "my", "service_at_location"], name="mappoint_member_xy"),
            models.Index(fields=["service"], name="mappoint_service"),
        ]

    def __str__(self):
        return f"{self.name_es or self.name_en} ({self.latitude:.3f}, {self.longitude:.3f})"
