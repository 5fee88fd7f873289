"""Writes of comparative analyses. Each checks access, validates, and runs in one transaction.

Views and API endpoints call these; they never save comparison records themselves. Nothing
here deletes an answer that a country gave: removing a question that has answers retires it
(the earlier rounds keep it), and a framework change that would strand answers is refused
with a message that says why.
"""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.models import Grant, GrantPermission
from core.refusals import STATE, refusal, refusals
from core.versioning import EditConflict

from .access import ANSWER, LEAD, MANAGE_LEADS, REVIEW, answers_for
from .models import (
    MAX_TEXT_ANSWER,
    Analysis,
    Answer,
    AnswerType,
    Column,
    ColumnEvent,
    ColumnEventKind,
    ColumnStatus,
    Question,
    Round,
    RoundStatus,
    Section,
    YesNo,
)

ANALYSIS_FIELDS = (
    "title_es",
    "title_en",
    "introduction_es",
    "introduction_en",
    "lead_organization",
    "body",
    "visibility",
)
SECTION_FIELDS = ("title_es", "title_en", "order")
QUESTION_FIELDS = (
    "section",
    "order",
    "text_es",
    "text_en",
    "guidance_es",
    "guidance_en",
    "answer_type",
    "choices",
    "yes_means_gap",
)
BASIS_FIELDS = ("basis_instrument", "basis_article", "basis_url", "note")
VALUE_FIELDS = ("choice", "selected", "number", "date", "text")
MAX_NUMBER = decimal.Decimal("1e14")


def _assign(instance, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def _text(value):
    return "" if value is None else value


def _texts(fields, prefixes=("title", "introduction", "text", "guidance", "label")):
    """Turn None into "" in the bilingual text fields (the API sends null for "no text")."""
    return {key: _text(value) if key.startswith(prefixes) else value for key, value in fields.items()}


# ---- analyses --------------------------------------------------------------------------------


def _check_countries(countries):
    countries = list(dict.fromkeys(countries or ()))
    if not countries:
        raise ValidationError({"countries": _("Choose the countries the analysis covers.")})
    return countries


@transaction.atomic
def create_analysis(*, acting_user, countries, leads=(), is_demo=False, **fields):
    """Create an analysis covering `countries`, led by `fields["lead_organization"]` (TS only)."""
    access.require_create(acting_user, Analysis)
    countries = _check_countries(countries)
    with acting_as(acting_user):
        analysis = Analysis(created_by=acting_user, is_demo=is_demo)
        _assign(analysis, _texts(fields), ANALYSIS_FIELDS)
        analysis.full_clean()
        analysis.save()
        analysis.countries.set(countries)
        for user in leads:
            _grant_lead(analysis, user, acting_user)
    return analysis


def _grant_lead(analysis, user, acting_user):
    Grant.objects.get_or_create(
        user=user,
        permission=GrantPermission.LEAD,
        content_type=ContentType.objects.get_for_model(Analysis),
        object_id=analysis.pk,
        defaults={"granted_by": acting_user},
    )
    access.forget_principal(user)


@transaction.atomic
def set_leads(analysis, users, *, acting_user):
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


def lead_users(analysis):
    """The accounts holding the lead of `analysis`."""
    from accounts.models import User

    grants = Grant.objects.filter(
        permission=GrantPermission.LEAD, content_type=ContentType.objects.get_for_model(Analysis), object_id=analysis.pk
    )
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("email"))


@transaction.atomic
def update_analysis(analysis, *, acting_user, countries=None, **fields):
    """Change an analysis; adding a country gives it a column in the open round.

    A country whose column in the open round holds answers of its own cannot be taken out (its
    earlier rounds keep it in any case).
    """
    access.require(acting_user, access.CHANGE, analysis)
    with acting_as(acting_user):
        analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
        _assign(analysis, _texts(fields), ANALYSIS_FIELDS)
        analysis.full_clean()
        analysis.save()
        if countries is not None:
            _set_countries(analysis, _check_countries(countries))
    return analysis


def open_round(analysis):
    return analysis.rounds.filter(status=RoundStatus.OPEN).first()


def _set_countries(analysis, countries):
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


def _next_round_number(analysis):
    """The round new questions join: the open round, or the next one."""
    running = open_round(analysis)
    if running is not None:
        return running.number
    last = analysis.rounds.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def add_section(analysis, *, acting_user, is_demo=False, **fields):
    """Add a section to the framework (lead or TS)."""
    access.require_create(acting_user, Section, analysis=analysis)
    with acting_as(acting_user):
        section = Section(analysis=analysis, is_demo=is_demo)
        if "order" not in fields:
            fields["order"] = (analysis.sections.aggregate(last=Max("order"))["last"] or 0) + 1
        _assign(section, _texts(fields), SECTION_FIELDS)
        section.full_clean()
        section.save()
    return section


@transaction.atomic
def update_section(section, *, acting_user, **fields):
    access.require(acting_user, access.CHANGE, section)
    with acting_as(acting_user):
        section = Section.objects.select_for_update().get(pk=section.pk)
        _assign(section, _texts(fields), SECTION_FIELDS)
        section.full_clean()
        section.save()
    return section


@transaction.atomic
def remove_section(section, *, acting_user):
    """Remove a section: its questions are removed (retired where answered); it goes when none is left."""
    access.require(acting_user, access.DELETE, section)
    for question in section.questions.current():
        remove_question(question, acting_user=acting_user)
    with acting_as(acting_user):
        if not section.questions.exists():
            section.delete()
            return "deleted"
    return "retired"


def _clean_choices(answer_type, choices):
    """Give choices without a key one made from their label; keep the given keys."""
    if answer_type not in (AnswerType.SINGLE, AnswerType.MULTIPLE):
        return choices or []
    cleaned = []
    for choice in choices or []:
        if isinstance(choice, dict):
            choice = {key: value.strip() if isinstance(value, str) else value for key, value in choice.items()}
            if not choice.get("key") and (choice.get("en") or choice.get("es")):
                choice["key"] = slugify(choice.get("en") or choice.get("es"))[:40] or "choice"
            choice = {key: value for key, value in choice.items() if value != ""}
        cleaned.append(choice)
    return cleaned


def _check_section(analysis, section):
    if section is None or section.analysis_id != analysis.pk:
        raise ValidationError({"section": _("Choose a section of this analysis.")})


@transaction.atomic
def add_question(analysis, *, acting_user, is_demo=False, **fields):
    """Add a question; it joins the open round (or the next round)."""
    access.require_create(acting_user, Question, analysis=analysis)
    _check_section(analysis, fields.get("section"))
    with acting_as(acting_user):
        question = Question(analysis=analysis, introduced_in=_next_round_number(analysis), is_demo=is_demo)
        if "order" not in fields:
            fields["order"] = (fields["section"].questions.aggregate(last=Max("order"))["last"] or 0) + 1
        fields["choices"] = _clean_choices(fields.get("answer_type"), fields.get("choices"))
        _assign(question, _texts(fields), QUESTION_FIELDS)
        question.full_clean()
        question.save()
    return question


@transaction.atomic
def update_question(question, *, acting_user, **fields):
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
        _assign(question, _texts(fields), QUESTION_FIELDS)
        question.full_clean()
        question.save()
    return question


@transaction.atomic
def remove_question(question, *, acting_user):
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


# ---- rounds ----------------------------------------------------------------------------------


@transaction.atomic
def start_round(analysis, *, acting_user, label_es="", label_en="", due_date=None, is_demo=False):
    """Open the next round: a column per country, starting from the previous round's answers.

    Answers of the previous round are copied into the new columns, marked as carried over until
    the country confirms or changes them; each keeps the date it was last confirmed.
    """
    access.require_create(acting_user, Round, analysis=analysis)
    analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
    if open_round(analysis) is not None:
        raise refusal(STATE, _("A round is still open: close it before starting the next one."))
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date has already passed: choose today or a later date.")})
    previous = analysis.rounds.order_by("-number").first()
    number = previous.number + 1 if previous else 1
    if not Question.objects.filter(analysis=analysis).in_round(number).exists():
        raise refusal(STATE, _("The framework has no question yet: add questions before starting a round."))
    with acting_as(acting_user):
        new_round = Round(
            analysis=analysis,
            number=number,
            label_es=_text(label_es),
            label_en=_text(label_en),
            due_date=due_date,
            is_demo=is_demo,
        )
        new_round.full_clean()
        new_round.save()
        columns = {}
        for country in analysis.countries.all():
            columns[country.pk] = Column.objects.create(round=new_round, country=country, is_demo=is_demo)
        if previous is not None:
            kept = set(Question.objects.filter(analysis=analysis).in_round(number).values_list("pk", flat=True))
            old = Answer.objects.filter(column__round=previous, question_id__in=kept).select_related("column")
            copies = []
            for answer in old:
                column = columns.get(answer.column.country_id)
                if column is None:
                    continue
                copy = Answer(
                    column=column,
                    question_id=answer.question_id,
                    carried_over=True,
                    carried_from=answer,
                    confirmed_at=answer.confirmed_at,
                    confirmed_by_id=answer.confirmed_by_id,
                    is_demo=is_demo,
                )
                for name in VALUE_FIELDS + BASIS_FIELDS:
                    setattr(copy, name, getattr(answer, name))
                copies.append(copy)
            for copy in copies:
                copy.save()  # one by one: the audit trail records each copy
    return new_round


@transaction.atomic
def close_round(round_, *, acting_user):
    """Close a round: no more answers or reviews in it."""
    access.require(acting_user, access.CHANGE, round_)
    with acting_as(acting_user):
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status == RoundStatus.CLOSED:
            raise refusal(STATE, _("This round is already closed."))
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.save()
    return round_


# ---- answers ---------------------------------------------------------------------------------


def parse_value(question, value):
    """Return the answer's value fields for `question`, or None when `value` is empty.

    Raise ValidationError on "value" with a message naming what this question expects.
    """
    kind = question.answer_type
    values = dict.fromkeys(VALUE_FIELDS, None)
    values.update(choice="", selected=[], text="")
    if value is None or value == "" or value == []:
        return None
    if kind == AnswerType.YES_NO:
        if not isinstance(value, str) or value not in YesNo.values:
            raise ValidationError({"value": _("Answer yes, partly or no.")})
        values["choice"] = value
    elif kind == AnswerType.SINGLE:
        keys = question.choice_keys()
        if not isinstance(value, str) or value not in keys:
            raise ValidationError({"value": _("Choose one of: %(choices)s.") % {"choices": ", ".join(keys)}})
        values["choice"] = value
    elif kind == AnswerType.MULTIPLE:
        keys = question.choice_keys()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise ValidationError(
                {"value": _("Give a list of choices among: %(choices)s.") % {"choices": ", ".join(keys)}}
            )
        unknown = [item for item in value if item not in keys]
        if unknown:
            raise ValidationError(
                {
                    "value": _("Unknown choices: %(unknown)s. Choose among: %(choices)s.")
                    % {"unknown": ", ".join(unknown[:5]), "choices": ", ".join(keys)}
                }
            )
        values["selected"] = [key for key in keys if key in value]
    elif kind == AnswerType.NUMBER:
        try:
            if isinstance(value, bool):
                raise decimal.InvalidOperation
            number = (
                decimal.Decimal(str(value).strip().replace(" ", "")) if not isinstance(value, (list, dict)) else None
            )
            if number is None or not number.is_finite() or abs(number) >= MAX_NUMBER:
                raise decimal.InvalidOperation
        except (decimal.InvalidOperation, ValueError):
            raise ValidationError({"value": _("Give a number, e.g. 12 or 3.5.")}) from None
        values["number"] = number.quantize(decimal.Decimal("0.0001"))
    elif kind == AnswerType.DATE:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime.date) or not (1900 <= value.year <= 2200):
            raise ValidationError({"value": _("Give a date as YYYY-MM-DD, e.g. 2026-03-31.")})
        values["date"] = value
    else:
        if not isinstance(value, str):
            raise ValidationError({"value": _("Give the answer as text.")})
        value = value.strip()
        if not value:
            return None
        if len(value) > MAX_TEXT_ANSWER:
            raise ValidationError(
                {"value": _("The answer is at most %(max)s characters long.") % {"max": MAX_TEXT_ANSWER}}
            )
        values["text"] = value
    return values


def _check_column_open(column, acting_user):
    """Refuse outsiders (403); tell the column's own people why it cannot change now (400)."""
    if access.can(acting_user, ANSWER, column):
        return
    if not answers_for(access.principal_for(acting_user), column):
        access.refuse(acting_user, ANSWER, column)
    if not column.round.is_open:
        raise refusal(STATE, _("This round is closed: its answers can no longer change."))
    raise refusal(
        STATE,
        _("This column is %(status)s: it can change again only if the lead returns it.")
        % {"status": column.get_status_display().lower()},
    )


def _check_question(column, question):
    if question.analysis_id != column.round.analysis_id or not question.in_round(column.round.number):
        raise ValidationError({"question": _("This question is not part of this round.")})


def _clean_basis(fields):
    cleaned = {}
    for name in BASIS_FIELDS:
        if name in fields:
            value = fields[name]
            if value is not None and not isinstance(value, str):
                raise ValidationError({name: _("Give this as text.")})
            cleaned[name] = (value or "").strip()
    return cleaned


def _write_answer(column, question, entry, user, now):
    """Create, change, confirm or clear one answer; return the answer (None when cleared or left empty)."""
    existing = entry.get("_existing")
    unknown = set(entry) - {"value", "confirm", "revision", "_existing", *BASIS_FIELDS}
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    read = entry.get("revision")
    if read not in (None, "") and int(read) != (existing.revision if existing else 0):
        raise EditConflict(existing, read_revision=int(read))
    values = parse_value(question, entry.get("value")) if "value" in entry else None
    basis = _clean_basis(entry)
    if "value" in entry and values is None:
        if existing is not None:
            existing.delete()
        elif any(basis.values()):
            raise ValidationError({"value": _("Give the answer before its basis or note.")})
        return None
    answer = existing or Answer(column=column, question=question, is_demo=column.is_demo)
    before = {name: getattr(answer, name) for name in VALUE_FIELDS + BASIS_FIELDS} if existing else None
    if values is not None:
        for name, value in values.items():
            setattr(answer, name, value)
    for name, value in basis.items():
        setattr(answer, name, value)
    if answer.pk is None and values is None:
        raise ValidationError({"value": _("Give the answer.")})
    changed = before is None or any(before[name] != getattr(answer, name) for name in before)
    if changed or entry.get("confirm"):
        answer.carried_over = False
        answer.confirmed_at = now
        answer.confirmed_by = user
    answer.question = question
    answer.full_clean(exclude=["column", "question", "carried_from", "confirmed_by"])
    if changed or entry.get("confirm") or answer.pk is None:
        answer.save()
    return answer


@transaction.atomic
def save_answer(column, question, *, acting_user, **entry):
    """Answer one question in a country's column (value, basis, note); `confirm=True` confirms it unchanged."""
    column = (
        Column.objects.select_related("round__analysis", "country").select_for_update(of=("self",)).get(pk=column.pk)
    )
    _check_column_open(column, acting_user)
    _check_question(column, question)
    entry["_existing"] = Answer.objects.filter(column=column, question=question).first()
    with acting_as(acting_user):
        return _write_answer(column, question, entry, acting_user, timezone.now())


@transaction.atomic
def save_answers(column, entries, *, acting_user):
    """Save several answers of one column at once: all of them, or none when any is wrong.

    `entries` maps question ids to {value, basis_instrument, basis_article, basis_url, note, confirm}.
    Errors come back keyed "q<id>.<field>", so a form or a client can show each beside its question.
    """
    column = (
        Column.objects.select_related("round__analysis", "country").select_for_update(of=("self",)).get(pk=column.pk)
    )
    _check_column_open(column, acting_user)
    questions = {
        q.pk: q for q in Question.objects.filter(analysis_id=column.round.analysis_id).in_round(column.round.number)
    }
    existing = {answer.question_id: answer for answer in column.answers.all()}
    errors, conflicts = {}, {}
    now = timezone.now()
    saved = []
    with acting_as(acting_user):
        for question_id, entry in entries.items():
            question = questions.get(question_id)
            if question is None:
                errors[f"q{question_id}"] = [_("This question is not part of this round.")]
                continue
            entry = dict(entry, _existing=existing.get(question_id))
            try:
                with transaction.atomic():
                    saved.append(_write_answer(column, question, entry, acting_user, now))
            except EditConflict as conflict:
                conflicts[question_id] = conflict.current
                theirs = conflict.current.display() if conflict.current else _("no answer")
                errors.setdefault(f"q{question_id}.value", []).append(
                    _("Someone saved this answer after you opened the page. Their version: %(answer)s")
                    % {"answer": theirs}
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(f"q{question_id}.{field}", []).extend(messages)
        if conflicts:
            raise AnswersConflict(errors, conflicts)
        if errors:
            raise ValidationError(errors)
    return [answer for answer in saved if answer is not None]


class AnswersConflict(ValidationError):
    """Answers saved by someone else since they were read; `answers` maps question id to the saved answer."""

    def __init__(self, errors, answers):
        super().__init__(errors)
        self.answers = answers


@transaction.atomic
def confirm_answers(column, *, acting_user, questions=None):
    """Confirm answers carried over from the previous round as still true (all, or those of `questions`)."""
    column = (
        Column.objects.select_related("round__analysis", "country").select_for_update(of=("self",)).get(pk=column.pk)
    )
    _check_column_open(column, acting_user)
    carried = column.answers.filter(carried_over=True)
    if questions is not None:
        carried = carried.filter(question__in=questions)
    now = timezone.now()
    count = 0
    with acting_as(acting_user):
        for answer in carried:
            answer.carried_over = False
            answer.confirmed_at = now
            answer.confirmed_by = acting_user
            answer.save()
            count += 1
    return count


def column_questions(column):
    return list(
        Question.objects.filter(analysis_id=column.round.analysis_id)
        .in_round(column.round.number)
        .select_related("section")
    )


@transaction.atomic
def submit_column(column, *, acting_user):
    """Submit a country's column to the lead: every question answered, every carried-over answer confirmed."""
    column = (
        Column.objects.select_related("round__analysis", "country").select_for_update(of=("self",)).get(pk=column.pk)
    )
    _check_column_open(column, acting_user)
    questions = column_questions(column)
    answers = {answer.question_id: answer for answer in column.answers.all()}
    numbering = numbers_of(questions)
    missing = [numbering[q.pk] for q in questions if q.pk not in answers]
    carried = [numbering[q.pk] for q in questions if q.pk in answers and answers[q.pk].carried_over]
    errors = []
    if missing:
        errors.append(
            _("Answer every question before submitting; unanswered: %(list)s.") % {"list": ", ".join(missing)}
        )
    if carried:
        errors.append(
            _("Confirm or update the answers carried over from the previous round: %(list)s.")
            % {"list": ", ".join(carried)}
        )
    if errors:
        raise ValidationError([ValidationError(message, code=STATE) for message in errors])  # the column as saved
    with acting_as(acting_user):
        column.status = ColumnStatus.SUBMITTED
        column.submitted_at = timezone.now()
        column.submitted_by = acting_user
        column.save()
        ColumnEvent.objects.create(
            column=column, kind=ColumnEventKind.SUBMITTED, actor=acting_user, is_demo=column.is_demo
        )
    _notify_submitted(column)
    return column


def _review(column, acting_user):
    column = (
        Column.objects.select_related("round__analysis", "country").select_for_update(of=("self",)).get(pk=column.pk)
    )
    if not access.can(acting_user, REVIEW, column):
        if access.can(acting_user, LEAD, column.round.analysis):
            if not column.round.is_open:
                raise refusal(STATE, _("This round is closed: its columns can no longer be reviewed."))
            raise refusal(STATE, _("This column has not been submitted yet."))
        access.refuse(acting_user, REVIEW, column)
    return column


@transaction.atomic
def return_column(column, *, acting_user, comment):
    """Return a submitted (or validated) column to its country with comments (lead or TS)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the country should review.")})
    if len(comment) > 5000:
        raise ValidationError({"comment": _("The comment is at most %(max)s characters long.") % {"max": 5000}})
    column = _review(column, acting_user)
    with acting_as(acting_user):
        column.status = ColumnStatus.RETURNED
        column.reviewed_at = timezone.now()
        column.reviewed_by = acting_user
        column.review_comment = comment
        column.save()
        ColumnEvent.objects.create(
            column=column, kind=ColumnEventKind.RETURNED, comment=comment, actor=acting_user, is_demo=column.is_demo
        )
    _notify_reviewed(column, returned=True)
    return column


@transaction.atomic
def validate_column(column, *, acting_user, comment=""):
    """Validate a submitted column (lead or TS): its answers are then shown to everyone who sees the analysis."""
    comment = (comment or "").strip()[:5000]
    column = _review(column, acting_user)
    if column.status != ColumnStatus.SUBMITTED:
        raise refusal(STATE, _("Only a submitted column can be validated."))
    with acting_as(acting_user):
        column.status = ColumnStatus.VALIDATED
        column.reviewed_at = timezone.now()
        column.reviewed_by = acting_user
        column.review_comment = comment
        column.save()
        ColumnEvent.objects.create(
            column=column, kind=ColumnEventKind.VALIDATED, comment=comment, actor=acting_user, is_demo=column.is_demo
        )
    _notify_reviewed(column, returned=False)
    return column


def numbers_of(questions):
    """Return {question id: "2.3"}: section number and place in the section, as the framework shows them."""
    numbers, sections, counts = {}, {}, {}
    for question in sorted(questions, key=lambda q: (q.section.order, q.section_id, q.order, q.pk)):
        section_number = sections.setdefault(question.section_id, len(sections) + 1)
        counts[question.section_id] = counts.get(question.section_id, 0) + 1
        numbers[question.pk] = f"{section_number}.{counts[question.section_id]}"
    return numbers


# ---- notifications ---------------------------------------------------------------------------


def officer_users(country):
    """Active accounts of a country's current liaison officers."""
    from accounts.models import User
    from network.models import OFFICER_ROLES, Appointment

    terms = Appointment.objects.current().filter(country=country, role__in=OFFICER_ROLES)
    return list(User.objects.filter(is_active=True, person__in=terms.values("person_id")).distinct())


def _notify_submitted(column):
    from circulation.models import NotificationKind
    from circulation.notifications import notify, ts_users

    analysis = column.round.analysis
    country = column.country

    def subject(lang):
        return _("%(country)s submitted its answers to “%(analysis)s”") % {
            "country": country.name,
            "analysis": analysis.localized("title", lang),
        }

    def body(lang):
        return _("Validate the column or return it with comments.")

    notify(
        lead_users(analysis) + ts_users(),
        NotificationKind.REVIEW_REQUESTED,
        subject=subject,
        body=body,
        url=column.get_absolute_url(),
        dedupe_key=f"comparison-column:{column.pk}:submitted:{column.submitted_at.isoformat()}",
    )


def _notify_reviewed(column, *, returned):
    from circulation.models import NotificationKind
    from circulation.notifications import notify

    analysis = column.round.analysis

    def subject(lang):
        title = analysis.localized("title", lang)
        if returned:
            return _("Your country's answers to “%(analysis)s” were returned") % {"analysis": title}
        return _("Your country's answers to “%(analysis)s” were validated") % {"analysis": title}

    def body(lang):
        return column.review_comment

    notify(
        officer_users(column.country),
        NotificationKind.REPORT_RETURNED if returned else NotificationKind.REPORT_APPROVED,
        subject=subject,
        body=body,
        url=column.get_absolute_url(),
        dedupe_key=f"comparison-column:{column.pk}:{column.status}:{column.reviewed_at.isoformat()}",
    )
