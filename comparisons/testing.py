"""Test helpers for comparisons: an analysis built through the services, with its lead and countries.

n = build_network()
a = build_analysis(n)            # led by IOM; n.lead holds the lead's grant; GT HN MX PA CR SV covered
first = services.start_round(a.analysis, acting_user=n.lead)
answer_all(first, "PA", n.pa_officer, {a.heard: "yes", ...})
"""

import datetime
from types import SimpleNamespace

from core.testing import make_user
from network import services as network_services
from network.models import AppointmentRole, Country, Membership

from . import services
from .models import AnswerType, Column

MORE_MEMBERS = ("BZ", "CA", "DO", "NI", "US")


def add_lead(n):
    """An IOM officer with an account, who will lead analyses (through a grant, not the TS role)."""
    if getattr(n, "lead", None) is not None:
        return n.lead
    person = network_services.create_person(
        acting_user=n.ts,
        given_names="Inés",
        family_names="Líder",
        email="lead@example.org",
        appointment={
            "organization": n.iom,
            "role": AppointmentRole.CONTACT_POINT,
            "body": n.network,
            "start_date": datetime.date.today() - datetime.timedelta(days=30),
        },
    )
    n.lead = make_user("lead@example.org", person)
    return n.lead


def add_costa_rica_officer(n):
    """Costa Rica's principal officer with an account (build_network gives Costa Rica none)."""
    if getattr(n, "cr_officer", None) is not None:
        return n.cr_officer
    pani = network_services.create_organization(
        acting_user=n.ts, kind="national_institution", country=n.countries["CR"], name_es="PANI", acronym_es="PANI"
    )
    person = network_services.create_person(
        acting_user=n.ts,
        given_names="Andrea",
        family_names="Solís",
        email="cr@example.org",
        appointment={
            "organization": pani,
            "role": AppointmentRole.PRINCIPAL,
            "body": n.network,
            "start_date": datetime.date.today() - datetime.timedelta(days=30),
        },
    )
    n.cr_officer = make_user("cr@example.org", person)
    return n.cr_officer


def all_members():
    """The 11 member countries (creating those build_network lacks)."""
    for code in MORE_MEMBERS:
        Country.objects.get_or_create(code=code, defaults={"membership": Membership.MEMBER})
    return list(Country.objects.members().order_by("code"))


CHOICES = [
    {"key": "air", "es": "Aérea", "en": "By air"},
    {"key": "land", "es": "Terrestre", "en": "By land"},
]
SERVICES = [
    {"key": "health", "es": "Salud", "en": "Health"},
    {"key": "school", "es": "Educación", "en": "Education"},
    {"key": "psy", "es": "Psicosocial", "en": "Psychosocial"},
]


def build_analysis(n, countries=None, visibility="members", title_en="Assisted voluntary return"):
    """An analysis with two sections and one question of each answer type; return a namespace."""
    lead = add_lead(n)
    countries = countries or [n.countries[code] for code in ("GT", "HN", "MX", "PA", "CR", "SV")]
    analysis = services.create_analysis(
        acting_user=n.ts,
        countries=countries,
        leads=[lead],
        title_es="Retorno voluntario asistido",
        title_en=title_en,
        introduction_en="Why we compare.",
        lead_organization=n.iom,
        body=n.network,
        visibility=visibility,
    )
    before = services.add_section(analysis, acting_user=lead, title_es="Antes del retorno", title_en="Before return")
    after = services.add_section(analysis, acting_user=lead, title_es="Después del retorno", title_en="After return")

    def ask(section, kind, text_en, **extra):
        return services.add_question(
            analysis, acting_user=lead, section=section, answer_type=kind, text_en=text_en, text_es=text_en, **extra
        )

    return SimpleNamespace(
        analysis=analysis,
        before=before,
        after=after,
        heard=ask(before, AnswerType.YES_NO, "Is the child heard before return?"),
        bid=ask(before, AnswerType.YES_NO, "Is a best-interests determination made?"),
        detained=ask(before, AnswerType.YES_NO, "Are children detained?", yes_means_gap=True),
        means=ask(after, AnswerType.SINGLE, "Main means of return", choices=CHOICES),
        services=ask(after, AnswerType.MULTIPLE, "Services referred to", choices=SERVICES),
        months=ask(after, AnswerType.NUMBER, "Months of follow-up"),
        updated=ask(after, AnswerType.DATE, "Protocol last updated"),
        challenges=ask(after, AnswerType.TEXT, "Main challenges"),
    )


def column(round_, code):
    return Column.objects.select_related("round__analysis", "country").get(round=round_, country__code=code)


def answer_all(round_, code, user, values, basis=""):
    """Answer the given {question: value} in a country's column; return the column."""
    col = column(round_, code)
    entries = {question.pk: {"value": value, "basis_instrument": basis} for question, value in values.items()}
    services.save_answers(col, entries, acting_user=user)
    return col


def full_answers(a, heard="yes", means="air", months=6):
    return {
        a.heard: heard,
        a.bid: "partly",
        a.detained: "no",
        a.means: means,
        a.services: ["health", "psy"],
        a.months: months,
        a.updated: "2025-03-31",
        a.challenges: "Rural follow-up.",
    }


def submitted(round_, code, user, a, **overrides):
    col = answer_all(round_, code, user, full_answers(a, **overrides))
    return services.submit_column(col, acting_user=user)


TYPES = [AnswerType.YES_NO, AnswerType.SINGLE, AnswerType.MULTIPLE, AnswerType.NUMBER, AnswerType.DATE, AnswerType.TEXT]
VALUES = {
    AnswerType.YES_NO: ["yes", "partly", "no"],
    AnswerType.SINGLE: ["air", "land"],
    AnswerType.MULTIPLE: [["health"], ["health", "psy"]],
    AnswerType.NUMBER: ["3", "4.5"],
    AnswerType.DATE: ["2024-01-31", "2025-06-30"],
    AnswerType.TEXT: ["Rural areas.", "Staff."],
}


def build_answered(n, countries, questions, title):
    """An analysis of `questions` questions in 5 sections, every country answering, validated; two rounds."""
    analysis = services.create_analysis(
        acting_user=n.ts,
        countries=countries,
        leads=[n.lead],
        title_en=title,
        lead_organization=n.iom,
        visibility="public",
    )
    sections = [services.add_section(analysis, acting_user=n.lead, title_en=f"Section {i}") for i in range(5)]
    asked = []
    for i in range(questions):
        kind = TYPES[i % len(TYPES)]
        choices = CHOICES if kind == AnswerType.SINGLE else SERVICES if kind == AnswerType.MULTIPLE else []
        asked.append(
            services.add_question(
                analysis,
                acting_user=n.lead,
                section=sections[i % 5],
                answer_type=kind,
                text_en=f"Question {i}",
                choices=choices,
            )
        )
    first = services.start_round(analysis, acting_user=n.lead)
    for c, country in enumerate(countries):
        col = column(first, country.code.code)
        entries = {
            q.pk: {"value": VALUES[q.answer_type][(c + i) % len(VALUES[q.answer_type])], "basis_instrument": "Ley"}
            for i, q in enumerate(asked)
        }
        services.save_answers(col, entries, acting_user=n.ts)
        services.validate_column(services.submit_column(col, acting_user=n.ts), acting_user=n.lead)
    services.close_round(first, acting_user=n.lead)
    second = services.start_round(analysis, acting_user=n.lead)
    col = column(second, countries[0].code.code)
    services.save_answer(col, asked[0], acting_user=n.ts, value="no")
    return analysis, asked
