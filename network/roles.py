"""How a user's roles are read from the network directory (registered with core.access in apps.py).

Roles are not stored as flags: they follow from a person's current appointments (TS staff,
liaison officer of a country, partner organization member) and the current Pro Tempore
Presidency. core.access adds the per-object grants and keeps the result for the request.
"""

from django.utils import timezone

from .models import OFFICER_ROLES, PARTNER_KINDS, Appointment, AppointmentRole, OrganizationKind, PPTPeriod


def principal_fields(user):
    """The fields of `user`'s core.access.Principal that the directory decides, in two queries: their current
    terms, and the presidencies their countries hold today or held (whose years they keep reading)."""
    rows = list(
        Appointment.objects.current()
        .filter(person__user=user)
        .values_list("person_id", "country_id", "role", "organization_id", "organization__kind", "country__code")
    )
    officer = {country for (_p, country, role, _o, _k, _c) in rows if role in OFFICER_ROLES and country}
    principal = {country for (_p, country, role, _o, _k, _c) in rows if role == AppointmentRole.PRINCIPAL and country}
    codes = sorted({code for (_p, country, role, _o, _k, code) in rows if role in OFFICER_ROLES and country})
    today = timezone.localdate()
    periods = (
        list(
            PPTPeriod.objects.filter(country_id__in=officer, start_date__lte=today).values_list(
                "country_id", "start_date", "end_date"
            )
        )
        if officer
        else []
    )
    ppt_now = {country for (country, _s, end) in periods if end is None or end >= today}
    past_years = {
        year for (_c, start, end) in periods if end and end < today for year in range(start.year, end.year + 1)
    }
    person_id = rows[0][0] if rows else getattr(getattr(user, "person", None), "pk", None)
    return {
        "person_id": person_id,
        "is_ts": any(kind == OrganizationKind.SECRETARIAT for (*_r, kind, _c) in rows),
        "officer_countries": frozenset(officer),
        "principal_countries": frozenset(principal),
        "ppt_countries": frozenset(officer & ppt_now),
        "past_ppt_years": frozenset(past_years),
        "organizations": frozenset(org for (_p, _c, _r, org, _k, _cc) in rows),
        "partner_organizations": frozenset(org for (_p, _c, _r, org, kind, _cc) in rows if kind in PARTNER_KINDS),
        "officer_country_codes": tuple(str(code) for code in codes),
    }
