"""Each country's answers: saved, confirmed, submitted, returned or validated by the lead."""

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access, review
from core.audit import acting_as
from core.refusals import STATE, refusal
from core.versioning import EditConflict

from ..access import ANSWER, LEAD, REVIEW, answers_for
from ..models import (
    MAX_TEXT_ANSWER,
    Answer,
    AnswerType,
    Column,
    ColumnEvent,
    ColumnEventKind,
    ColumnStatus,
    Question,
    YesNo,
)
from .common import BASIS_FIELDS, MAX_NUMBER, VALUE_FIELDS
from .notices import _notify_reviewed, _notify_submitted

# ---- answers ---------------------------------------------------------------------------------


def parse_value(question: Question, value: Any) -> dict[str, Any] | None:
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


def _check_column_open(column: Column, acting_user: Any) -> None:
    """Refuse outsiders (403); tell the column's own people why it cannot change now (400)."""
    REVIEW_FLOW.allow(acting_user, REVIEW_FLOW.step("submit"), column)


def _check_question(column: Column, question: Question) -> None:
    if question.analysis_id != column.round.analysis_id or not question.in_round(column.round.number):
        raise ValidationError({"question": _("This question is not part of this round.")})


def _clean_basis(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for name in BASIS_FIELDS:
        if name in fields:
            value = fields[name]
            if value is not None and not isinstance(value, str):
                raise ValidationError({name: _("Give this as text.")})
            cleaned[name] = (value or "").strip()
    return cleaned


def _write_answer(
    column: Column, question: Question, entry: dict[str, Any], user: Any, now: datetime.datetime
) -> Answer | None:
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
def save_answer(column: Column, question: Question, *, acting_user: Any, **entry: Any) -> Answer | None:
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
def save_answers(column: Column, entries: Mapping[Any, dict[str, Any]], *, acting_user: Any) -> list[Answer]:
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

    def __init__(self, errors: Any, answers: dict[int, Any]) -> None:
        super().__init__(errors)
        self.answers = answers


@transaction.atomic
def confirm_answers(column: Column, *, acting_user: Any, questions: Iterable[Any] | None = None) -> int:
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


def column_questions(column: Column) -> list[Question]:
    return list(
        Question.objects.filter(analysis_id=column.round.analysis_id)
        .in_round(column.round.number)
        .select_related("section")
    )


def _lock(column: Column) -> Column:
    return Column.objects.select_related("round__analysis", "country").select_for_update(of=("self",)).get(pk=column.pk)


def _record_event(column: Column, step: review.Step, acting_user: Any, comment: str) -> ColumnEvent:
    return ColumnEvent.objects.create(
        column=column, kind=step.event, comment=comment, actor=acting_user, is_demo=column.is_demo
    )


def _entitled(user: Any, column: Column, step: review.Step) -> bool:
    if step.permission == ANSWER:
        return answers_for(access.principal_for(user), column)
    return access.can(user, LEAD, column.round.analysis)


def _why_not(column: Column, step: review.Step) -> str:
    if step.permission == ANSWER:
        if not column.round.is_open:
            return _("This round is closed: its answers can no longer change.")
        return _("This column is %(status)s: it can change again only if the lead returns it.") % {
            "status": column.get_status_display().lower()
        }
    if not column.round.is_open:
        return _("This round is closed: its columns can no longer be reviewed.")
    return _("This column has not been submitted yet.")


def _notify(column: Column, step: review.Step, comment: str, acting_user: Any) -> None:
    if step.target == ColumnStatus.SUBMITTED:
        _notify_submitted(column)
    else:
        _notify_reviewed(column, returned=step.target == ColumnStatus.RETURNED)


# The review of a country's column: its officers submit it, the lead (or the TS) returns it with
# comments — a validated one too, which reopens it — or validates it.
REVIEW_FLOW = review.Workflow(
    steps={
        "submit": review.Step(
            ANSWER,
            ColumnStatus.SUBMITTED,
            ColumnEventKind.SUBMITTED,
            comment=review.NONE,
            stamp=("submitted_at",),
            by=("submitted_by",),
        ),
        "return": review.Step(
            REVIEW,
            ColumnStatus.RETURNED,
            ColumnEventKind.RETURNED,
            comment=review.REQUIRED,
            missing=gettext_lazy("Say what the country should review."),
            stamp=("reviewed_at",),
            by=("reviewed_by",),
            keep_comment="review_comment",
        ),
        "validate": review.Step(
            REVIEW,
            ColumnStatus.VALIDATED,
            ColumnEventKind.VALIDATED,
            stamp=("reviewed_at",),
            by=("reviewed_by",),
            keep_comment="review_comment",
        ),
    },
    lock=_lock,
    record_event=_record_event,
    entitled=_entitled,
    why_not=_why_not,
    notify=_notify,
)


def _check_complete(column: Column) -> None:
    """Every question answered, every carried-over answer confirmed; else the column stays as saved."""
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
        raise ValidationError([ValidationError(message, code=STATE) for message in errors])


def _check_submitted(column: Column) -> None:
    if column.status != ColumnStatus.SUBMITTED:
        raise refusal(STATE, _("Only a submitted column can be validated."))


def submit_column(column: Column, *, acting_user: Any) -> Column:
    """Submit a country's column to the lead: every question answered, every carried-over answer confirmed."""
    return REVIEW_FLOW.take("submit", column, acting_user=acting_user, check=_check_complete)


def return_column(column: Column, *, acting_user: Any, comment: str) -> Column:
    """Return a submitted (or validated) column to its country with comments (lead or TS)."""
    return REVIEW_FLOW.take("return", column, acting_user=acting_user, comment=comment)


def validate_column(column: Column, *, acting_user: Any, comment: str = "") -> Column:
    """Validate a submitted column (lead or TS): its answers are then shown to everyone who sees the analysis."""
    return REVIEW_FLOW.take("validate", column, acting_user=acting_user, comment=comment, check=_check_submitted)


def numbers_of(questions: Iterable[Question]) -> dict[int, str]:
    """Return {question id: "2.3"}: section number and place in the section, as the framework shows them."""
    numbers: dict[int, str] = {}
    sections: dict[int | None, int] = {}
    counts: dict[int | None, int] = {}
    for question in sorted(questions, key=lambda q: (q.section.order, q.section_id, q.order, q.pk)):
        section_number = sections.setdefault(question.section_id, len(sections) + 1)
        counts[question.section_id] = counts.get(question.section_id, 0) + 1
        numbers[question.pk] = f"{section_number}.{counts[question.section_id]}"
    return numbers
