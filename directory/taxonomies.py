"""Our own HSDS taxonomies: service types and population profiles, with fixed ids everywhere."""

import uuid

from django.utils.translation import gettext_lazy as _

NAMESPACE = uuid.UUID("6f1d3b1e-52a4-4c59-9b7e-0f5a3c2d8e41")
SERVICE_TYPES = "service-type"
PROFILES = "population-profile"

TAXONOMIES = {
    SERVICE_TYPES: (
        ("Tipos de servicio", "Service types"),
        ("Qué hace cada servicio para la niñez migrante.", "What each service does for migrant children."),
    ),
    PROFILES: (
        ("Perfiles de población", "Population profiles"),
        (
            "A quién atiende: perfiles de vulnerabilidad de los lineamientos de la CRM.",
            "Who it serves: vulnerability profiles of the RCM guidelines.",
        ),
    ),
}

TERMS = {
    SERVICE_TYPES: [
        ("child-protection-authority", "Autoridad de protección de la niñez", "Child-protection authority"),
        ("shelter", "Albergue", "Shelter"),
        ("alternative-care", "Cuidado alternativo", "Alternative care"),
        ("consular-assistance", "Asistencia consular", "Consular assistance"),
        ("legal-aid", "Asistencia jurídica", "Legal aid"),
        ("psychosocial-care", "Atención psicosocial", "Psychosocial care"),
        ("health", "Salud", "Health"),
        ("family-tracing", "Búsqueda y reunificación familiar", "Family tracing and reunification"),
        ("reception-returned", "Recepción de niñez retornada", "Reception of returned children"),
        ("asylum", "Asilo y refugio", "Asylum and refugee status"),
        ("education", "Educación", "Education"),
        ("humanitarian-assistance", "Asistencia humanitaria", "Humanitarian assistance"),
        ("information", "Información y orientación", "Information and guidance"),
    ],
    PROFILES: [
        ("unaccompanied", "Niñez no acompañada o separada", "Unaccompanied or separated children"),
        ("trafficking-victims", "Víctimas de trata de personas", "Victims of trafficking"),
        ("crime-victims", "Víctimas de delitos en la ruta", "Victims of crime on the route"),
        ("asylum-seekers", "Solicitantes de asilo y refugiados", "Asylum seekers and refugees"),
        ("extra-regional", "Personas migrantes extrarregionales", "Extra-regional migrants"),
        ("families", "Familias con niñas, niños y adolescentes", "Families with children"),
        ("returned", "Niñez retornada", "Returned children"),
    ],
}

LABELS = {SERVICE_TYPES: _("Service type"), PROFILES: _("Population profile")}


def taxonomy_id(code):
    return uuid.uuid5(NAMESPACE, f"taxonomy:{code}")


def term_id(taxonomy, code):
    return uuid.uuid5(NAMESPACE, f"term:{taxonomy}:{code}")


def install(Taxonomy, TaxonomyTerm):
    """Create or refresh our taxonomies (used by the data migration and the tests)."""
    for code, ((name_es, name_en), (desc_es, desc_en)) in TAXONOMIES.items():
        taxonomy, _created = Taxonomy.objects.update_or_create(
            id=taxonomy_id(code),
            defaults={
                "code": code,
                "name_es": name_es,
                "name_en": name_en,
                "description_es": desc_es,
                "description_en": desc_en,
                "version": "1",
            },
        )
        for order, (term_code, term_es, term_en) in enumerate(TERMS[code]):
            TaxonomyTerm.objects.update_or_create(
                id=term_id(code, term_code),
                defaults={
                    "taxonomy": taxonomy,
                    "code": term_code,
                    "name_es": term_es,
                    "name_en": term_en,
                    "description_es": term_es,
                    "description_en": term_en,
                    "order": order,
                },
            )
