"""Search providers for network records; contact details are never searched for non-members."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core import access
from core.search import SearchResult, matches, register

from .models import Appointment, Organization, Person


@register
def search_organizations(user, words):
    rows = access.restrict(Organization.objects.select_related("country"), user)
    for word in words:
        rows = rows.filter(matches(word, "name_es", "name_en", "acronym_es", "acronym_en"))
    return [
        SearchResult(_("Organization"), str(org), org.get_absolute_url(), org.country.name if org.country else "")
        for org in rows.order_by("name_es")[:20]
    ]


@register
def search_people(user, words):
    member = access.sees_members_only(user)
    rows = access.restrict(Person.objects.all(), user)
    for word in words:
        match = matches(word, "given_names", "family_names", "appointments__position")
        if member:
            match |= Q(email__icontains=word)
        rows = rows.filter(match)
    people = list(rows.distinct().order_by("family_names", "given_names")[:20])
    current = {}
    for appointment in (
        access.restrict(Appointment.objects.current(), user)
        .filter(person__in=people)
        .select_related("organization", "country")
    ):
        current.setdefault(appointment.person_id, appointment)
    results = []
    for person in people:
        appointment = current.get(person.pk)
        detail = ""
        if appointment is not None:
            detail = " · ".join(
                part
                for part in (
                    appointment.get_role_display(),
                    appointment.organization.short_name,
                    appointment.country.name if appointment.country else "",
                )
                if part
            )
        results.append(SearchResult(_("Person"), person.full_name, person.get_absolute_url(), detail))
    return results
