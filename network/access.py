"""Access rules for network records (registered with core.access)."""

from django.db.models import Exists, OuterRef, Q

from accounts.access import INVITE
from core.access import ANY, CHANGE, DELETE, VIEW, Policy, VisibilityPolicy, register
from core.models import GrantPermission

from .models import (
    Appointment,
    AppointmentProposal,
    AppointmentRole,
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
CHANGE_VISIBILITY = "change_visibility"
# Give a person a term at once (otherwise the term is proposed and waits for their acceptance).
ASSIGN_TERM = "assign_term"


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


def _kept_term_q(countries, prefix=""):
    """Terms that a country's officers keep: in a national institution of one of `countries`."""
    return Q(**{f"{prefix}country_id__in": countries, f"{prefix}organization__kind__in": COUNTRY_KEPT_KINDS})


@register(Person)
class PersonPolicy(VisibilityPolicy):
    """Names follow the person's visibility; e-mail and phones are for network members only.

    The TS edits everyone; each person corrects their own record; a country's officers edit
    the people they keep: people whose *current* terms are all in national institutions of the
    officers' country. Someone who also serves another country, the TS or an organization, or
    whose terms have all ended, is not theirs to change (nor to invite).
    """

    def current_terms(self, person):
        """Return (country_id, organization kind) of each current term of `person`."""
        cache = getattr(person, "_prefetched_objects_cache", {})
        if "appointments" in cache:
            return [(a.country_id, a.organization.kind) for a in cache["appointments"] if a.is_current]
        return list(person.appointments.current().values_list("country_id", "organization__kind"))

    def kept_by(self, countries, person):
        """True when every current term of `person` is in a national institution of `countries`."""
        if not countries or (person.user_id and getattr(person.user, "is_superuser", False)):
            return False
        terms = self.current_terms(person)
        return bool(terms) and all(country in countries and kind in COUNTRY_KEPT_KINDS for country, kind in terms)

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
            return self.kept_by(p.officer_countries, obj)
        if action in (CHANGE_VISIBILITY, ASSIGN_TERM):
            return self.kept_by(p.officer_countries, obj)
        if action == INVITE:
            return self.kept_by(p.principal_countries, obj)
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
            current = Appointment.objects.current().filter(person=OuterRef("pk"))
            kept = (
                Exists(current.filter(_kept_term_q(p.officer_countries)))
                & ~Exists(current.exclude(_kept_term_q(p.officer_countries)))
                & ~Q(user__is_superuser=True)
            )
            return queryset.filter(own | kept | Q(pk__in=p.granted_ids(Person, GrantPermission.CHANGE)))
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
        if country is None or country.pk not in p.officer_countries or role == AppointmentRole.STAFF:
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


@register(AppointmentProposal)
class AppointmentProposalPolicy(Policy):
    """A proposed term is seen by its person, its proposer and the TS; answered by the person or the TS."""

    def can(self, p, action, obj):
        if p.is_ts:
            return action in (VIEW, CHANGE)
        is_person = p.user_id is not None and obj.person.user_id == p.user_id
        if action == VIEW:
            return is_person or (p.user_id is not None and obj.proposed_by_id == p.user_id)
        return action == CHANGE and is_person

    def can_create(self, p, **context):
        return p.is_officer or p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if p.user_id is None:
            return queryset.none()
        mine = Q(person__user_id=p.user_id)
        if action == VIEW:
            return queryset.filter(mine | Q(proposed_by_id=p.user_id))
        if action == CHANGE:
            return queryset.filter(mine)
        return queryset.none()
