"""Search providers for network records; contact details are never searched for non-members."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core import access
from core.search import SearchResult, register

from .models import Appointment, Organization, Person


@register
def search_organizations(user, words):
    rows = access.restrict(Organization.objects.select_related("country"), user)
    for word in words:
        rows = rows.filter(
            Q(name_es__icontains=word)
            | Q(name_en__icontains=word)
            | Q(acronym_es__icontains=word)
            | Q(acronym_en__icontains=word)
        )
    return [
        SearchResult(_("Organization"), str(org), org.get_absolute_url(), org.country.name if org.country else "")
        for org in rows.order_by("name_es")[:20]
    ]


@register
def search_people(user, words):
    member = access.principal_for(user).is_member
    rows = access.restrict(Person.objects.all(), user)
    for word in words:
        match = (
            Q(given_names__icontains=word) | Q(family_names__icontains=word) | Q(appointments__position__icontains=word)
        )
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
