"""Site search over services. The public never matches (nor sees) a confidential address."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core import access
from core.search import SearchResult, matches, register

from .models import Address, Service


@register
def search_services(user, words):
    member = access.sees_members_only(user)
    rows = access.restrict(Service.objects.select_related("provider", "country"), user)
    for word in words:
        match = matches(word, "name_es", "name_en", "provider__name_es", "provider__name_en")
        if member:
            located = Address.objects.filter(matches(word, "address_1", "city"))
            match |= Q(service_at_locations__location__in=located.values("location_id"))
        rows = rows.filter(match)
    return [
        SearchResult(
            _("Service"), str(service), service.get_absolute_url(), f"{service.provider} · {service.country.name}"
        )
        for service in rows.distinct().order_by("name_es", "name_en")[:20]
    ]
