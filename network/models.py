"""The network: conference, bodies, countries, presidencies, organizations and people."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from core.i18n import BilingualMixin, in_one_language, one_language_errors, require_one_language
from core.models import Visibility
from core.versioning import Versioned


class Conference(BilingualMixin, models.Model):
    """An inter-state consultation process, such as the Regional Conference on Migration."""

    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=20, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [in_one_language("name")]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        require_one_language(self, "name")


class BodyKind(models.TextChoices):
    VICE_MINISTERIAL = "vice_ministerial", _("Vice-Ministerial Meeting")
    RCGM = "rcgm", _("Regional Consultation Group on Migration")
    NETWORK = "network", _("Liaison officer network")
    WORKING_GROUP = "working_group", _("Working group")
    OTHER = "other", _("Other body")


class BodyQuerySet(models.QuerySet):
    def networks(self):
        return self.filter(kind=BodyKind.NETWORK)


class Body(BilingualMixin, models.Model):
    """A body of a conference: the Vice-Ministerial Meeting, the RCGM, a liaison officer network, …"""

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("conference")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    slug = models.SlugField(_("short name for links"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=40, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reports to"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = BodyQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("conference", "kind", "slug", "name_es", "name_en", "acronym_es", "acronym_en", "parent", "order")

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["order", "id"]
        constraints = [in_one_language("name")]

    def __str__(self):
        return self.localized("name")

    def clean(self):
        require_one_language(self, "name")
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A body cannot report to itself.")})

    def get_absolute_url(self):
        return reverse("network:body", args=[self.slug])


class Membership(models.TextChoices):
    MEMBER = "member", _("Member country")
    OBSERVER = "observer", _("Observer country")


class CountryQuerySet(models.QuerySet):
    def members(self):
        return self.filter(membership=Membership.MEMBER)


class Country(models.Model):
    """A country of the conference, by ISO 3166 alpha-2 code; its name comes in the reader's language."""

    code = CountryField(_("ISO 3166 code"), unique=True)
    membership = models.CharField(_("membership"), max_length=10, choices=Membership.choices)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self):
        return str(self.code.name)

    @property
    def name(self):
        return self.code.name

    def get_absolute_url(self):
        return reverse("network:country", args=[self.code.code.lower()])


class PPTPeriodQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class PPTPeriod(models.Model):
    """A country's Pro Tempore Presidency, from one Vice-Ministerial Meeting to the next."""

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="ppt_periods", verbose_name=_("conference")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="ppt_periods", verbose_name=_("country")
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True, help_text=_("Leave empty while it runs."))
    handed_over_at = models.CharField(
        _("handed over at"), max_length=300, blank=True, help_text=_("The Vice-Ministerial Meeting of the hand-over.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = PPTPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("Pro Tempore Presidency")
        verbose_name_plural = _("Pro Tempore Presidencies")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="ppt_end_after_start",
                violation_error_message=_("The end must come after the start."),
            )
        ]

    def __str__(self):
        return f"{self.country} ({self.start_date.year})"

    def clean(self):
        if not (self.conference_id and self.start_date):
            return
        far = datetime.date.max
        overlapping = PPTPeriod.objects.filter(conference_id=self.conference_id).exclude(pk=self.pk)
        overlapping = overlapping.filter(start_date__lte=self.end_date or far).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=self.start_date)
        )
        if overlapping.exists():
            raise ValidationError(_("This period overlaps another Pro Tempore Presidency."))


class OrganizationKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Technical Secretariat")
    INTERNATIONAL = "international", _("International organization")
    NATIONAL_INSTITUTION = "national_institution", _("National institution")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", pgettext_lazy("another kind of organization", "Other")


# Kinds whose staff take part as partner organizations.
PARTNER_KINDS = (OrganizationKind.INTERNATIONAL, OrganizationKind.CIVIL_SOCIETY, OrganizationKind.OTHER)


class OrganizationQuerySet(models.QuerySet):
    def national(self):
        return self.filter(kind=OrganizationKind.NATIONAL_INSTITUTION)

    def partners(self):
        return self.filter(kind__in=PARTNER_KINDS)


class Organization(BilingualMixin, Versioned, models.Model):
    """An institution: the TS, an international organization, a national institution, civil society."""

    kind = models.CharField(_("kind"), max_length=24, choices=OrganizationKind.choices)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=30, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("country"),
        help_text=_("For national institutions; empty for international organizations."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("part of / hosted by"),
    )
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = OrganizationQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("kind", "name_es", "name_en", "acronym_es", "acronym_en", "country", "parent", "website")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_es", "name_en"]
        constraints = [in_one_language("name")]

    def __str__(self):
        acronym = self.localized("acronym")
        name = self.localized("name")
        return f"{name} ({acronym})" if acronym and acronym != name else name

    @property
    def short_name(self):
        return self.localized("acronym") or self.localized("name")

    def clean(self):
        errors = {}
        errors.update(one_language_errors(self, "name"))
        if self.kind == OrganizationKind.NATIONAL_INSTITUTION and not self.country_id:
            errors["country"] = _("A national institution needs its country.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("An organization cannot be part of itself.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("network:organization", args=[self.pk])


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")


class PersonQuerySet(models.QuerySet):
    def with_current_appointment(self, on=None):
        return self.filter(Exists(Appointment.objects.current(on).filter(person=OuterRef("pk"))))


class Person(Versioned, models.Model):
    """An official or contact point of the network. E-mail and phones are for network members only."""

    honorific = models.CharField(_("honorific"), max_length=30, blank=True, help_text=_("e.g. Lic., Dr., Ms."))
    given_names = models.CharField(_("given names"), max_length=150)
    family_names = models.CharField(_("family names"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone_office = PhoneNumberField(_("office phone"), blank=True)
    phone_mobile = PhoneNumberField(_("mobile phone"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    visibility = models.CharField(
        _("who may see this person's name"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
        help_text=_("Contact details are shown to network members only, whatever this says."),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = (
        "honorific",
        "given_names",
        "family_names",
        "email",
        "phone_office",
        "phone_mobile",
        "languages",
        "visibility",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_names", "given_names"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="person_email_ci_unique",
                violation_error_message=_("Another contact already uses this e-mail address."),
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(part for part in (self.given_names, self.family_names) if part)

    def clean(self):
        self.email = (self.email or "").strip().lower()
        self.given_names = (self.given_names or "").strip()
        self.family_names = (self.family_names or "").strip()
        unknown = [code for code in self.languages or [] if code not in Language.values]
        if unknown:
            raise ValidationError({"languages": _("Unknown language code: %(codes)s") % {"codes": ", ".join(unknown)}})

    def get_absolute_url(self):
        return reverse("network:person", args=[self.pk])

    def language_names(self):
        labels = dict(Language.choices)
        return [labels[code] for code in self.languages or [] if code in labels]


class AppointmentRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal liaison officer")
    ALTERNATE = "alternate", _("Alternate liaison officer")
    CONTACT_POINT = "contact_point", _("Contact point")
    STAFF = "staff", _("Staff")


OFFICER_ROLES = (AppointmentRole.PRINCIPAL, AppointmentRole.ALTERNATE)


class AppointmentQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))

    def past(self, on=None):
        on = on or timezone.localdate()
        return self.filter(end_date__lt=on)

    def for_directory(self):
        return self.select_related("person", "organization", "organization__country", "body", "country")


class Appointment(models.Model):
    """A person's term in a role: liaison officer of a country in a network, contact point, TS staff."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("institution")
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("network or body"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("country"),
        help_text=_("The country represented or covered; taken from the institution when it has one."),
    )
    role = models.CharField(_("role"), max_length=20, choices=AppointmentRole.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    start_date = models.DateField(_("term start"), default=timezone.localdate)
    end_date = models.DateField(_("term end"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = AppointmentQuerySet.as_manager()

    # What its users edit: its services' allow-list and its form (core/tests/test_one_declaration_per_model.py).
    EDITABLE = ("organization", "body", "country", "role", "position", "start_date", "end_date")

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["country__code", "body_id", "role", "person__family_names"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="appointment_end_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()} · {self.organization.short_name}"

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)

    @property
    def is_officer(self):
        return self.role in OFFICER_ROLES

    def clean(self):
        errors = {}
        org = self.organization if self.organization_id else None
        if org and org.country_id:
            if self.country_id and self.country_id != org.country_id:
                errors["country"] = _("The institution belongs to %(country)s.") % {"country": org.country}
            self.country_id = org.country_id
        if self.role in OFFICER_ROLES:
            if not self.country_id:
                errors["country"] = _("A liaison officer represents a country.")
            if not self.body_id:
                errors["body"] = _("A liaison officer belongs to a network.")
        errors.update(check_term_dates(self.start_date, self.end_date))
        if errors:
            raise ValidationError(errors)


# A term may be entered ahead of time, but not so far ahead that it only hides someone's access.
TERM_START_MIN = datetime.date(1990, 1, 1)


def last_term_start_year():
    return timezone.localdate().year + 1


def check_term_dates(start, end):
    """Return errors by field for a term's dates: no start far ahead or long ago, no end before start."""
    errors = {}
    if start and start.year > last_term_start_year():
        errors["start_date"] = _("A term cannot start after the end of next year.")
    elif start and start < TERM_START_MIN:
        errors["start_date"] = _("A term cannot start before 1990.")
    if start and end and end < start:
        errors["end_date"] = _("The term cannot end before it starts.")
    return errors


class AppointmentProposal(models.Model):
    """A term offered to someone the proposing officer does not keep; it starts once accepted.

    An officer may not attach another country's official, the TS's staff or an organization's
    staff to a term of their own country by themselves: the person (or the TS) accepts it first.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("person"))
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, verbose_name=_("institution"))
    body = models.ForeignKey(Body, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("network or body"))
    country = models.ForeignKey(Country, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("country"))
    role = models.CharField(_("role"), max_length=20, choices=AppointmentRole.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    start_date = models.DateField(_("term start"), default=timezone.localdate)
    end_date = models.DateField(_("term end"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(
        pgettext_lazy("when a proposed appointment was answered", "decided"), null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("who answered a proposed appointment", "decided by"),
    )
    accepted = models.BooleanField(
        pgettext_lazy("whether a proposed appointment was accepted", "accepted"), null=True, blank=True
    )
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("appointment"),
    )

    class Meta:
        verbose_name = _("proposed term")
        verbose_name_plural = _("proposed terms")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()} · {self.organization.short_name}"

    @property
    def is_pending(self):
        return self.decided_at is None

    TERM_FIELDS = ("organization", "body", "country", "role", "position", "start_date", "end_date")

    def term_fields(self):
        """Return the proposed term as the fields of an Appointment."""
        return {name: getattr(self, name) for name in self.TERM_FIELDS}
