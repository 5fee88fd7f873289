"""Test data for the directory, built through the services users call."""

import datetime

from core.testing import build_network
from directory import gazetteer, services, taxonomies
from directory.models import Place, PlaceKind, Taxonomy, TaxonomyTerm

SECRET_STREET = "Calle Escondida 77"


def reference_data():
    """Install our taxonomies and gazetteer (a transactional test elsewhere may have flushed them)."""
    taxonomies.install(Taxonomy, TaxonomyTerm)
    if not Place.objects.filter(kind=PlaceKind.MUNICIPALITY, code="quetzaltenango").exists():
        gazetteer.install(Place)


def municipality(code):
    return Place.objects.get(kind=PlaceKind.MUNICIPALITY, code=code)


def term(taxonomy, code):
    return TaxonomyTerm.objects.get(pk=taxonomies.term_id(taxonomy, code))


def build_directory(n=None):
    """The network, plus Guatemala's directory: an office and a confidential shelter, a UNICEF service."""
    reference_data()
    n = n or build_network()
    quetzal = municipality("quetzaltenango")
    n.sbs_provider = services.create_provider(
        acting_user=n.gt_officer, name_es="Secretaría de Bienestar Social", country=n.gt
    )
    n.unicef_provider = services.create_provider(
        acting_user=n.ts, name_es="UNICEF Guatemala", network_organization=n.unicef
    )
    n.office = services.create_location(
        acting_user=n.gt_officer,
        name="Oficina central",
        latitude=14.6349,
        longitude=-90.5069,
        country=n.gt,
        municipality=municipality("guatemala"),
        address={"address_1": "6a Avenida 1-20, zona 1", "city": "Guatemala"},
    )
    n.shelter_location = services.create_location(
        acting_user=n.gt_officer,
        name="Casa de acogida",
        latitude=14.8512,
        longitude=-91.5371,
        is_confidential=True,
        country=n.gt,
        municipality=quetzal,
        address={"address_1": SECRET_STREET, "city": "Quetzaltenango"},
    )
    n.office_service = services.create_service(
        acting_user=n.gt_officer,
        provider=n.sbs_provider,
        country=n.gt,
        name_es="Atención a niñez retornada",
        name_en="Care for returned children",
        minimum_age=0,
        maximum_age=17,
        terms=[term(taxonomies.SERVICE_TYPES, "reception-returned"), term(taxonomies.PROFILES, "returned")],
        languages=["es", "mam"],
        locations=[n.office],
        phones=[{"number": "+502 2412 8000"}],
        schedules=[
            {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": datetime.time(8), "closes_at": datetime.time(16)}
        ],
    )
    n.shelter = services.create_service(
        acting_user=n.gt_officer,
        provider=n.sbs_provider,
        country=n.gt,
        name_es="Albergue para niñez no acompañada",
        name_en="Shelter for unaccompanied children",
        terms=[term(taxonomies.SERVICE_TYPES, "shelter"), term(taxonomies.PROFILES, "unaccompanied")],
        languages=["es"],
        locations=[n.shelter_location],
    )
    n.unicef_service = services.create_service(
        acting_user=n.ts,
        provider=n.unicef_provider,
        country=n.gt,
        name_es="Espacio amigable para la niñez",
        name_en="Child-friendly space",
        locations=[n.office],
    )
    return n
