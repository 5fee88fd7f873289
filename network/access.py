"""Access rules for network records (registered with core.access)."""

from django.db.models import Exists, OuterRef, Q

from core.access import ANY, CHANGE, DELETE, VIEW, Policy, VisibilityPolicy, register
from core.models import GrantPermission

from .models import (
    Appointment,
    Body,
    Conference,
    Country,
    Organization,
    OrganizationKind,
    Person,
    PPTPeriod,
)

# Kinds of organization that a country's officers keep, as their own country's records.
COUNTRY_KEPT_KINDS = (OrganizationKind.NATIONAL_INSTITUTION,)

VIEW_CONTACT = "view_contact"
VIEW_HISTORY = "view_history"
INVITE = "invite"
CHANGE_VISIBILITY = "change_visibility"


@register(Conference)
@register(Body)
@register(Country)
@register(PPTPeriod)
class NetworkStructurePolicy(Policy):
    """The network's structure is public; the TS keeps it."""

    def can(self, p, action, obj):
        if action == VIEW_HISTORY:
            return p.is_ts
        return super().can(p, action, obj)


@register(Organization)
class OrganizationPolicy(Policy):
    """Organizations are public; the TS edits all, officers their own country's national institutions."""

    def can(self, p, action, obj):
        if action == VIEW:
            return True
        if action == VIEW_HISTORY:
            return p.is_ts
        if p.is_ts or p.has_grant(obj, GrantPermission.CHANGE):
            return action in (CHANGE, DELETE)
        return action == CHANGE and obj.kind in COUNTRY_KEPT_KINDS and obj.country_id in p.officer_countries

    def can_create(self, p, country=None, kind=None, **context):
        if p.is_ts:
            return True
        if kind not in COUNTRY_KEPT_KINDS or country is None:
            return False
        return p.is_officer if country is ANY else country.pk in p.officer_countries

    def restrict(self, queryset, p, action):
        if action == VIEW or p.is_ts:
            return queryset
        if action == CHANGE:
            granted = p.granted_ids(Organization, GrantPermission.CHANGE)
            return queryset.filter(
                Q(kind__in=COUNTRY_KEPT_KINDS, country_id__in=p.officer_countries) | Q(pk__in=granted)
            )
        return queryset.none()


@register(Person)
class PersonPolicy(VisibilityPolicy):
    """Names follow the person's visibility; e-mail and phones are for network members only.

    The TS edits everyone; a country's officers edit the people appointed for their country;
    each person corrects their own record.
    """

    def countries_of(self, person):
        cache = getattr(person, "_prefetched_objects_cache", {})
        if "appointments" in cache:
            return {a.country_id for a in cache["appointments"] if a.country_id}
        return set(person.appointments.exclude(country=None).values_list("country_id", flat=True))

    def is_self(self, p, person):
        return p.user_id is not None and person.user_id == p.user_id

    def can(self, p, action, obj):
        if action == VIEW:
            return self.is_self(p, obj) or self.visible(p, obj)
        if action == VIEW_CONTACT:
            return p.is_member or self.is_self(p, obj)
        if action == VIEW_HISTORY:
            return p.is_ts
        if p.is_ts:
            return True
        if action == CHANGE:
            if self.is_self(p, obj) or p.has_grant(obj, GrantPermission.CHANGE):
                return True
            return bool(p.officer_countries and self.countries_of(obj) & p.officer_countries)
        if action == CHANGE_VISIBILITY:
            return bool(p.officer_countries and self.countries_of(obj) & p.officer_countries)
        if action == INVITE:
            return bool(p.principal_countries and self.countries_of(obj) & p.principal_countries)
        return False

    def can_create(self, p, country=None, **context):
        if p.is_ts:
            return True
        if country is ANY:
            return p.is_officer
        return country is not None and country.pk in p.officer_countries

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        own = Q(user_id=p.user_id) if p.user_id else Q(pk__in=[])
        if action == VIEW:
            return queryset.filter(self.visibility_q(p) | own)
        if action == CHANGE:
            in_my_country = Exists(
                Appointment.objects.filter(person=OuterRef("pk"), country_id__in=p.officer_countries)
            )
            return queryset.filter(own | in_my_country | Q(pk__in=p.granted_ids(Person, GrantPermission.CHANGE)))
        return queryset.none()


@register(Appointment)
class AppointmentPolicy(Policy):
    """Appointments are seen with their person; edited by the TS or the country's officers."""

    def can(self, p, action, obj):
        if action == VIEW:
            return PersonPolicy().can(p, VIEW, obj.person)
        if action == VIEW_HISTORY:
            return p.is_ts
        if p.is_ts:
            return True
        if action in (CHANGE, DELETE):
            # Officers keep their country's officers and institutions, not partners' staff.
            return obj.country_id in p.officer_countries and obj.organization.kind in COUNTRY_KEPT_KINDS
        return False

    def can_create(self, p, country=None, organization=None, role=None, **context):
        if p.is_ts:
            return True
        if country is ANY:
            return p.is_officer
        if country is None or country.pk not in p.officer_countries:
            return False
        if organization is None:
            return True
        in_my_country = organization.country_id is None or organization.country_id in p.officer_countries
        return organization.kind in COUNTRY_KEPT_KINDS and in_my_country

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW:
            scoped = PersonPolicy().visibility_q(p, prefix="person__")
            own = Q(person__user_id=p.user_id) if p.user_id else Q(pk__in=[])
            return queryset.filter(scoped | own)
        if action == CHANGE:
            return queryset.filter(country_id__in=p.officer_countries, organization__kind__in=COUNTRY_KEPT_KINDS)
        return queryset.none()
