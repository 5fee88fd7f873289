"""What the comparisons API takes and gives: its request and response schemas and the functions that fill them."""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ValidationError as PydanticValidationError
from pydantic import field_validator

from core import access
from core.api import Conflict, Error, FieldErrors, InputSchema, PatchSchema, filled_text, on_or_after_today
from core.models import Visibility

from ..models import AnswerType, ColumnStatus, RoundStatus

READ_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


# ---- output ------------------------------------------------------------------------------


class ChoiceOut(Schema):
    key: str
    es: str = ""
    en: str = ""


class QuestionOut(Schema):
    id: int
    section_id: int
    number: str = Field("", description='Its place in the current framework, e.g. "2.3" (empty once removed).')
    order: int
    text_es: str
    text_en: str
    guidance_es: str
    guidance_en: str
    answer_type: AnswerType
    choices: list[ChoiceOut]
    yes_means_gap: bool
    introduced_in: int = Field(..., description="The first round it belongs to.")
    retired_from: int | None = Field(None, description="The first round it no longer belongs to (null: current).")


class SectionOut(Schema):
    id: int
    order: int
    title_es: str
    title_en: str


class RoundOut(Schema):
    id: int
    number: int
    label_es: str
    label_en: str
    status: RoundStatus
    due_date: datetime.date | None
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None


class AnalysisOut(Schema):
    id: int
    title_es: str
    title_en: str
    introduction_es: str
    introduction_en: str
    lead_organization_id: int
    lead_organization: str
    body: str | None = Field(None, description="The network's slug")
    countries: list[str] = Field(..., description="ISO 3166 alpha-2 codes")
    visibility: Visibility
    is_demo: bool

    @staticmethod
    def resolve_lead_organization(obj):
        return obj.lead_organization.short_name

    @staticmethod
    def resolve_body(obj):
        return obj.body.slug if obj.body_id else None

    @staticmethod
    def resolve_countries(obj):
        return sorted(country.code.code for country in obj.countries.all())


class FrameworkOut(AnalysisOut):
    sections: list[SectionOut]
    questions: list[QuestionOut] = Field(..., description="Every question, removed ones included")
    rounds: list[RoundOut]

    @staticmethod
    def resolve_sections(obj):
        return obj.framework_sections

    @staticmethod
    def resolve_questions(obj):
        return obj.framework_questions

    @staticmethod
    def resolve_rounds(obj):
        return obj.framework_rounds


class AnswerOut(Schema):
    question_id: int
    revision: int = Field(..., description="Send it back when you change the answer (PUT); 0 when there is none")
    value: Any = Field(None, description="yes/partly/no, a choice key, a list of keys, a number, a date or text")
    display: str = Field(..., description="The answer as the matrix shows it, in the request's language")
    basis_instrument: str
    basis_article: str
    basis_url: str
    note: str
    carried_over: bool
    confirmed_at: datetime.datetime | None


def answer_value(answer):
    kind = answer.question.answer_type
    if kind in (AnswerType.YES_NO, AnswerType.SINGLE):
        return answer.choice
    if kind == AnswerType.MULTIPLE:
        return list(answer.selected or [])
    if kind == AnswerType.NUMBER:
        return None if answer.number is None else float(answer.number)
    if kind == AnswerType.DATE:
        return answer.date.isoformat() if answer.date else None
    return answer.text


def answer_out(answer):
    return {
        "question_id": answer.question_id,
        "revision": answer.revision,
        "value": answer_value(answer),
        "display": answer.display(),
        "basis_instrument": answer.basis_instrument,
        "basis_article": answer.basis_article,
        "basis_url": answer.basis_url,
        "note": answer.note,
        "carried_over": answer.carried_over,
        "confirmed_at": answer.confirmed_at,
    }


class ColumnOut(Schema):
    id: int
    round: int
    country: str
    status: ColumnStatus
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_comment: str = Field("", description="For the country's officers, the lead and the TS only.")


def column_out(column, user, answers=None):
    shows_steps = access.can(user, "view", column) and (
        access.acts_for_whole_network(user)
        or column.country_id in access.principal_for(user).officer_countries
        or access.can(user, "lead", column.round.analysis)
    )
    data = {
        "id": column.pk,
        "round": column.round.number,
        "country": column.country.code.code,
        "status": column.status,
        "submitted_at": column.submitted_at,
        "reviewed_at": column.reviewed_at,
        "review_comment": column.review_comment if shows_steps else "",
    }
    if answers is not None:
        data["answers"] = [answer_out(answer) for answer in answers]
    return data


class ColumnDetailOut(ColumnOut):
    answers: list[AnswerOut]


class MatrixCellOut(Schema):
    country: str
    answer: AnswerOut | None


class MatrixRowOut(Schema):
    question_id: int
    number: str
    section_id: int
    text: str
    differs: bool
    gap_countries: list[str]
    cells: list[MatrixCellOut]


class MatrixOut(Schema):
    round: int
    view: str
    countries: list[str] = Field(..., description="The columns shown: validated ones, and those the caller follows")
    rows: list[MatrixRowOut]


class AnswerChangeOut(Schema):
    question_id: int
    country: str
    kind: str = Field(..., description="changed, new (newly answered), removed (no longer answered) or basis")
    before: AnswerOut | None
    after: AnswerOut | None


class CarriedOut(Schema):
    country: str
    count: int = Field(..., description="Answers carried over from the previous round, not confirmed yet")


class ChangesOut(Schema):
    round: int
    previous_round: int | None
    added_questions: list[int]
    removed_questions: list[int]
    changes: list[AnswerChangeOut]
    carried_over: list[CarriedOut]


# ---- input -------------------------------------------------------------------------------


class ChoiceIn(InputSchema):
    key: str = Field("", max_length=40)
    es: str = Field("", max_length=200)
    en: str = Field("", max_length=200)


class AnalysisIn(InputSchema):
    title_es: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    introduction_es: str = Field("", max_length=20000)
    introduction_en: str = Field("", max_length=20000)
    lead_organization_id: int
    body: str | None = Field(None, max_length=60, description="The network's slug")
    countries: list[str] = Field(..., min_length=1, max_length=40, description="ISO 3166 alpha-2 codes")
    visibility: Visibility = Visibility.MEMBERS
    leads: list[int] = Field(default_factory=list, max_length=50, description="Accounts (user ids) that lead it")


class AnalysisPatch(PatchSchema):
    nullable = frozenset({"introduction_es", "introduction_en", "body", "leads"})
    title_es: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    introduction_es: str | None = Field(None, max_length=20000)
    introduction_en: str | None = Field(None, max_length=20000)
    lead_organization_id: int | None = None
    body: str | None = Field(None, max_length=60)
    countries: list[str] | None = Field(None, min_length=1, max_length=40)
    visibility: Visibility | None = None
    leads: list[int] | None = Field(None, max_length=50, description="Replace the people who lead it (TS only)")


class SectionIn(InputSchema):
    title_es: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    order: int | None = Field(None, ge=0, le=32767)


class SectionPatch(PatchSchema):
    title_es: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    order: int | None = Field(None, ge=0, le=32767)


class QuestionIn(InputSchema):
    section_id: int
    text_es: str = Field("", max_length=500)
    text_en: str = Field("", max_length=500)
    guidance_es: str = Field("", max_length=3000)
    guidance_en: str = Field("", max_length=3000)
    answer_type: AnswerType
    choices: list[ChoiceIn] = Field(default_factory=list, max_length=30)
    yes_means_gap: bool = False
    order: int | None = Field(None, ge=0, le=32767)


class QuestionPatch(PatchSchema):
    nullable = frozenset({"order"})
    section_id: int | None = None
    text_es: str | None = Field(None, max_length=500)
    text_en: str | None = Field(None, max_length=500)
    guidance_es: str | None = Field(None, max_length=3000)
    guidance_en: str | None = Field(None, max_length=3000)
    answer_type: AnswerType | None = None
    choices: list[ChoiceIn] | None = Field(None, max_length=30)
    yes_means_gap: bool | None = None
    order: int | None = Field(None, ge=0, le=32767)


class RoundIn(InputSchema):
    label_es: str = Field("", max_length=100)
    label_en: str = Field("", max_length=100)
    due_date: datetime.date | None = Field(None, json_schema_extra=on_or_after_today)


class AnswerIn(InputSchema):
    value: str | float | list[str] | None = Field(
        None,
        description=(
            "yes/partly/no; a choice key; a list of choice keys; a number; a date as YYYY-MM-DD; text. "
            "null or an empty string clears the answer."
        ),
    )
    basis_instrument: str | None = Field(None, max_length=300)
    basis_article: str | None = Field(None, max_length=100)
    basis_url: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=5000)
    confirm: bool = Field(False, description="Confirm an answer carried over from the previous round as still true")
    revision: int = Field(
        ..., ge=0, le=2**31 - 1, description="The answer's revision you read (0: there was none); 409 if it changed"
    )

    @field_validator("value", mode="wrap")
    @classmethod
    def one_kind_of_value(cls, value, handler):
        # One message for the field, not one per member of the union.
        try:
            return handler(value)
        except PydanticValidationError:
            raise ValueError(
                _("Give yes, partly or no; a choice key or a list of keys; a number; a date (YYYY-MM-DD); or text.")
            ) from None


class ReturnIn(InputSchema):
    comment: str = filled_text(5000)


class ValidateIn(InputSchema):
    comment: str = Field("", max_length=5000)


class RemovedOut(Schema):
    outcome: str = Field(..., description="deleted, retired (from the open round) or retired_next (from the next)")
    detail: str
