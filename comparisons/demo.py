"""Demo comparative analysis (idempotent): assisted voluntary return of migrant children, led by IOM.

Two rounds: 2025 (closed; five countries answered and were validated) and 2026 (open; started
from the 2025 answers). In 2026 Honduras changed and was validated, Costa Rica confirmed and
was validated, Mexico submitted, Panama was returned with comments, El Salvador has not
confirmed its carried-over answers, and Guatemala's column is left to answer so the demo
member can try it. The answers and their bases are invented and marked as demo.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from network.models import Body, Country, Organization

from . import services
from .models import Analysis, Answer, AnswerType, Column, Round

TITLE_ES = "Retorno voluntario asistido de niñas, niños y adolescentes migrantes: prácticas y procedimientos"
TITLE_EN = "Assisted voluntary return of migrant children: practices and procedures"
INTRO_ES = (
    "La OIM ofreció a la Red un análisis comparativo de las prácticas y los procedimientos de los Países "
    "Miembros en materia de retorno asistido y voluntario de niñas, niños y adolescentes migrantes "
    "(reunión virtual del 15 de noviembre de 2017).\n\n"
    "Cada país mantiene al día su columna, con la base legal o procedimental de cada respuesta; la OIM "
    "valida las respuestas. Los datos de esta demostración son ficticios."
)
INTRO_EN = (
    "IOM offered the Network a comparative analysis of the Member Countries' practices and procedures for "
    "the assisted and voluntary return of migrant boys, girls and adolescents (virtual meeting of "
    "15 November 2017).\n\n"
    "Each country keeps its column current, with the legal or procedural basis of each answer; IOM "
    "validates the answers. The data of this demonstration are invented."
)
COUNTRIES = ["CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA"]

YN = AnswerType.YES_NO
AUTHORITIES = [
    {"key": "child_protection", "es": "Autoridad de protección de la niñez", "en": "Child protection authority"},
    {"key": "migration", "es": "Autoridad migratoria", "en": "Migration authority"},
    {"key": "consulate", "es": "Consulado del país de origen", "en": "Consulate of the country of origin"},
    {"key": "prosecutor", "es": "Procuraduría o fiscalía de la niñez", "en": "Children's prosecutor or ombudsperson"},
]
PARTICIPANTS = [
    {"key": "child_protection", "es": "Autoridad de protección de la niñez", "en": "Child protection authority"},
    {"key": "psychologist", "es": "Psicología", "en": "Psychologist"},
    {"key": "social_work", "es": "Trabajo social", "en": "Social worker"},
    {"key": "legal", "es": "Representación legal", "en": "Legal representative"},
    {"key": "consulate", "es": "Consulado", "en": "Consulate"},
    {"key": "international", "es": "OIM o ACNUR", "en": "IOM or UNHCR"},
]
MEANS = [
    {"key": "air", "es": "Aérea", "en": "By air"},
    {"key": "land", "es": "Terrestre", "en": "By land"},
    {"key": "both", "es": "Aérea y terrestre", "en": "By air and by land"},
]
SERVICES = [
    {"key": "health", "es": "Salud", "en": "Health"},
    {"key": "psychosocial", "es": "Atención psicosocial", "en": "Psychosocial care"},
    {"key": "education", "es": "Educación", "en": "Education"},
    {"key": "family", "es": "Reintegración familiar", "en": "Family reintegration"},
    {"key": "legal", "es": "Asistencia legal", "en": "Legal aid"},
    {"key": "shelter", "es": "Albergue temporal", "en": "Temporary shelter"},
]

# (section es, section en, [(key, type, es, en, extra)])
FRAMEWORK = [
    (
        "Identificación y notificación",
        "Identification and notification",
        [
            (
                "identify",
                YN,
                (
                    "¿Existe un protocolo para identificar a niñas, niños y adolescentes no acompañados o separados "
                    "antes del retorno?"
                ),
                "Is there a protocol to identify unaccompanied or separated children before return?",
                {},
            ),
            (
                "first_notified",
                AnswerType.SINGLE,
                "¿Qué autoridad se notifica primero al identificar a una niña, niño o adolescente para el retorno?",
                "Which authority is notified first when a child is identified for return?",
                {"choices": AUTHORITIES},
            ),
            (
                "protection_notified",
                YN,
                "¿Se notifica a la autoridad de protección de la niñez antes de ejecutar el retorno?",
                "Is the child protection authority notified before the return is carried out?",
                {},
            ),
            (
                "hours",
                AnswerType.NUMBER,
                "Plazo máximo, en horas, entre la identificación y la notificación a la autoridad de protección",
                "Maximum time, in hours, between identification and notice to the child protection authority",
                {},
            ),
        ],
    ),
    (
        "Interés superior y participación",
        "Best interests and participation",
        [
            (
                "bid",
                YN,
                "¿Se realiza una determinación del interés superior antes de cada retorno?",
                "Is a best-interests determination carried out before every return?",
                {},
            ),
            (
                "bid_who",
                AnswerType.MULTIPLE,
                "¿Quiénes participan en la determinación del interés superior?",
                "Who takes part in the best-interests determination?",
                {"choices": PARTICIPANTS},
            ),
            (
                "heard",
                YN,
                "¿Existe un mecanismo para escuchar a la niña, niño o adolescente antes de decidir su retorno?",
                "Is there a mechanism for hearing the child before the return is decided?",
                {
                    "guidance_es": "Una entrevista adaptada a su edad, en su idioma, con tiempo para expresarse.",
                    "guidance_en": (
                        "An interview suited to the child's age, in their language, with time to express themselves."
                    ),
                },
            ),
            (
                "opinion_recorded",
                YN,
                "¿Se registra por escrito la opinión de la niña, niño o adolescente en su expediente?",
                "Is the child's opinion recorded in writing in their file?",
                {},
            ),
            (
                "interpreter",
                YN,
                (
                    "¿Se proporciona intérprete cuando la niña, niño o adolescente no habla español "
                    "(por ejemplo, idiomas indígenas)?"
                ),
                "Is an interpreter provided when the child does not speak Spanish (e.g. Indigenous languages)?",
                {},
            ),
        ],
    ),
    (
        "Notificación consular y búsqueda familiar",
        "Consular notification and family tracing",
        [
            (
                "consular",
                YN,
                "¿Se notifica al consulado del país de origen al identificar a la niña, niño o adolescente?",
                "Is the consulate of the country of origin notified when the child is identified?",
                {},
            ),
            (
                "tracing",
                YN,
                "¿Se realiza la búsqueda familiar antes del retorno?",
                "Is family tracing carried out before the return?",
                {},
            ),
            (
                "family_assessed",
                YN,
                "¿Se evalúa la idoneidad de la familia antes de la reunificación?",
                "Is the family's suitability assessed before reunification?",
                {},
            ),
        ],
    ),
    (
        "El viaje de retorno",
        "The return journey",
        [
            (
                "escort",
                YN,
                "¿Viajan acompañados por personal especializado durante el retorno?",
                "Are children accompanied by a specialised escort during the return?",
                {},
            ),
            (
                "means",
                AnswerType.SINGLE,
                "Medio principal de retorno de niñas, niños y adolescentes",
                "Main means of return of children",
                {"choices": MEANS},
            ),
            (
                "detention",
                YN,
                "¿Permanecen niñas, niños o adolescentes en estaciones migratorias mientras esperan el retorno?",
                "Are children ever held in migration detention facilities while awaiting return?",
                {"yes_means_gap": True},
            ),
        ],
    ),
    (
        "Recepción y referencia",
        "Reception and referral",
        [
            (
                "reception",
                YN,
                "¿Existe un protocolo de recepción a la llegada específico para niñez y adolescencia?",
                "Is there a reception protocol at arrival specific to children?",
                {},
            ),
            (
                "referral",
                YN,
                "¿Se refiere a la niña, niño o adolescente a servicios de protección tras la recepción?",
                "Is the child referred to protection services after reception?",
                {},
            ),
            (
                "services",
                AnswerType.MULTIPLE,
                "Servicios a los que se refiere a la niña, niño o adolescente",
                "Services the child is referred to",
                {"choices": SERVICES},
            ),
        ],
    ),
    (
        "Seguimiento de la reintegración",
        "Reintegration follow-up",
        [
            (
                "followup",
                YN,
                "¿Se da seguimiento a la reintegración de la niña, niño o adolescente después del retorno?",
                "Is the child's reintegration followed up after the return?",
                {},
            ),
            (
                "followup_months",
                AnswerType.NUMBER,
                "Duración del seguimiento, en meses",
                "Length of the follow-up, in months",
                {},
            ),
            (
                "protocol_date",
                AnswerType.DATE,
                "Fecha de la última actualización del protocolo nacional de retorno",
                "Date of the latest update of the national return protocol",
                {},
            ),
            ("challenges", AnswerType.TEXT, "Principales desafíos identificados", "Main challenges identified", {}),
        ],
    ),
]

BASIS = {
    "CR": ("Protocolo interinstitucional de atención a niñez migrante (demo)", "https://example.org/demo/cr-protocolo"),
    "SV": ("Lineamientos de recepción de niñez retornada (demo)", "https://example.org/demo/sv-lineamientos"),
    "HN": ("Protocolo de protección de niñez migrante retornada (demo)", "https://example.org/demo/hn-protocolo"),
    "MX": ("Ruta de protección integral de niñez migrante (demo)", "https://example.org/demo/mx-ruta"),
    "PA": ("Procedimiento de atención a niñez no acompañada (demo)", "https://example.org/demo/pa-procedimiento"),
}

# Round 1 (2025) answers: country → {question key: value}
R1 = {
    "CR": {
        "identify": "yes",
        "first_notified": "child_protection",
        "protection_notified": "yes",
        "hours": 24,
        "bid": "yes",
        "bid_who": ["child_protection", "psychologist", "social_work", "legal"],
        "heard": "yes",
        "opinion_recorded": "yes",
        "interpreter": "partly",
        "consular": "yes",
        "tracing": "yes",
        "family_assessed": "yes",
        "escort": "yes",
        "means": "air",
        "detention": "no",
        "reception": "yes",
        "referral": "yes",
        "services": ["health", "psychosocial", "education", "family"],
        "followup": "yes",
        "followup_months": 6,
        "protocol_date": "2023-05-15",
        "challenges": "Coordinar con los países de origen los tiempos de la búsqueda familiar.",
    },
    "SV": {
        "identify": "yes",
        "first_notified": "child_protection",
        "protection_notified": "yes",
        "hours": 12,
        "bid": "partly",
        "bid_who": ["child_protection", "psychologist", "social_work"],
        "heard": "yes",
        "opinion_recorded": "partly",
        "interpreter": "no",
        "consular": "yes",
        "tracing": "yes",
        "family_assessed": "partly",
        "escort": "yes",
        "means": "both",
        "detention": "no",
        "reception": "yes",
        "referral": "yes",
        "services": ["health", "psychosocial", "family"],
        "followup": "partly",
        "followup_months": 3,
        "protocol_date": "2021-09-01",
        "challenges": "Seguimiento en comunidades rurales alejadas de los centros de atención.",
    },
    "HN": {
        "identify": "yes",
        "first_notified": "child_protection",
        "protection_notified": "yes",
        "hours": 24,
        "bid": "partly",
        "bid_who": ["child_protection", "social_work", "consulate"],
        "heard": "partly",
        "opinion_recorded": "no",
        "interpreter": "partly",
        "consular": "yes",
        "tracing": "yes",
        "family_assessed": "partly",
        "escort": "yes",
        "means": "both",
        "detention": "no",
        "reception": "yes",
        "referral": "yes",
        "services": ["health", "psychosocial", "family", "education"],
        "followup": "partly",
        "followup_months": 3,
        "protocol_date": "2020-11-20",
        "challenges": "Personal especializado insuficiente en los centros de recepción.",
    },
    "MX": {
        "identify": "yes",
        "first_notified": "child_protection",
        "protection_notified": "yes",
        "hours": 48,
        "bid": "yes",
        "bid_who": ["child_protection", "psychologist", "social_work", "legal", "international"],
        "heard": "yes",
        "opinion_recorded": "yes",
        "interpreter": "yes",
        "consular": "yes",
        "tracing": "partly",
        "family_assessed": "partly",
        "escort": "yes",
        "means": "both",
        "detention": "partly",
        "reception": "yes",
        "referral": "yes",
        "services": ["health", "psychosocial", "legal", "shelter"],
        "followup": "no",
        "followup_months": 0,
        "protocol_date": "2022-02-10",
        "challenges": "Volumen de casos en la frontera norte y coordinación con los consulados.",
    },
    "PA": {
        "identify": "partly",
        "first_notified": "migration",
        "protection_notified": "yes",
        "hours": 72,
        "bid": "no",
        "bid_who": ["child_protection", "consulate"],
        "heard": "no",
        "opinion_recorded": "no",
        "interpreter": "partly",
        "consular": "yes",
        "tracing": "partly",
        "family_assessed": "no",
        "escort": "partly",
        "means": "air",
        "detention": "partly",
        "reception": "partly",
        "referral": "yes",
        "services": ["health", "shelter"],
        "followup": "no",
        "followup_months": 0,
        "protocol_date": "2019-07-01",
        "challenges": "Flujos mixtos en la frontera con Colombia; pocas plazas en albergues especializados.",
    },
}

# Round 2 (2026) changes made by each country before submitting.
R2_CHANGES = {
    "HN": {"heard": "yes", "opinion_recorded": "yes", "bid": "yes", "hours": 12, "protocol_date": "2025-10-01"},
    "MX": {"tracing": "yes", "followup": "partly", "followup_months": 3},
    "PA": {"identify": "yes", "heard": "partly"},
}

OFFICERS = {
    "CR": "costarica@enlace.example",
    "SV": "elsalvador@enlace.example",
    "HN": "honduras@enlace.example",
    "MX": "mexico@enlace.example",
    "PA": "panama@enlace.example",
}
# IOM leads the analysis; in the demo its lead is the TS's officer (IOM staff too).
LEAD_EMAIL = "ts@enlace.example"


def _user(email):
    return User.objects.filter(email=email, is_active=True).first()


def _entries(keys, answers, code):
    instrument, url = BASIS[code]
    entries = {}
    for key, value in answers.items():
        question = keys[key]
        entry = {"value": value}
        if question.answer_type == YN:
            entry.update(basis_instrument=instrument, basis_article=f"Sección {question.section.order}", basis_url=url)
        entries[question.pk] = entry
    return entries


def load(stdout):
    ts = _user("ts@enlace.example")
    iom = Organization.objects.filter(acronym_en="IOM", parent__isnull=True).first()
    if ts is None or iom is None:
        stdout.write("Demo comparisons skipped: load the demo network first.")
        return
    if Analysis.objects.filter(is_demo=True, title_es=TITLE_ES).exists():
        stdout.write("Demo comparisons already loaded.")
        return
    with transaction.atomic():
        _load(stdout, ts, iom)


def _load(stdout, ts, iom):
    countries = {c.code.code: c for c in Country.objects.filter(code__in=COUNTRIES)}
    lead = _user(LEAD_EMAIL)
    analysis = services.create_analysis(
        acting_user=ts,
        countries=[countries[code] for code in COUNTRIES if code in countries],
        leads=[lead or ts],
        title_es=TITLE_ES,
        title_en=TITLE_EN,
        introduction_es=INTRO_ES,
        introduction_en=INTRO_EN,
        lead_organization=iom,
        body=Body.objects.filter(slug="child-protection").first(),
        visibility="public",
        is_demo=True,
    )
    reviewer = lead or ts
    keys = {}
    for section_es, section_en, questions in FRAMEWORK:
        section = services.add_section(
            analysis, acting_user=reviewer, title_es=section_es, title_en=section_en, is_demo=True
        )
        for key, kind, text_es, text_en, extra in questions:
            keys[key] = services.add_question(
                analysis,
                acting_user=reviewer,
                section=section,
                answer_type=kind,
                text_es=text_es,
                text_en=text_en,
                is_demo=True,
                **extra,
            )

    # Round 1 (2025): five countries answer, submit, and are validated; the round closes.
    first = services.start_round(
        analysis, acting_user=reviewer, label_es="Ronda 2025", label_en="2025 round", is_demo=True
    )
    for code, answers in R1.items():
        # Countries without a demo account sent their answers to the TS, which entered them for them.
        officer = _user(OFFICERS[code]) or ts
        column = Column.objects.get(round=first, country=countries[code])
        services.save_answers(column, _entries(keys, answers, code), acting_user=officer)
        services.submit_column(column, acting_user=officer)
        services.validate_column(column, acting_user=reviewer)
    services.close_round(first, acting_user=reviewer)
    # The 2025 round happened a year ago: date it so.
    year_ago = timezone.now() - datetime.timedelta(days=330)
    Answer.objects.filter(column__round=first).update(confirmed_at=year_ago)
    Column.objects.filter(round=first).exclude(submitted_at=None).update(submitted_at=year_ago, reviewed_at=year_ago)
    Round.objects.filter(pk=first.pk).update(opened_at=year_ago - datetime.timedelta(days=30), closed_at=year_ago)

    # Round 2 (2026): starts from the 2025 answers.
    second = services.start_round(
        analysis,
        acting_user=reviewer,
        label_es="Ronda 2026",
        label_en="2026 round",
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        is_demo=True,
    )
    columns = {c.country.code.code: c for c in Column.objects.filter(round=second).select_related("country", "round")}
    for code in ("HN", "CR", "MX", "PA"):
        officer = _user(OFFICERS[code]) or ts
        column = columns[code]
        if code in R2_CHANGES:
            services.save_answers(column, _entries(keys, R2_CHANGES[code], code), acting_user=officer)
        services.confirm_answers(column, acting_user=officer)
        services.submit_column(column, acting_user=officer)
    services.validate_column(columns["HN"], acting_user=reviewer, comment="Gracias por la actualización.")
    services.validate_column(columns["CR"], acting_user=reviewer)
    services.return_column(
        columns["PA"],
        acting_user=reviewer,
        comment=(
            "Por favor indiquen la base legal del mecanismo de escucha (pregunta 2.3) y revisen el plazo de "
            "notificación de 72 horas."
        ),
    )
    stdout.write(f"Demo comparisons loaded: “{TITLE_EN}” with {len(keys)} questions and two rounds.")
