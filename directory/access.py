"""Access rules for the directory of services (registered with core.access).

- Published services, providers, locations and taxonomies are public; a partner's unpublished
  entry is seen by its author, its partners, the country's officers and the TS.
- A country's officers and the TS edit that country's entries directly, approve partners'
  drafts and verify entries. Partners (staff of the provider's network organization, or
  holders of a `Grant` on one service) only propose changes, kept as drafts.
- A confidential location's address and exact position, and named contacts, are for network
  members only: everyone else gets the municipality.
"""

from django.db.models import Q

from core.access import ANY, CHANGE, DELETE, VIEW, Policy, ThroughParent, TSOnly, register, register_policy
from core.models import GrantPermission

from .models import (
    Address,
    Contact,
    Location,
    MapCell,
    MapPoint,
    Phone,
    Place,
    Provider,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceEdit,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)

PROPOSE = "propose"
APPROVE = "approve"
VERIFY = "verify"
VIEW_CONFIDENTIAL = "view_confidential"
VIEW_HISTORY = "view_history"


def keeps(p, country_id):
    """The TS and the country's liaison officers keep a country's entries."""
    return p.is_ts or (country_id is not None and country_id in p.officer_countries)


def partners_on(p, service):
    """Is `p` a partner named on this service (by its organization, or a grant on the service)?"""
    if not p.is_authenticated:
        return False
    org_id = service.provider.network_organization_id if service.provider_id else None
    if org_id is not None and org_id in p.organizations:
        return True
    return p.has_grant(service, GrantPermission.CHANGE)


@register(Service)
class ServicePolicy(Policy):
    def can(self, p, action, obj):
        if action == VIEW:
            return (
                obj.is_published
                or keeps(p, obj.country_id)
                or partners_on(p, obj)
                or (p.user_id is not None and obj.created_by_id == p.user_id)
            )
        if action == VIEW_CONFIDENTIAL:
            return p.is_member
        if action == VIEW_HISTORY:
            return p.is_ts
        if action in (CHANGE, DELETE, APPROVE, VERIFY):
            return keeps(p, obj.country_id)
        if action == PROPOSE:
            return keeps(p, obj.country_id) or partners_on(p, obj)
        return False

    def can_create(self, p, country=None, provider=None, **context):
        if country is ANY:
            return p.is_ts or p.is_officer or p.is_partner
        if country is not None and keeps(p, country.pk):
            return True
        org_id = getattr(provider, "network_organization_id", None)
        return org_id is not None and org_id in p.organizations

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW:
            seen = Q(is_published=True) | Q(country_id__in=p.officer_countries)
            if p.is_authenticated:
                seen |= (
                    Q(provider__network_organization_id__in=p.organizations)
                    | Q(pk__in=p.granted_ids(Service, GrantPermission.CHANGE))
                    | Q(created_by_id=p.user_id)
                )
            return queryset.filter(seen)
        if action in (CHANGE, APPROVE, VERIFY):
            return queryset.filter(country_id__in=p.officer_countries)
        return queryset.none()


@register(Location)
class LocationPolicy(Policy):
    def can(self, p, action, obj):
        if action == VIEW:
            return True
        if action == VIEW_CONFIDENTIAL:
            return p.is_member or not obj.is_confidential
        if action in (CHANGE, DELETE):
            return keeps(p, obj.country_id)
        return False

    def can_create(self, p, country=None, **context):
        if country is ANY:
            return p.is_ts or p.is_officer
        return country is not None and keeps(p, country.pk)

    def restrict(self, queryset, p, action):
        if action == VIEW or p.is_ts:
            return queryset
        if action == CHANGE:
            return queryset.filter(country_id__in=p.officer_countries)
        return queryset.none()


@register(Provider)
class ProviderPolicy(Policy):
    def can(self, p, action, obj):
        if action == VIEW:
            return True
        if action in (CHANGE, DELETE):
            return p.is_ts or (obj.country_id is not None and obj.country_id in p.officer_countries)
        return False

    def can_create(self, p, country=None, **context):
        if country is None or country is ANY:
            return p.is_ts or (country is ANY and p.is_officer)
        return keeps(p, country.pk)


@register(ServiceEdit)
class ServiceEditPolicy(Policy):
    def can(self, p, action, obj):
        if action == VIEW:
            return keeps(p, obj.service.country_id) or (p.user_id is not None and obj.author_id == p.user_id)
        if action in (APPROVE, CHANGE):
            return keeps(p, obj.service.country_id)
        return False

    def can_create(self, p, **context):
        return p.is_authenticated

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        mine = Q(author_id=p.user_id) if p.user_id else Q(pk__in=[])
        if action == VIEW:
            return queryset.filter(Q(service__country_id__in=p.officer_countries) | mine)
        if action in (APPROVE, CHANGE):
            return queryset.filter(service__country_id__in=p.officer_countries)
        return queryset.none()


@register(Contact)
class ContactPolicy(Policy):
    """Named contacts are personal data: network members only."""

    def can(self, p, action, obj):
        if action == VIEW:
            return p.is_member
        return p.is_ts

    def restrict(self, queryset, p, action):
        if action == VIEW and p.is_member:
            return queryset
        return queryset if p.is_ts else queryset.none()


@register(Taxonomy)
@register(TaxonomyTerm)
@register(Place)
class ReferencePolicy(Policy):
    """Taxonomies and the gazetteer are public; the TS keeps them."""


# Parts of a service or a location (HSDS's many small tables): the rules of what they belong to.
# Read directly (the activity feed, a future page), they are for network members: a location's address
# or phone may be confidential; the public reads them through the map and the HSDS API, which apply
# the confidentiality rules field by field.
_PARTS = {
    Address: ("location",),
    ServiceAtLocation: ("service",),
    Phone: ("service", "location", "provider", "contact", "service_at_location"),
    Schedule: ("service", "location", "service_at_location"),
    ServiceLanguage: ("service", "location", "phone"),
    ServiceArea: ("service",),
    MapPoint: ("service",),
}
for _model, _parents in _PARTS.items():
    register_policy(_model, ThroughParent(*_parents, members_only=True))
# The cluster pyramid holds counts only; the map reads it for everyone through queries.clusters,
# which picks the public or the exact cells by who reads. Read directly, it is the TS's.
register_policy(MapCell, TSOnly())
