"""The demonstration network (idempotent): loading it again duplicates nothing.

Real structure (the RCM, its bodies, its member countries, the organizations named in the
seed report) and invented people, all marked as demo.
"""

import datetime

from accounts.models import User
from network.models import (
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    Conference,
    Country,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    PPTPeriod,
)

DEMO_PASSWORD = "Demo-Enlace-2026"  # noqa: S105 - printed for the demo on purpose
MEMBER_COUNTRIES = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]

BODIES = [
    # slug, kind, parent slug, name_es, name_en, acronym_es, acronym_en
    (
        "vice-ministerial",
        BodyKind.VICE_MINISTERIAL,
        None,
        "Reunión Viceministerial",
        "Vice-Ministerial Meeting",
        "",
        "",
    ),
    (
        "rcgm",
        BodyKind.RCGM,
        "vice-ministerial",
        "Grupo Regional de Consulta sobre Migración",
        "Regional Consultation Group on Migration",
        "GRCM",
        "RCGM",
    ),
    (
        "child-protection",
        BodyKind.NETWORK,
        "rcgm",
        "Red de Funcionarios de Enlace para la Protección de Niñas, Niños y Adolescentes Migrantes",
        "Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents",
        "Red NNA",
        "Child Protection Network",
    ),
    (
        "consular-protection",
        BodyKind.NETWORK,
        "rcgm",
        "Red de Funcionarios de Enlace en materia de Protección Consular",
        "Liaison Officer Network on Consular Protection",
        "",
        "",
    ),
    (
        "trafficking-smuggling",
        BodyKind.NETWORK,
        "rcgm",
        "Red de Funcionarios de Enlace para el Combate a la Trata de Personas y el Tráfico Ilícito de Migrantes",
        "Liaison Officer Network to Combat Trafficking in Persons and Migrant Smuggling",
        "",
        "",
    ),
]

ORGANIZATIONS = [
    # key, kind, country, parent key, name_es, name_en, acronym_es, acronym_en
    (
        "IOM",
        OrganizationKind.INTERNATIONAL,
        None,
        None,
        "Organización Internacional para las Migraciones",
        "International Organization for Migration",
        "OIM",
        "IOM",
    ),
    (
        "TS",
        OrganizationKind.SECRETARIAT,
        None,
        "IOM",
        "Secretaría Técnica de la Conferencia Regional sobre Migración",
        "Technical Secretariat of the Regional Conference on Migration",
        "ST",
        "TS",
    ),
    (
        "UNICEF",
        OrganizationKind.INTERNATIONAL,
        None,
        None,
        "Fondo de las Naciones Unidas para la Infancia",
        "United Nations Children's Fund",
        "UNICEF",
        "UNICEF",
    ),
    (
        "ICRC",
        OrganizationKind.INTERNATIONAL,
        None,
        None,
        "Comité Internacional de la Cruz Roja",
        "International Committee of the Red Cross",
        "CICR",
        "ICRC",
    ),
    (
        "UNHCR",
        OrganizationKind.INTERNATIONAL,
        None,
        None,
        "Alto Comisionado de las Naciones Unidas para los Refugiados",
        "Office of the United Nations High Commissioner for Refugees",
        "ACNUR",
        "UNHCR",
    ),
    ("ChildFund", OrganizationKind.CIVIL_SOCIETY, None, None, "Child Fund", "Child Fund", "", ""),
    (
        "DIF",
        OrganizationKind.NATIONAL_INSTITUTION,
        "MX",
        None,
        "Sistema Nacional para el Desarrollo Integral de la Familia",
        "National System for the Comprehensive Development of Families",
        "DIF",
        "DIF",
    ),
    (
        "PANI",
        OrganizationKind.NATIONAL_INSTITUTION,
        "CR",
        None,
        "Patronato Nacional de la Infancia",
        "National Child Welfare Agency",
        "PANI",
        "PANI",
    ),
    (
        "SBS",
        OrganizationKind.NATIONAL_INSTITUTION,
        "GT",
        None,
        "Secretaría de Bienestar Social de la Presidencia",
        "Social Welfare Secretariat of the Presidency",
        "SBS",
        "SBS",
    ),
    (
        "MINEX-GT",
        OrganizationKind.NATIONAL_INSTITUTION,
        "GT",
        None,
        "Ministerio de Relaciones Exteriores de Guatemala",
        "Ministry of Foreign Affairs of Guatemala",
        "MINEX",
        "MINEX",
    ),
    (
        "DINAF",
        OrganizationKind.NATIONAL_INSTITUTION,
        "HN",
        None,
        "Dirección de Niñez, Adolescencia y Familia",
        "Directorate for Children, Adolescents and Family",
        "DINAF",
        "DINAF",
    ),
    (
        "CONNA",
        OrganizationKind.NATIONAL_INSTITUTION,
        "SV",
        None,
        "Consejo Nacional de la Niñez y de la Adolescencia",
        "National Council for Children and Adolescents",
        "CONNA",
        "CONNA",
    ),
    (
        "SENNIAF",
        OrganizationKind.NATIONAL_INSTITUTION,
        "PA",
        None,
        "Secretaría Nacional de Niñez, Adolescencia y Familia",
        "National Secretariat for Children, Adolescents and Family",
        "SENNIAF",
        "SENNIAF",
    ),
]

# email, given, family, honorific, languages, phone, [(org key, role, body slug, country, position, start, end)]
PEOPLE = [
    (
        "ts@enlace.example",
        "María Fernanda",
        "Rojas Demo",
        "Lic.",
        ["es", "en"],
        "+506 2212 5300",
        [
            ("TS", AppointmentRole.STAFF, "child-protection", None, "Oficial de programas", "2016-03-01", None),
            ("IOM", AppointmentRole.STAFF, None, None, "Oficial de proyectos", "2016-03-01", None),
        ],
    ),
    (
        "guatemala@enlace.example",
        "Carlos Andrés",
        "Estrada Demo",
        "Lic.",
        ["es"],
        "+502 2412 8000",
        [
            (
                "SBS",
                AppointmentRole.PRINCIPAL,
                "child-protection",
                "GT",
                "Director de Protección Especial",
                "2019-02-01",
                None,
            )
        ],
    ),
    (
        "guatemala.alterna@enlace.example",
        "Lucía",
        "Morales Demo",
        "Licda.",
        ["es", "en"],
        "+502 2410 0000",
        [
            (
                "MINEX-GT",
                AppointmentRole.ALTERNATE,
                "child-protection",
                "GT",
                "Asesora de Asuntos Migratorios",
                "2020-05-01",
                None,
            )
        ],
    ),
    (
        "guatemala.anterior@enlace.example",
        "Jorge",
        "Pineda Demo",
        "Lic.",
        ["es"],
        "+502 2412 8001",
        [
            (
                "SBS",
                AppointmentRole.PRINCIPAL,
                "child-protection",
                "GT",
                "Director de Protección Especial",
                "2015-01-15",
                "2019-01-31",
            )
        ],
    ),
    (
        "honduras@enlace.example",
        "José Manuel",
        "Alvarado Demo",
        "Abog.",
        ["es"],
        "+504 2232 1000",
        [
            (
                "DINAF",
                AppointmentRole.PRINCIPAL,
                "child-protection",
                "HN",
                "Jefe de la Unidad de Niñez Migrante",
                "2018-06-01",
                None,
            )
        ],
    ),
    (
        "panama@enlace.example",
        "Ricardo",
        "Castillo Demo",
        "Lic.",
        ["es", "en"],
        "+507 500 5700",
        [
            (
                "SENNIAF",
                AppointmentRole.PRINCIPAL,
                "child-protection",
                "PA",
                "Director de Protección",
                "2021-01-10",
                None,
            )
        ],
    ),
    (
        "mexico@enlace.example",
        "Laura",
        "Hernández Demo",
        "Mtra.",
        ["es", "en"],
        "+52 55 3003 2200",
        [
            (
                "DIF",
                AppointmentRole.PRINCIPAL,
                "child-protection",
                "MX",
                "Directora de Protección a la Niñez Migrante",
                "2019-09-01",
                None,
            )
        ],
    ),
    (
        "costarica@enlace.example",
        "Andrea",
        "Solís Demo",
        "Licda.",
        ["es"],
        "+506 2523 0700",
        [
            (
                "PANI",
                AppointmentRole.PRINCIPAL,
                "child-protection",
                "CR",
                "Coordinadora de Niñez Migrante",
                "2020-02-01",
                None,
            )
        ],
    ),
    (
        "elsalvador@enlace.example",
        "Mauricio",
        "Rivas Demo",
        "Lic.",
        ["es"],
        "+503 2511 0000",
        [("CONNA", AppointmentRole.PRINCIPAL, "child-protection", "SV", "Gerente de Protección", "2020-07-01", None)],
    ),
    (
        "partner@enlace.example",
        "Sofía",
        "Méndez Demo",
        "",
        ["es", "en"],
        "+507 301 7400",
        [
            (
                "UNICEF",
                AppointmentRole.CONTACT_POINT,
                "child-protection",
                None,
                "Especialista regional de protección",
                "2019-01-01",
                None,
            ),
            (
                "UNICEF",
                AppointmentRole.CONTACT_POINT,
                "child-protection",
                "GT",
                "Punto focal para Guatemala",
                "2021-01-01",
                None,
            ),
        ],
    ),
    (
        "iom.honduras@enlace.example",
        "Daniel",
        "Flores Demo",
        "",
        ["es", "en"],
        "+504 2220 1100",
        [
            (
                "IOM",
                AppointmentRole.CONTACT_POINT,
                "child-protection",
                "HN",
                "Punto focal de protección",
                "2020-01-01",
                None,
            )
        ],
    ),
    (
        "icrc@enlace.example",
        "Élise",
        "Martin Demo",
        "",
        ["fr", "es", "en"],
        "+52 55 2581 2100",
        [
            (
                "ICRC",
                AppointmentRole.CONTACT_POINT,
                "child-protection",
                None,
                "Protection Coordinator",
                "2021-03-01",
                None,
            )
        ],
    ),
]

DEMO_USERS = [
    ("ts@enlace.example", "Technical Secretariat (TS staff, also IOM)"),
    ("panama@enlace.example", "Pro Tempore Presidency (Panama's principal officer)"),
    ("guatemala@enlace.example", "Liaison officer, Guatemala (principal)"),
    ("guatemala.alterna@enlace.example", "Liaison officer, Guatemala (alternate)"),
    ("honduras@enlace.example", "Liaison officer, Honduras (principal)"),
    ("partner@enlace.example", "Partner organization member (UNICEF)"),
]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def load(stdout):
    """Create or update the demo network; print nothing but a summary line."""
    conference, _created = Conference.objects.update_or_create(
        acronym_en="RCM",
        defaults=dict(
            name_es="Conferencia Regional sobre Migración",
            name_en="Regional Conference on Migration",
            acronym_es="CRM",
            is_demo=False,
        ),
    )
    bodies = {}
    for order, (slug, kind, parent, name_es, name_en, acr_es, acr_en) in enumerate(BODIES):
        bodies[slug], _created = Body.objects.update_or_create(
            slug=slug,
            defaults=dict(
                conference=conference,
                kind=kind,
                parent=bodies.get(parent),
                name_es=name_es,
                name_en=name_en,
                acronym_es=acr_es,
                acronym_en=acr_en,
                order=order,
            ),
        )
    countries = {}
    for code in MEMBER_COUNTRIES:
        countries[code], _created = Country.objects.update_or_create(
            code=code, defaults={"membership": Membership.MEMBER}
        )
    orgs = {}
    for key, kind, country, parent, name_es, name_en, acr_es, acr_en in ORGANIZATIONS:
        orgs[key], _created = Organization.objects.update_or_create(
            name_en=name_en,
            defaults=dict(
                kind=kind,
                country=countries.get(country),
                parent=orgs.get(parent),
                name_es=name_es,
                acronym_es=acr_es,
                acronym_en=acr_en,
                is_demo=False,
            ),
        )
    PPTPeriod.objects.update_or_create(
        conference=conference,
        country=countries["SV"],
        start_date=datetime.date(2016, 12, 1),
        defaults=dict(
            end_date=datetime.date(2017, 11, 30),
            handed_over_at="XXI Vice-Ministerial Meeting, San Pedro Sula, Honduras (November 2016)",
            is_demo=True,
        ),
    )
    # A running presidency, so the demo PPT account has its rights today.
    PPTPeriod.objects.update_or_create(
        conference=conference,
        country=countries["PA"],
        start_date=datetime.date(2025, 12, 1),
        defaults=dict(end_date=None, handed_over_at="Demo", is_demo=True),
    )
    for email, given, family, honorific, languages, phone, terms in PEOPLE:
        person, _created = Person.objects.update_or_create(
            email=email,
            defaults=dict(
                given_names=given,
                family_names=family,
                honorific=honorific,
                languages=languages,
                phone_office=phone,
                is_demo=True,
            ),
        )
        for org_key, role, body, country, position, start, end in terms:
            Appointment.objects.update_or_create(
                person=person,
                organization=orgs[org_key],
                role=role,
                country=countries.get(country),
                defaults=dict(
                    body=bodies.get(body),
                    position=position,
                    start_date=_date(start),
                    end_date=_date(end),
                    is_demo=True,
                ),
            )
    for email, _label in DEMO_USERS:
        person = Person.objects.get(email=email)
        user = person.user or User.objects.filter(email=email).first() or User(email=email)
        user.is_active = True
        user.language = user.language or "es"
        user.set_password(DEMO_PASSWORD)
        user.save()
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user"])
    stdout.write("Demo network loaded.")
