# ruff: noqa: E501 - one demo record per line reads best as a table
"""The demonstration directory (idempotent): national child-protection authorities, consulates,
shelters and reception centres, IOM and UNICEF offices in the member countries.

Public names of institutions; city-level coordinates (our gazetteer's, slightly offset); every
record marked demo. Shelters' locations are confidential: the public sees their municipality.
"""

import datetime
import uuid

from django.utils import timezone

from network.models import Country, Organization

from . import indexing
from .models import (
    Address,
    Location,
    Phone,
    Place,
    PlaceKind,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceEdit,
    ServiceLanguage,
)
from .queries import language_name
from .taxonomies import PROFILES, SERVICE_TYPES, term_id

NAMESPACE = uuid.UUID("0c9a3a8e-9d3f-4a53-8c1e-7a6f2f1d5b10")

# key: (country or "", name_es, name_en, network organization acronym (en) or "")
PROVIDERS = {
    "pani": ("CR", "Patronato Nacional de la Infancia (PANI)", "National Child Welfare Agency (PANI)", ""),
    "conani": ("DO", "Consejo Nacional para la Niñez y la Adolescencia (CONANI)", "National Council for Children and Adolescents (CONANI)", ""),
    "conapina": ("SV", "Consejo Nacional de la Primera Infancia, Niñez y Adolescencia (CONAPINA)", "National Council for Early Childhood, Children and Adolescents (CONAPINA)", ""),
    "sbs": ("GT", "Secretaría de Bienestar Social de la Presidencia (SBS)", "Social Welfare Secretariat (SBS)", ""),
    "pgn": ("GT", "Procuraduría General de la Nación (PGN)", "Attorney General's Office (PGN)", ""),
    "dinaf": ("HN", "Dirección de Niñez, Adolescencia y Familia (DINAF)", "Directorate for Children, Adolescents and Family (DINAF)", ""),
    "dif": ("MX", "Sistema Nacional para el Desarrollo Integral de la Familia (DIF)", "National System for Integral Family Development (DIF)", ""),
    "mifan": ("NI", "Ministerio de la Familia, Adolescencia y Niñez (MIFAN)", "Ministry of the Family, Adolescents and Children (MIFAN)", ""),
    "senniaf": ("PA", "Secretaría Nacional de Niñez, Adolescencia y Familia (SENNIAF)", "National Secretariat for Children, Adolescents and Family (SENNIAF)", ""),
    "bz-hs": ("BZ", "Departamento de Servicios Humanos de Belice", "Belize Department of Human Services", ""),
    "orr": ("US", "Oficina de Reasentamiento de Refugiados (ORR)", "Office of Refugee Resettlement (ORR)", ""),
    "ircc": ("CA", "Inmigración, Refugiados y Ciudadanía Canadá (IRCC)", "Immigration, Refugees and Citizenship Canada (IRCC)", ""),
    "sre-gt": ("GT", "Ministerio de Relaciones Exteriores de Guatemala", "Ministry of Foreign Affairs of Guatemala", ""),
    "sre-hn": ("HN", "Secretaría de Relaciones Exteriores de Honduras", "Ministry of Foreign Affairs of Honduras", ""),
    "sre-sv": ("SV", "Ministerio de Relaciones Exteriores de El Salvador", "Ministry of Foreign Affairs of El Salvador", ""),
    "sre-mx": ("MX", "Secretaría de Relaciones Exteriores de México", "Ministry of Foreign Affairs of Mexico", ""),
    "comar": ("MX", "Comisión Mexicana de Ayuda a Refugiados (COMAR)", "Mexican Commission for Refugee Assistance (COMAR)", ""),
    "iom": ("", "Organización Internacional para las Migraciones (OIM)", "International Organization for Migration (IOM)", "IOM"),
    "unicef": ("", "Fondo de las Naciones Unidas para la Infancia (UNICEF)", "United Nations Children's Fund (UNICEF)", "UNICEF"),
}  # fmt: skip

ALL = ["es"]
# (key, provider, country, municipality, name_es, name_en, types, profiles, confidential, ages, languages)
SERVICES = [
    ("pani-sj", "pani", "CR", "san-jose", "Oficinas centrales del PANI", "PANI head office", ["child-protection-authority", "legal-aid"], ["unaccompanied"], False, (0, 17), ["es", "en"]),
    ("pani-upala", "pani", "CR", "upala", "Oficina local del PANI en Upala", "PANI local office in Upala", ["child-protection-authority", "reception-returned"], ["unaccompanied", "families"], False, (0, 17), ["es"]),
    ("pani-albergue", "pani", "CR", "corredores", "Albergue transitorio para niñez migrante (Paso Canoas)", "Transit shelter for migrant children (Paso Canoas)", ["shelter", "alternative-care"], ["unaccompanied", "extra-regional"], True, (0, 17), ["es", "en", "fr"]),
    ("conani-sd", "conani", "DO", "santo-domingo", "CONANI: protección especial", "CONANI: special protection", ["child-protection-authority", "alternative-care"], ["unaccompanied", "trafficking-victims"], False, (0, 17), ["es", "ht"]),
    ("conani-dajabon", "conani", "DO", "dajabon", "Hogar de paso de Dajabón", "Dajabón transit home", ["shelter"], ["unaccompanied", "returned"], True, (0, 17), ["es", "ht"]),
    ("conapina-ss", "conapina", "SV", "san-salvador", "CONAPINA: Junta de Protección de la Niñez", "CONAPINA: Child Protection Board", ["child-protection-authority", "legal-aid"], ["unaccompanied", "crime-victims"], False, (0, 17), ["es"]),
    ("caim-sv", "conapina", "SV", "san-salvador", "Centro de Atención Integral para Migrantes (CAIM)", "Comprehensive Migrant Care Centre (CAIM)", ["reception-returned", "psychosocial-care"], ["returned", "families"], False, (0, 17), ["es", "en"]),
    ("sbs-qz", "sbs", "GT", "quetzaltenango", "Casa Nuestras Raíces Quetzaltenango", "Casa Nuestras Raíces Quetzaltenango", ["reception-returned", "shelter", "psychosocial-care"], ["returned", "unaccompanied"], True, (0, 17), ["es", "mam", "quc"]),
    ("sbs-gt", "sbs", "GT", "guatemala", "Casa Nuestras Raíces Guatemala", "Casa Nuestras Raíces Guatemala", ["reception-returned", "shelter"], ["returned", "unaccompanied"], True, (0, 17), ["es", "kek", "cak"]),
    ("pgn-gt", "pgn", "GT", "guatemala", "Procuraduría de la Niñez y la Adolescencia", "Children and Adolescents' Attorney", ["child-protection-authority", "legal-aid", "family-tracing"], ["unaccompanied", "trafficking-victims"], False, (0, 17), ["es"]),
    ("dinaf-tgu", "dinaf", "HN", "tegucigalpa", "DINAF: oficina central", "DINAF head office", ["child-protection-authority", "family-tracing"], ["unaccompanied"], False, (0, 17), ["es"]),
    ("canfm-sps", "dinaf", "HN", "san-pedro-sula", "Centro de Atención a la Niñez y Familias Migrantes Belén", "Belén Centre for Migrant Children and Families", ["reception-returned", "psychosocial-care", "health"], ["returned", "families"], False, (0, 17), ["es", "en"]),
    ("dinaf-albergue", "dinaf", "HN", "choluteca", "Centro de protección temporal (Choluteca)", "Temporary protection centre (Choluteca)", ["shelter", "alternative-care"], ["unaccompanied", "crime-victims"], True, (6, 17), ["es"]),
    ("dif-tap", "dif", "MX", "tapachula", "Procuraduría de Protección de Niñas, Niños y Adolescentes (Chiapas)", "Child Protection Office (Chiapas)", ["child-protection-authority", "legal-aid"], ["unaccompanied", "asylum-seekers"], False, (0, 17), ["es", "en", "fr", "ht"]),
    ("dif-albergue-tap", "dif", "MX", "tapachula", "Albergue temporal del DIF para niñez migrante", "DIF temporary shelter for migrant children", ["shelter", "alternative-care", "psychosocial-care"], ["unaccompanied", "extra-regional", "asylum-seekers"], True, (0, 17), ["es", "en", "fr", "ht"]),
    ("dif-cdmx", "dif", "MX", "cdmx", "DIF Nacional: Procuraduría Federal de Protección", "National DIF: Federal Child Protection Office", ["child-protection-authority"], ["unaccompanied", "trafficking-victims"], False, (0, 17), ["es"]),
    ("dif-juarez", "dif", "MX", "ciudad-juarez", "Centro de asistencia social para niñez migrante (Juárez)", "Social assistance centre for migrant children (Juárez)", ["shelter", "reception-returned"], ["returned", "unaccompanied"], True, (0, 17), ["es", "en"]),
    ("comar-tap", "comar", "MX", "tapachula", "COMAR: oficina de Tapachula", "COMAR Tapachula office", ["asylum", "information"], ["asylum-seekers", "extra-regional", "families"], False, None, ["es", "en", "fr", "ht"]),
    ("mifan-mga", "mifan", "NI", "managua", "MIFAN: protección especial", "MIFAN: special protection", ["child-protection-authority"], ["unaccompanied"], False, (0, 17), ["es", "miq"]),
    ("senniaf-pty", "senniaf", "PA", "panama", "SENNIAF: Dirección de Protección Especial", "SENNIAF: Special Protection Directorate", ["child-protection-authority", "legal-aid"], ["unaccompanied", "trafficking-victims"], False, (0, 17), ["es", "en"]),
    ("senniaf-darien", "senniaf", "PA", "chepigana", "SENNIAF: punto de atención en Darién", "SENNIAF: assistance point in Darién", ["child-protection-authority", "humanitarian-assistance", "family-tracing"], ["unaccompanied", "extra-regional", "families"], False, (0, 17), ["es", "en", "fr", "ht"]),
    ("senniaf-albergue", "senniaf", "PA", "chepigana", "Albergue de protección (Darién)", "Protection shelter (Darién)", ["shelter"], ["unaccompanied", "extra-regional"], True, (0, 17), ["es", "en", "fr"]),
    ("bz-hs", "bz-hs", "BZ", "belmopan", "Servicios de protección infantil", "Child protection services", ["child-protection-authority"], ["unaccompanied"], False, (0, 17), ["en", "es"]),
    ("orr-dc", "orr", "US", "washington", "Programa de niñez no acompañada (ORR)", "Unaccompanied Children Program (ORR)", ["child-protection-authority", "alternative-care"], ["unaccompanied"], False, (0, 17), ["en", "es"]),
    ("ircc-ott", "ircc", "CA", "ottawa", "Protección de refugiados: menores no acompañados", "Refugee protection: unaccompanied minors", ["asylum"], ["asylum-seekers", "unaccompanied"], False, (0, 17), ["en", "fr", "es"]),
    ("consul-gt-tap", "sre-gt", "MX", "tapachula", "Consulado General de Guatemala en Tapachula", "Consulate General of Guatemala in Tapachula", ["consular-assistance", "family-tracing"], ["unaccompanied", "returned"], False, None, ["es", "mam"]),
    ("consul-hn-tap", "sre-hn", "MX", "tapachula", "Consulado de Honduras en Tapachula", "Consulate of Honduras in Tapachula", ["consular-assistance"], ["unaccompanied", "returned"], False, None, ["es"]),
    ("consul-sv-tap", "sre-sv", "MX", "tapachula", "Consulado de El Salvador en Tapachula", "Consulate of El Salvador in Tapachula", ["consular-assistance"], ["unaccompanied", "returned"], False, None, ["es"]),
    ("consul-gt-hou", "sre-gt", "US", "houston", "Consulado General de Guatemala en Houston", "Consulate General of Guatemala in Houston", ["consular-assistance"], ["unaccompanied"], False, None, ["es", "en"]),
    ("consul-hn-hou", "sre-hn", "US", "houston", "Consulado General de Honduras en Houston", "Consulate General of Honduras in Houston", ["consular-assistance"], ["unaccompanied"], False, None, ["es", "en"]),
    ("consul-mx-ep", "sre-mx", "US", "el-paso", "Consulado General de México en El Paso", "Consulate General of Mexico in El Paso", ["consular-assistance", "legal-aid"], ["unaccompanied", "returned"], False, None, ["es", "en"]),
    ("consul-mx-ca", "sre-mx", "CA", "toronto", "Consulado General de México en Toronto", "Consulate General of Mexico in Toronto", ["consular-assistance"], ["families"], False, None, ["es", "en", "fr"]),
    ("iom-cr", "iom", "CR", "san-jose", "OIM Costa Rica: protección y asistencia", "IOM Costa Rica: protection and assistance", ["humanitarian-assistance", "psychosocial-care", "information"], ["extra-regional", "trafficking-victims", "families"], False, None, ["es", "en", "fr"]),
    ("iom-gt", "iom", "GT", "guatemala", "OIM Guatemala: retorno y reintegración", "IOM Guatemala: return and reintegration", ["reception-returned", "psychosocial-care"], ["returned", "families"], False, None, ["es", "en"]),
    ("iom-hn", "iom", "HN", "tegucigalpa", "OIM Honduras", "IOM Honduras", ["reception-returned", "humanitarian-assistance"], ["returned", "families"], False, None, ["es", "en"]),
    ("iom-sv", "iom", "SV", "san-salvador", "OIM El Salvador", "IOM El Salvador", ["reception-returned", "information"], ["returned"], False, None, ["es", "en"]),
    ("iom-mx", "iom", "MX", "tapachula", "OIM México: oficina de Tapachula", "IOM Mexico: Tapachula office", ["humanitarian-assistance", "information", "family-tracing"], ["extra-regional", "trafficking-victims", "unaccompanied"], False, None, ["es", "en", "fr", "ht"]),
    ("iom-pa", "iom", "PA", "panama", "OIM Panamá: oficina para Centroamérica, Norteamérica y el Caribe", "IOM Panama: regional office", ["humanitarian-assistance", "information"], ["extra-regional", "families"], False, None, ["es", "en", "fr"]),
    ("iom-do", "iom", "DO", "santo-domingo", "OIM República Dominicana", "IOM Dominican Republic", ["information", "humanitarian-assistance"], ["trafficking-victims", "families"], False, None, ["es", "ht"]),
    ("unicef-gt", "unicef", "GT", "guatemala", "UNICEF Guatemala: protección de la niñez migrante", "UNICEF Guatemala: protection of migrant children", ["psychosocial-care", "education"], ["returned", "unaccompanied"], False, (0, 17), ["es", "mam", "quc"]),
    ("unicef-hn", "unicef", "HN", "tegucigalpa", "UNICEF Honduras", "UNICEF Honduras", ["psychosocial-care", "education"], ["returned", "families"], False, (0, 17), ["es"]),
    ("unicef-mx", "unicef", "MX", "tapachula", "UNICEF México: espacios amigables para la niñez (Tapachula)", "UNICEF Mexico: child-friendly spaces (Tapachula)", ["psychosocial-care", "education", "health"], ["unaccompanied", "families", "extra-regional"], False, (0, 17), ["es", "en", "fr", "ht"]),
    ("unicef-pa", "unicef", "PA", "chepigana", "UNICEF Panamá: atención en estaciones de recepción migratoria", "UNICEF Panama: assistance at migrant reception stations", ["health", "psychosocial-care", "humanitarian-assistance"], ["extra-regional", "families", "unaccompanied"], False, (0, 17), ["es", "en", "fr", "ht"]),
    ("unicef-cr", "unicef", "CR", "corredores", "UNICEF Costa Rica: punto de atención en Paso Canoas", "UNICEF Costa Rica: assistance point in Paso Canoas", ["psychosocial-care", "information"], ["extra-regional", "families"], False, (0, 17), ["es", "en"]),
]  # fmt: skip


def _id(kind, key):
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


def load(stdout):
    """Create or update the demo directory; print a summary line."""
    countries = {c.code.code: c for c in Country.objects.all()}
    network_orgs = {o.acronym_en: o for o in Organization.objects.filter(acronym_en__in=["IOM", "UNICEF"])}
    places = {
        (p.country_code, p.code): p for p in Place.objects.filter(kind=PlaceKind.MUNICIPALITY).select_related("parent")
    }
    providers = {}
    for key, (code, name_es, name_en, org) in PROVIDERS.items():
        providers[key], _created = Provider.objects.update_or_create(
            id=_id("provider", key),
            defaults={
                "name_es": name_es,
                "name_en": name_en,
                "country": countries.get(code) if code else None,
                "network_organization": network_orgs.get(org) if org else None,
                "is_demo": True,
            },
        )
    today = timezone.localdate()
    count = 0
    for index, (key, prov, code, muni, name_es, name_en, types, profiles, confidential, ages, langs) in enumerate(
        SERVICES
    ):
        country = countries.get(code)
        place = places.get((code, muni))
        if country is None or place is None:
            continue
        # Spread offices a little around the municipality's centroid (city-level precision).
        offset = ((index * 37) % 11 - 5) * 0.004, ((index * 53) % 13 - 6) * 0.004
        location, _created = Location.objects.update_or_create(
            id=_id("location", key),
            defaults={
                "provider": providers[prov],
                "name": name_es,
                "latitude": round(place.latitude + offset[0], 5),
                "longitude": round(place.longitude + offset[1], 5),
                "is_confidential": confidential,
                "country": country,
                "municipality": place,
                "division": place.parent,
                "is_demo": True,
            },
        )
        Address.objects.update_or_create(
            id=_id("address", key),
            defaults={
                "location": location,
                "address_1": f"Dirección de demostración {index + 1}"
                if confidential
                else f"Avenida Central {100 + index}",
                "city": place.name,
                "state_province": place.parent.name if place.parent else "",
                "country": code,
            },
        )
        service, _created = Service.objects.update_or_create(
            id=_id("service", key),
            defaults={
                "provider": providers[prov],
                "country": country,
                "name_es": name_es,
                "name_en": name_en,
                "description_es": f"{name_es}. Registro de demostración del mapa de actores y servicios.",
                "description_en": f"{name_en}. Demonstration record of the map of actors and services.",
                "status": "active",
                "minimum_age": ages[0] if ages else None,
                "maximum_age": ages[1] if ages else None,
                # Some entries were verified long ago, so the 'to verify' lists have work in them.
                "assured_date": today - datetime.timedelta(days=30 + (index * 41) % 500),
                "is_published": True,
                "is_demo": True,
            },
        )
        service.terms.set([term_id(SERVICE_TYPES, t) for t in types] + [term_id(PROFILES, p) for p in profiles])
        ServiceLanguage.objects.filter(service=service).delete()
        ServiceLanguage.objects.bulk_create(
            [
                ServiceLanguage(id=_id("language", f"{key}:{c}"), service=service, code=c, name=language_name(c))
                for c in langs
            ]
        )
        ServiceAtLocation.objects.update_or_create(
            id=_id("link", key), defaults={"service": service, "location": location}
        )
        Phone.objects.update_or_create(
            id=_id("phone", key), defaults={"service": service, "number": f"+000 {1000 + index}", "description": "demo"}
        )
        Schedule.objects.update_or_create(
            id=_id("schedule", key),
            defaults={
                "service": service,
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR,SA,SU" if confidential else "MO,TU,WE,TH,FR",
                "opens_at": None if confidential else datetime.time(8, 0),
                "closes_at": None if confidential else datetime.time(16, 0),
                "description": "Lunes a viernes, 8:00–16:00" if not confidential else "Todos los días, 24 horas",
            },
        )
        count += 1
    indexing.reindex_all()
    _proposal()
    stdout.write(f"Directory: {count} demo services, {len(providers)} providers.\n")


def _proposal():
    """UNICEF's member proposes new phones and hours for its Guatemala service: a change for the
    Guatemalan officers and the TS to review item by item (made once, through the service)."""
    from django.contrib.auth import get_user_model

    from . import services

    partner = get_user_model().objects.filter(email="partner@enlace.example").first()
    service = Service.objects.filter(pk=_id("service", "unicef-gt")).first()
    if partner is None or service is None or ServiceEdit.objects.filter(service=service, author=partner).exists():
        return
    services.update_service(
        service,
        acting_user=partner,
        phones=[
            {"number": "+502 2327 6300", "type": "voice", "description": "Oficina"},
            {"number": "+502 5555 0199", "type": "text", "description": "WhatsApp"},
        ],
        hours={day: [["08:00", "12:00"], ["13:00", "17:00"]] for day in ("MO", "TU", "WE", "TH", "FR")}
        | {"SA": [["09:00", "13:00"]]},
    )
