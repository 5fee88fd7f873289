"""The repository's themes and the five axes of the network's Strategic Plan 2017–2022 (real data, not demo)."""

from django.db import migrations

THEMES = [
    ("prevention", "Prevención de la migración irregular", "Prevention of irregular migration"),
    ("consular-protection", "Protección consular", "Consular protection"),
    ("identification-referral", "Identificación y referencia", "Identification and referral"),
    ("reception-psychosocial", "Recepción y atención psicosocial", "Reception and psychosocial care"),
    ("alternative-care", "Cuidado alternativo", "Alternative care"),
    ("return-reintegration", "Retorno y reintegración", "Return and reintegration"),
    ("family-reunification", "Reunificación familiar", "Family reunification"),
    ("best-interests", "Determinación del interés superior", "Best-interests determination"),
    ("child-participation", "Participación de la niñez", "Child participation"),
]

AXES = [
    (1, "Prevención de la migración irregular de niñas, niños y adolescentes", "Prevention of irregular migration of children"),
    (2, "Protección consular en la detección y recepción", "Consular protection in detection and reception"),
    (
        3,
        "Recepción y atención psicosocial en tránsito, destino y retorno",
        "Reception and psychosocial care in transit, destination and return",
    ),
    (4, "Integración y reintegración", "Integration and reintegration"),
    (5, "Iniciativas de cooperación", "Cooperation initiatives"),
]


def load(apps, schema_editor):
    Theme = apps.get_model("practices", "Theme")
    Axis = apps.get_model("practices", "Axis")
    for order, (slug, name_es, name_en) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"name_es": name_es, "name_en": name_en, "order": order})
    for number, name_es, name_en in AXES:
        Axis.objects.update_or_create(number=number, defaults={"name_es": name_es, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
