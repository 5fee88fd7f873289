"""Analyses, their lead organizations and countries, and their framework of sections and questions."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.models import Grant, GrantPermission
from core.refusals import STATE, refusal, refusals
from core.services import assign

from ..access import MANAGE_LEADS
from ..models import (
    Analysis,
    Answer,
    AnswerType,
    Column,
    ColumnStatus,
    Question,
    Round,
    RoundStatus,
    Section,
)
from .common import ANALYSIS_FIELDS, QUESTION_FIELDS, SECTION_FIELDS, _texts

# ---- analyses --------------------------------------------------------------------------------


def _check_countries(countries: Iterable[Any]) -> list[Any]:
    countries = list(dict.fromkeys(countries or ()))
    if not countries:
        raise ValidationError({"countries": _("Choose the countries the analysis covers.")})
    return countries


@transaction.atomic
def create_analysis(
    *, acting_user: Any, countries: Iterable[Any], leads: Iterable[Any] = (), is_demo: bool = False, **fields: Any
) -> Analysis:
    """Create an analysis covering `countries`, led by `fields["lead_organization"]` (TS only)."""
    access.require_create(acting_user, Analysis)
    countries = _check_countries(countries)
    with acting_as(acting_user):
        analysis = Analysis(created_by=acting_user, is_demo=is_demo)
        assign(analysis, _texts(fields), ANALYSIS_FIELDS)
        analysis.full_clean()
        analysis.save()
        analysis.countries.set(countries)
        for user in leads:
            _grant_lead(analysis, user, acting_user)
    return analysis


def _grant_lead(analysis: Analysis, user: Any, acting_user: Any) -> None:
    Grant.objects.get_or_create(
        user=user,
        permission=GrantPermission.LEAD,
        content_type=ContentType.objects.get_for_model(Analysis),
        object_id=analysis.pk,
        defaults={"granted_by": acting_user},
    )
    access.forget_principal(user)


@transaction.atomic
def set_leads(analysis: Analysis, users: Iterable[Any], *, acting_user: Any) -> Analysis:
    """Make exactly `users` the people who lead the analysis (TS only)."""
    access.require(acting_user, MANAGE_LEADS, analysis)
    users = list(dict.fromkeys(users))
    inactive = [user for user in users if not user.is_active]
    if inactive:
        raise refusals(
            STATE, {"leads": _("These accounts are closed: %(names)s.") % {"names": ", ".join(map(str, inactive))}}
        )
    with acting_as(acting_user):
        current = Grant.objects.filter(
            permission=GrantPermission.LEAD,
            content_type=ContentType.objects.get_for_model(Analysis),
            object_id=analysis.pk,
        )
        for grant in current.exclude(user__in=users).select_related("user"):
            access.forget_principal(grant.user)
            grant.delete()
        for user in users:
            _grant_lead(analysis, user, acting_user)
    return analysis


def lead_users(analysis: Analysis) -> list[Any]:
    """The accounts holding the lead of `analysis`."""
    from accounts.models import User

    grants = Grant.objects.filter(
        permission=GrantPermission.LEAD, content_type=ContentType.objects.get_for_model(Analysis), object_id=analysis.pk
    )
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("email"))


@transaction.atomic
def update_analysis(
    analysis: Analysis, *, acting_user: Any, countries: Iterable[Any] | None = None, **fields: Any
) -> Analysis:
    """Change an analysis; adding a country gives it a column in the open round.

    A country whose column in the open round holds answers of its own cannot be taken out (its
    earlier rounds keep it in any case).
    """
    access.require(acting_user, access.CHANGE, analysis)
    with acting_as(acting_user):
        analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
        assign(analysis, _texts(fields), ANALYSIS_FIELDS)
        analysis.full_clean()
        analysis.save()
        if countries is not None:
            _set_countries(analysis, _check_countries(countries))
    return analysis


def open_round(analysis: Analysis) -> Round | None:
    return analysis.rounds.filter(status=RoundStatus.OPEN).first()


def _set_countries(analysis: Analysis, countries: Iterable[Any]) -> None:
    wanted = {country.pk for country in countries}
    current = set(analysis.countries.values_list("pk", flat=True))
    running = open_round(analysis)
    if running is not None:
        leaving = running.columns.filter(country_id__in=current - wanted).select_related("country")
        answered = [
            c for c in leaving if c.answers.filter(carried_over=False).exists() or c.status != ColumnStatus.DRAFT
        ]
        if answered:
            raise refusals(
                STATE,
                {
                    "countries": _(
                        "%(countries)s already answered in the open round: they stay in the analysis. "
                        "Their answers would be lost."
                    )
                    % {"countries": ", ".join(sorted(str(c.country.name) for c in answered))}
                },
            )
        for column in leaving:
            column.answers.all().delete()  # only copies carried over: the originals stay in the earlier round
            column.delete()
        for country in countries:
            if country.pk not in current:
                Column.objects.get_or_create(round=running, country=country, defaults={"is_demo": analysis.is_demo})
    analysis.countries.set(countries)


# ---- the framework ---------------------------------------------------------------------------


def _next_round_number(analysis: Analysis) -> int:
    """The round new questions join: the open round, or the next one."""
    running = open_round(analysis)
    if running is not None:
        return running.number
    last = analysis.rounds.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def add_section(analysis: Analysis, *, acting_user: Any, is_demo: bool = False, **fields: Any) -> Section:
    """Add a section to the framework (lead or TS)."""
    access.require_create(acting_user, Section, analysis=analysis)
    with acting_as(acting_user):
        section = Section(analysis=analysis, is_demo=is_demo)
        if "order" not in fields:
            fields["order"] = (analysis.sections.aggregate(last=Max("order"))["last"] or 0) + 1
        assign(section, _texts(fields), SECTION_FIELDS)
        section.full_clean()
        section.save()
    return section


@transaction.atomic
def update_section(section: Section, *, acting_user: Any, **fields: Any) -> Section:
    access.require(acting_user, access.CHANGE, section)
    with acting_as(acting_user):
        section = Section.objects.select_for_update().get(pk=section.pk)
        assign(section, _texts(fields), SECTION_FIELDS)
        section.full_clean()
        section.save()
    return section


@transaction.atomic
def remove_section(section: Section, *, acting_user: Any) -> str:
    """Remove a section: its questions are removed (retired where answered); it goes when none is left."""
    access.require(acting_user, access.DELETE, section)
    for question in section.questions.current():
        remove_question(question, acting_user=acting_user)
    with acting_as(acting_user):
        if not section.questions.exists():
            section.delete()
            return "deleted"
    return "retired"


def _clean_choices(answer_type: Any, choices: Any) -> list[dict[str, Any]]:
    """Give choices without a key one made from their label; keep the given keys."""
    if answer_type not in (AnswerType.SINGLE, AnswerType.MULTIPLE):
        return choices or []
    cleaned = []
    for choice in choices or []:
        if isinstance(choice, dict):
            choice = {key: value.strip() if isinstance(value, str) else value for key, value in choice.items()}
            if not choice.get("key") and (choice.get("en") or choice.get("es")):
                label: str = choice.get("en") or choice.get("es") or ""
                choice["key"] = slugify(label)[:40] or "choice"
            choice = {key: value for key, value in choice.items() if value != ""}
        cleaned.append(choice)
    return cleaned


def _check_section(analysis: Analysis, section: Section | None) -> None:
    if section is None or section.analysis_id != analysis.pk:
        raise ValidationError({"section": _("Choose a section of this analysis.")})


@transaction.atomic
def add_question(analysis: Analysis, *, acting_user: Any, is_demo: bool = False, **fields: Any) -> Question:
    """Add a question; it joins the open round (or the next round)."""
    access.require_create(acting_user, Question, analysis=analysis)
    _check_section(analysis, fields.get("section"))
    with acting_as(acting_user):
        question = Question(analysis=analysis, introduced_in=_next_round_number(analysis), is_demo=is_demo)
        if "order" not in fields:
            fields["order"] = (fields["section"].questions.aggregate(last=Max("order"))["last"] or 0) + 1
        fields["choices"] = _clean_choices(fields.get("answer_type"), fields.get("choices"))
        assign(question, _texts(fields), QUESTION_FIELDS)
        question.full_clean()
        question.save()
    return question


@transaction.atomic
def update_question(question: Question, *, acting_user: Any, **fields: Any) -> Question:
    """Change a question's wording, guidance, place or choices.

    Its answer type cannot change once countries have answered it, nor can a choice they chose
    be taken away: the answers would no longer fit. Remove it and add a new question instead.
    """
    access.require(acting_user, access.CHANGE, question)
    with acting_as(acting_user):
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.retired_from is not None:
            raise refusal(STATE, _("This question was removed from the framework; its past answers stay as they are."))
        if "section" in fields:
            _check_section(question.analysis, fields["section"])
        answer_type = fields.get("answer_type", question.answer_type)
        if "choices" in fields or "answer_type" in fields:
            fields["choices"] = _clean_choices(answer_type, fields.get("choices", question.choices))
        answers = Answer.objects.filter(question=question)
        if answer_type != question.answer_type and answers.exists():
            raise refusals(
                STATE,
                {
                    "answer_type": _(
                        "Countries have answered this question (%(count)s answers): its answer type cannot change. "
                        "Remove it and add a new question instead; the answers stay in their rounds."
                    )
                    % {"count": answers.count()}
                },
            )
        if answer_type in (AnswerType.SINGLE, AnswerType.MULTIPLE) and "choices" in fields:
            kept = {choice.get("key") for choice in fields["choices"] if isinstance(choice, dict)}
            used = set()
            for choice, selected in answers.values_list("choice", "selected"):
                used.update([choice] if choice else [])
                used.update(selected or [])
            dropped = sorted(used - kept)
            if dropped:
                labels = ", ".join(question.choice_label(key) for key in dropped)
                raise refusals(
                    STATE,
                    {
                        "choices": _("Countries chose %(choices)s: these choices must stay (their wording may change).")
                        % {"choices": labels}
                    },
                )
        assign(question, _texts(fields), QUESTION_FIELDS)
        question.full_clean()
        question.save()
    return question


@transaction.atomic
def remove_question(question: Question, *, acting_user: Any) -> str:
    """Take a question out of the framework without losing an answer. Return what happened.

    - never answered: deleted ("deleted");
    - answered in earlier rounds only (or carried over, unconfirmed, into the open round): it
      leaves the open round and the next ones; the copies carried over go, the originals stay
      in their rounds ("retired");
    - answered or confirmed by a country in the open round: it stays in this round and leaves
      the framework from the next round ("retired_next").
    """
    access.require(acting_user, access.DELETE, question)
    with acting_as(acting_user):
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.retired_from is not None:
            raise refusal(STATE, _("This question was already removed from the framework."))
        answers = Answer.objects.filter(question=question)
        if not answers.exists():
            question.delete()
            return "deleted"
        running = open_round(question.analysis)
        number = running.number if running is not None else _next_round_number(question.analysis)
        given_now = running is not None and answers.filter(column__round=running, carried_over=False).exists()
        if given_now:
            question.retired_from = number + 1
            outcome = "retired_next"
        else:
            if running is not None:
                answers.filter(column__round=running, carried_over=True).delete()
            question.retired_from = number
            outcome = "retired"
        if question.retired_from <= question.introduced_in:
            # Added in this very round and answered only by copies: nothing of it is kept elsewhere.
            question.retired_from = question.introduced_in + 1
            outcome = "retired_next"
        question.save()
    return outcome
