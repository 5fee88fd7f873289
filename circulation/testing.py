"""Test helpers for circulation, usable by other apps' tests.

The seed meeting (15 November 2017) had eight delegations: `seed_meeting_officers(n)` adds
to `core.testing.build_network()` the countries it lacks (Canada, Nicaragua) and a principal
liaison officer with an account for each of the eight. `circulate(...)` writes and sends a
circular in one call, e.g. for the seed acceptance test of meetings:

    circular = circulate(commitment, acting_user=n.ts, countries=seed_countries())
    commitment.refresh_from_db()   # now done, by n.ts, at circular.sent_at
"""

import datetime

from django.utils import timezone

from core.testing import make_user
from network import services as network_services
from network.models import AppointmentRole, Body, BodyKind, Country, Membership, Organization, OrganizationKind

from . import services
from .models import CircularKind

SEED_MEETING_COUNTRIES = ("CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA")


def seed_countries():
    return list(Country.objects.filter(code__in=SEED_MEETING_COUNTRIES).order_by("code"))


def seed_meeting_officers(n, language="en"):
    """Make sure each seed-meeting country exists and has a principal officer with an account.

    Return {code: user}, reusing the officers build_network() made (GT, HN, MX, PA).
    """
    users = {"GT": n.gt_officer, "HN": n.hn_officer, "MX": n.mx_officer, "PA": n.pa_officer}
    network = Body.objects.filter(kind=BodyKind.NETWORK).first()
    for code in SEED_MEETING_COUNTRIES:
        country, _created = Country.objects.get_or_create(code=code, defaults={"membership": Membership.MEMBER})
        if code in users:
            continue
        institution = Organization.objects.filter(kind=OrganizationKind.NATIONAL_INSTITUTION, country=country).first()
        if institution is None:
            institution = network_services.create_organization(
                acting_user=n.ts,
                kind=OrganizationKind.NATIONAL_INSTITUTION,
                country=country,
                name_es=f"Institución de {code}",
                acronym_es=f"INST-{code}",
            )
        email = f"officer.{code.lower()}@example.org"
        person = network_services.create_person(
            acting_user=n.ts,
            given_names="Oficial",
            family_names=code,
            email=email,
            appointment={
                "organization": institution,
                "role": AppointmentRole.PRINCIPAL,
                "body": network,
                "start_date": timezone.localdate() - datetime.timedelta(days=100),
            },
        )
        user = make_user(email, person)
        user.language = language
        user.save(update_fields=["language"])
        users[code] = user
    return users


def circulate(target=None, *, acting_user, countries=(), organizations=(), people=(), **fields):
    """Write and send a circular (fulfilling `target` when given); return it."""
    fields.setdefault("kind", CircularKind.INFORMATION_NOTE)
    fields.setdefault("title_en", "Information note")
    fields.setdefault("body_en", "Please find the information note attached.")
    circular = services.create_circular(
        acting_user=acting_user,
        countries=countries,
        organizations=organizations,
        people=people,
        fulfils=target,
        **fields,
    )
    return services.send_circular(circular, acting_user=acting_user)
