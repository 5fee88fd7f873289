"""The comparisons API's endpoints (router mounted at /api/v1/ by config/api.py)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.api import unknown
from network.models import Body, Country, Organization

from .. import queries, services
from ..models import Analysis, Column, Question, Round, Section
from ..services import numbers_of
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AnalysisIn,
    AnalysisOut,
    AnalysisPatch,
    AnswerIn,
    ChangesOut,
    ColumnDetailOut,
    ColumnOut,
    FrameworkOut,
    MatrixOut,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    RemovedOut,
    ReturnIn,
    RoundIn,
    RoundOut,
    SectionIn,
    SectionOut,
    SectionPatch,
    ValidateIn,
    answer_out,
    column_out,
)

router = Router(tags=["comparisons"])


# ---- helpers -------------------------------------------------------------------------------


def _country(code, field="countries"):
    country = Country.objects.filter(code=str(code).upper()[:2]).first()
    if country is None:
        raise unknown(field, _("Unknown country code: %(code)s.") % {"code": code})
    return country


def _analysis_fields(data):
    fields = {}
    for key, value in data.items():
        if key == "lead_organization_id":
            if value is None:
                raise ValidationError({key: _("This field cannot be null.")})
            fields["lead_organization"] = Organization.objects.filter(pk=value).first()
            if fields["lead_organization"] is None:
                raise unknown(key, _("Unknown organization: %(id)s.") % {"id": value})
        elif key == "body":
            fields["body"] = Body.objects.filter(slug=value).first() if value else None
            if value and fields["body"] is None:
                raise unknown("body", _("Unknown body: %(slug)s.") % {"slug": value})
        elif key == "visibility" and value is None:
            raise ValidationError({key: _("This field cannot be null.")})
        elif key in ("countries", "leads"):
            continue
        else:
            fields[key] = value
    return fields


def _lead_users(ids):
    from accounts.models import User

    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise unknown("leads", _("Unknown account among the leads."))
    return users


def _analyses(request):
    return queries.visible_analyses(request.user).select_related("body").prefetch_related("countries")


def _get_analysis(request, analysis_id):
    return get_object_or_404(_analyses(request), pk=analysis_id)


def _get_round(request, analysis_id, number):
    analysis = _get_analysis(request, analysis_id)
    round_ = get_object_or_404(Round, analysis=analysis, number=number)
    round_.analysis = analysis
    return round_


def _get_column(request, analysis_id, number, code):
    round_ = _get_round(request, analysis_id, number)
    column = get_object_or_404(
        Column.objects.filter(round=round_).select_related("country"), country__code=code.upper()[:2]
    )
    column.round = round_
    access.require(request.user, access.VIEW, column)
    return column


def _column_detail(request, column):
    questions = queries.round_questions(column.round)
    answers = queries.answers_of([column], questions)
    ordered = [answers[(column.pk, q.pk)] for q in questions if (column.pk, q.pk) in answers]
    return column_out(column, request.user, ordered)


def _framework(analysis):
    """Attach the framework (sections, numbered questions, rounds) for FrameworkOut."""
    questions = list(analysis.questions.select_related("section").order_by("section__order", "order", "pk"))
    numbers = numbers_of([q for q in questions if q.retired_from is None])
    for question in questions:
        question.number = numbers.get(question.pk, "")
    analysis.framework_questions = questions
    analysis.framework_sections = list(analysis.sections.all())
    analysis.framework_rounds = list(analysis.rounds.order_by("number"))
    return analysis


# ---- analyses and their frameworks ---------------------------------------------------------


@router.get("/comparisons/analyses", response={200: list[AnalysisOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_analyses(request):
    """Comparative analyses the caller may see."""
    return _analyses(request).order_by("-created_at", "-pk")


@router.get(
    "/comparisons/analyses/{analysis_id}",
    response={200: FrameworkOut, **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def get_analysis(request, analysis_id: int):
    """An analysis with its framework (sections, questions, removed ones too) and its rounds."""
    return _framework(_get_analysis(request, analysis_id))


@router.post("/comparisons/analyses", response={201: FrameworkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_analysis(request, payload: AnalysisIn):
    """Create an analysis (TS only)."""
    data = payload.dict()
    countries = [_country(code) for code in data["countries"]]
    analysis = services.create_analysis(
        acting_user=request.user, countries=countries, leads=_lead_users(data["leads"]), **_analysis_fields(data)
    )
    return Status(201, _framework(Analysis.objects.get(pk=analysis.pk)))


@router.patch("/comparisons/analyses/{analysis_id}", response={200: FrameworkOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_analysis(request, analysis_id: int, payload: AnalysisPatch):
    """Change an analysis (lead or TS)."""
    analysis = _get_analysis(request, analysis_id)
    access.require(request.user, access.CHANGE, analysis)  # an empty change too: who may not change it is told so
    data = payload.dict(exclude_unset=True)
    countries = None
    if "countries" in data:
        if not data["countries"]:
            raise ValidationError({"countries": _("Choose the countries the analysis covers.")})
        countries = [_country(code) for code in data["countries"]]
    fields = _analysis_fields(data)
    if fields or countries is not None:
        services.update_analysis(analysis, acting_user=request.user, countries=countries, **fields)
    if data.get("leads") is not None:
        services.set_leads(analysis, _lead_users(data["leads"]), acting_user=request.user)
    return _framework(Analysis.objects.get(pk=analysis.pk))


@router.post(
    "/comparisons/analyses/{analysis_id}/sections", response={201: SectionOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def add_section(request, analysis_id: int, payload: SectionIn):
    """Add a section to the framework (lead or TS)."""
    data = {k: v for k, v in payload.dict().items() if not (k == "order" and v is None)}
    return Status(201, services.add_section(_get_analysis(request, analysis_id), acting_user=request.user, **data))


def _get_section(request, section_id):
    visible = access.restrict(Section.objects.all(), request.user)
    return get_object_or_404(visible, pk=section_id)


@router.patch("/comparisons/sections/{section_id}", response={200: SectionOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_section(request, section_id: int, payload: SectionPatch):
    data = payload.dict(exclude_unset=True)
    for key in ("title_es", "title_en", "order"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be null.")})
    return services.update_section(_get_section(request, section_id), acting_user=request.user, **data)


@router.delete("/comparisons/sections/{section_id}", response={200: RemovedOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def remove_section(request, section_id: int):
    """Remove a section; its answered questions are retired, not deleted."""
    outcome = services.remove_section(_get_section(request, section_id), acting_user=request.user)
    detail = _("Section removed.") if outcome == "deleted" else _("Its answered questions stay in the earlier rounds.")
    return {"outcome": outcome, "detail": detail}


def _question_fields(request, data):
    fields = {}
    for key, value in data.items():
        if key == "section_id":
            if value is None:
                raise ValidationError({key: _("This field cannot be null.")})
            fields["section"] = access.restrict(Section.objects.all(), request.user).filter(pk=value).first()
            if fields["section"] is None:
                raise unknown("section_id", _("Unknown section: %(id)s.") % {"id": value})
        elif key == "choices":
            if value is None:
                raise ValidationError({key: _("This field cannot be null.")})
            fields["choices"] = [dict(choice) for choice in value]
        elif key == "order" and value is None:
            continue
        elif value is None:
            raise ValidationError({key: _("This field cannot be null.")})
        else:
            fields[key] = value
    return fields


@router.post(
    "/comparisons/analyses/{analysis_id}/questions", response={201: QuestionOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def add_question(request, analysis_id: int, payload: QuestionIn):
    """Add a question (lead or TS); it joins the open round, or the next one."""
    analysis = _get_analysis(request, analysis_id)
    question = services.add_question(analysis, acting_user=request.user, **_question_fields(request, payload.dict()))
    return Status(201, question)


def _get_question(request, question_id):
    return get_object_or_404(access.restrict(Question.objects.all(), request.user), pk=question_id)


@router.patch("/comparisons/questions/{question_id}", response={200: QuestionOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_question(request, question_id: int, payload: QuestionPatch):
    """Change a question; its answer type and the choices countries chose cannot change once answered."""
    question = _get_question(request, question_id)
    fields = _question_fields(request, payload.dict(exclude_unset=True))
    return services.update_question(question, acting_user=request.user, **fields)


@router.delete("/comparisons/questions/{question_id}", response={200: RemovedOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def remove_question(request, question_id: int):
    """Take a question out of the framework; its answers stay in the rounds where it was asked."""
    from ..views import REMOVED_MESSAGES

    outcome = services.remove_question(_get_question(request, question_id), acting_user=request.user)
    return {"outcome": outcome, "detail": str(REMOVED_MESSAGES[outcome])}


# ---- rounds --------------------------------------------------------------------------------


@router.get(
    "/comparisons/analyses/{analysis_id}/rounds",
    response={200: list[RoundOut], **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_rounds(request, analysis_id: int):
    return list(_get_analysis(request, analysis_id).rounds.order_by("number"))


@router.post("/comparisons/analyses/{analysis_id}/rounds", response={201: RoundOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def start_round(request, analysis_id: int, payload: RoundIn):
    """Start the next round from the previous round's answers (lead or TS)."""
    analysis = _get_analysis(request, analysis_id)
    return Status(201, services.start_round(analysis, acting_user=request.user, **payload.dict()))


@router.post(
    "/comparisons/analyses/{analysis_id}/rounds/{number}/close",
    response={200: RoundOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def close_round(request, analysis_id: int, number: int):
    return services.close_round(_get_round(request, analysis_id, number), acting_user=request.user)


@router.get(
    "/comparisons/analyses/{analysis_id}/rounds/{number}/matrix",
    response={200: MatrixOut, **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def get_matrix(
    request,
    analysis_id: int,
    number: int,
    view: str = Query("all", pattern="^(all|differences|gaps)$"),
    section_id: int | None = None,
):
    """The matrix: every question of the round, every country's answer the caller may see."""
    round_ = _get_round(request, analysis_id, number)
    section = None
    if section_id is not None:
        section = Section.objects.filter(analysis=round_.analysis, pk=section_id).first()
        if section is None:
            raise unknown("section_id", _("Unknown section: %(id)s.") % {"id": section_id})
    data = queries.matrix(request.user, round_, section=section, view=view)
    return {
        "round": round_.number,
        "view": data.view,
        "countries": [column.country.code.code for column in data.columns],
        "rows": [
            {
                "question_id": row.question.pk,
                "number": row.question.number,
                "section_id": row.question.section_id,
                "text": str(row.question),
                "differs": row.differs,
                "gap_countries": [column.country.code.code for column, _answer in row.gaps],
                "cells": [
                    {"country": column.country.code.code, "answer": answer_out(answer) if answer else None}
                    for column, answer in row.cells
                ],
            }
            for row in data.rows
        ],
    }


@router.get(
    "/comparisons/analyses/{analysis_id}/rounds/{number}/changes",
    response={200: ChangesOut, **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def get_changes(request, analysis_id: int, number: int):
    """What changed since the previous round, for the countries the caller may see in both."""
    round_ = _get_round(request, analysis_id, number)
    found = queries.changes(request.user, round_)
    return {
        "round": round_.number,
        "previous_round": found.previous.number if found.previous else None,
        "added_questions": [q.pk for q in found.added],
        "removed_questions": [q.pk for q in found.removed],
        "carried_over": [{"country": column.country.code.code, "count": count} for column, count in found.carried],
        "changes": [
            {
                "question_id": change.question.pk,
                "country": change.column.country.code.code,
                "kind": change.kind,
                "before": answer_out(change.before) if change.before else None,
                "after": answer_out(change.after) if change.after else None,
            }
            for _question, items in found.by_question
            for change in items
        ],
    }


# ---- columns and answers -------------------------------------------------------------------


@router.get(
    "/comparisons/analyses/{analysis_id}/rounds/{number}/columns",
    response={200: list[ColumnOut], **READ_ERRORS},
    openapi_extra=READ_SECURITY,
)
def list_columns(request, analysis_id: int, number: int):
    """The round's columns the caller may see, with their review status."""
    round_ = _get_round(request, analysis_id, number)
    return [column_out(column, request.user) for column in queries.visible_columns(request.user, round_)]


COLUMN_PATH = "/comparisons/analyses/{analysis_id}/rounds/{number}/columns/{code}"


@router.get(COLUMN_PATH, response={200: ColumnDetailOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_column(request, analysis_id: int, number: int, code: str):
    """One country's answers in a round, with their basis, notes and confirmation dates."""
    return _column_detail(request, _get_column(request, analysis_id, number, code))


@router.put(COLUMN_PATH + "/answers/{question_id}", response={200: ColumnDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def put_answer(request, analysis_id: int, number: int, code: str, question_id: int, payload: AnswerIn):
    """Answer one question for your country (its officers; the TS on its behalf)."""
    column = _get_column(request, analysis_id, number, code)
    question = Question.objects.filter(pk=question_id, analysis_id=analysis_id).first()
    if question is None:
        raise ValidationError({"question": _("This question is not part of this round.")})
    entry = payload.dict(exclude_unset=True)
    services.save_answer(column, question, acting_user=request.user, **entry)
    return _column_detail(request, column)


@router.post(COLUMN_PATH + "/confirm", response={200: ColumnDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def confirm_answers(request, analysis_id: int, number: int, code: str):
    """Confirm every answer carried over from the previous round as still true."""
    column = _get_column(request, analysis_id, number, code)
    services.confirm_answers(column, acting_user=request.user)
    return _column_detail(request, column)


def _refreshed(request, column):
    fresh = Column.objects.select_related("country").get(pk=column.pk)
    fresh.round = column.round
    return _column_detail(request, fresh)


@router.post(COLUMN_PATH + "/submit", response={200: ColumnDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def submit_column(request, analysis_id: int, number: int, code: str):
    """Submit your country's column to the lead."""
    column = _get_column(request, analysis_id, number, code)
    services.submit_column(column, acting_user=request.user)
    return _refreshed(request, column)


@router.post(COLUMN_PATH + "/return", response={200: ColumnDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def return_column(request, analysis_id: int, number: int, code: str, payload: ReturnIn):
    """Return a submitted column to its country with comments (lead or TS)."""
    column = _get_column(request, analysis_id, number, code)
    services.return_column(column, acting_user=request.user, comment=payload.comment)
    return _refreshed(request, column)


@router.post(COLUMN_PATH + "/validate", response={200: ColumnDetailOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def validate_column(request, analysis_id: int, number: int, code: str, payload: ValidateIn):
    """Validate a submitted column (lead or TS): its answers are then shown to all who see the analysis."""
    column = _get_column(request, analysis_id, number, code)
    services.validate_column(column, acting_user=request.user, comment=payload.comment)
    return _refreshed(request, column)
