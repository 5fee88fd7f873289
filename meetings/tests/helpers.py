"""Test data for the meetings app: the RCM directory the seed report names, built through services."""

import datetime
import io
from pathlib import Path

from core.testing import build_network
from network import services as network_services
from network.models import Country, Membership, OrganizationKind

DATA = Path(__file__).parent / "data"
NETWORK_NAME_EN = "Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents"
NETWORK_NAME_ES = "Red de Funcionarios de Enlace para la Protección de Niñas, Niños y Adolescentes Migrantes"


def build_rcm(today=None):
    """Return core.testing's network, completed with the 11 member countries and the seed's organizations."""
    n = build_network(today)
    for code in ("BZ", "CA", "DO", "NI", "US"):
        n.countries[code] = Country.objects.create(code=code, membership=Membership.MEMBER)
    n.network = network_services.update_body(
        n.network,
        acting_user=n.ts,
        name_en=NETWORK_NAME_EN,
        name_es=NETWORK_NAME_ES,
        acronym_es="Red NNA",
        acronym_en="",
    )

    def org(name_en, name_es, acronym_en, acronym_es, kind=OrganizationKind.INTERNATIONAL):
        return network_services.create_organization(
            acting_user=n.ts, kind=kind, name_en=name_en, name_es=name_es, acronym_en=acronym_en, acronym_es=acronym_es
        )

    n.icrc = org("International Committee of the Red Cross", "Comité Internacional de la Cruz Roja", "ICRC", "CICR")
    n.unhcr = org("Office of the United Nations High Commissioner for Refugees", "ACNUR", "UNHCR", "ACNUR")
    n.childfund = org("Child Fund", "Child Fund", "", "", kind=OrganizationKind.CIVIL_SOCIETY)
    return n


def seed_text(lang="en"):
    return (DATA / f"seed_report_{lang}.txt").read_text(encoding="utf-8")


def seed_file(lang="en"):
    """The seed report as an uploaded-file-like object."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"seed_report_{lang}.txt", seed_text(lang).encode("utf-8"), content_type="text/plain")


def days_ago(days):
    return datetime.date.today() - datetime.timedelta(days=days)


def docx_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
