"""Reads that the pages, the exports and the API share, each with a fixed number of queries.

The matrix is read in five queries whatever its size: the round, the columns the reader may
see, the round's questions with their sections, and the answers of those columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from core import access

from .access import ANSWER, REVIEW
from .models import Analysis, Answer, Column, ColumnEvent, ColumnStatus, Question, Round, Section
from .services import numbers_of

VIEWS = ("all", "differences", "gaps")


def visible_analyses(user: Any) -> QuerySet[Analysis]:
    return access.restrict(Analysis.objects.select_related("lead_organization"), user)


def analysis_list(user: Any) -> QuerySet[Analysis]:
    """Analyses the user may see, with their latest round and how many countries they cover."""
    latest = Round.objects.order_by("-number")
    return (
        visible_analyses(user)
        .annotate(country_count=Count("countries", distinct=True))
        .prefetch_related(Prefetch("rounds", queryset=latest, to_attr="rounds_newest_first"))
        .order_by("-created_at", "-pk")
    )


def get_round(analysis: Analysis, number: int) -> Round | None:
    return analysis.rounds.filter(number=number).first()


def latest_round(analysis: Analysis) -> Round | None:
    return analysis.rounds.order_by("-number").first()


def visible_columns(user: Any, round_: Round, *, only_validated: bool = False) -> list[Column]:
    """The round's columns the user may see (`only_validated`: those validated), by their countries' names."""
    rows = access.restrict(Column.objects.filter(round=round_).select_related("country"), user)
    if only_validated:
        rows = rows.filter(status=ColumnStatus.VALIDATED)
    columns = list(rows)
    for column in columns:
        column.round = round_
    return sorted(columns, key=lambda c: str(c.country.name))


def round_questions(round_: Round, section: Section | None = None) -> list[Any]:
    """The round's questions, in framework order, each with its section and number ("2.3")."""
    questions: list[Any] = list(
        Question.objects.filter(analysis_id=round_.analysis_id).in_round(round_.number).select_related("section")
    )
    numbers = numbers_of(questions)
    for question in questions:
        question.number = numbers[question.pk]
    questions.sort(key=lambda q: (q.section.order, q.section_id, q.order, q.pk))
    if section is not None:
        questions = [q for q in questions if q.section_id == section.pk]
    return questions


def answers_of(columns: list[Column], questions: list[Question]) -> dict[tuple[int, int], Answer]:
    """Return {(column id, question id): Answer} with each answer's question set (no query per answer)."""
    by_pk = {q.pk: q for q in questions}
    columns_by_pk = {c.pk: c for c in columns}
    if not columns or not questions:
        return {}
    rows = Answer.objects.filter(column_id__in=list(columns_by_pk), question_id__in=list(by_pk))
    found = {}
    for answer in rows:
        answer.question = by_pk[answer.question_id]
        answer.column = columns_by_pk[answer.column_id]
        found[(answer.column_id, answer.question_id)] = answer
    return found


@dataclass
class Row:
    question: Question
    cells: list  # one per column: (column, Answer or None)
    differs: bool = False
    gaps: list = field(default_factory=list)  # cells whose answer is a gap
    agreement: str = ""  # the shared answer when every answering country agrees

    @property
    def answered(self) -> list[Answer]:
        return [answer for _column, answer in self.cells if answer is not None]


@dataclass
class SectionBlock:
    section: Section
    rows: list


@dataclass
class Matrix:
    round: Round
    columns: list
    blocks: list
    sections: list  # every section of the round, for the filter
    view: str
    section: Section | None
    total_columns: int
    total_questions: int

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.blocks for row in block.rows]


def _row(question: Question, columns: list[Column], answers: dict[tuple[int, int], Answer]) -> Row:
    cells = [(column, answers.get((column.pk, question.pk))) for column in columns]
    row = Row(question=question, cells=cells)
    given = row.answered
    if question.is_comparable and given:
        keys = {answer.value_key() for answer in given}
        row.differs = len(keys) > 1
        if not row.differs and len(given) > 1:
            row.agreement = given[0].display()
    row.gaps = [(column, answer) for column, answer in cells if answer is not None and answer.is_gap]
    return row


def matrix(
    user: Any, round_: Round, *, section: Section | None = None, view: str = "all", only_validated: bool = False
) -> Matrix:
    """Questions × countries for `round_`, as `user` may see it; `view` keeps all rows, differences or gaps.

    `only_validated` keeps the validated columns only (what documents show by default).
    """
    view = view if view in VIEWS else "all"
    columns = visible_columns(user, round_, only_validated=only_validated)
    all_questions = round_questions(round_)
    questions = [q for q in all_questions if section is None or q.section_id == section.pk]
    answers = answers_of(columns, questions)
    blocks: list[SectionBlock] = []
    sections: list[Section] = []
    for question in all_questions:
        if not sections or sections[-1].pk != question.section_id:
            sections.append(question.section)
    for question in questions:
        row = _row(question, columns, answers)
        if view == "differences" and not row.differs:
            continue
        if view == "gaps" and not row.gaps:
            continue
        if not blocks or blocks[-1].section.pk != question.section_id:
            blocks.append(SectionBlock(section=question.section, rows=[]))
        blocks[-1].rows.append(row)
    return Matrix(
        round=round_,
        columns=columns,
        blocks=blocks,
        sections=sections,
        view=view,
        section=section,
        total_columns=Column.objects.filter(round=round_).count(),
        total_questions=len(all_questions),
    )


def narrative(user: Any, round_: Round, *, only_validated: bool = False) -> tuple[Matrix, list[Any]]:
    """Per section: the questions every answering country agrees on, and the countries with gaps."""
    full = matrix(user, round_, only_validated=only_validated)
    sections = []
    for block in full.blocks:
        agreements = [row for row in block.rows if row.agreement]
        gaps = [row for row in block.rows if row.gaps]
        differences = [row for row in block.rows if row.differs]
        sections.append({"section": block.section, "agreements": agreements, "gaps": gaps, "differences": differences})
    return full, sections


# ---- a country's column ------------------------------------------------------------------


def column_for(round_: Round, code: str) -> Column | None:
    return (
        Column.objects.filter(round=round_, country__code=code.upper()[:2])
        .select_related("country", "round__analysis", "submitted_by", "reviewed_by")
        .first()
    )


def country_profile(user: Any, column: Column) -> dict[str, Any]:
    """A country's answers in a round, by section, with its review steps (for those who may see them)."""
    questions = round_questions(column.round)
    answers = answers_of([column], questions)
    blocks: list[SectionBlock] = []
    for question in questions:
        if not blocks or blocks[-1].section.pk != question.section_id:
            blocks.append(SectionBlock(section=question.section, rows=[]))
        blocks[-1].rows.append((question, answers.get((column.pk, question.pk))))
    events = list(
        access.restrict(ColumnEvent.objects.filter(column=column).select_related("actor__person"), user).order_by(
            "at", "pk"
        )
    )
    given = list(answers.values())
    return {
        "blocks": blocks,
        "events": events,
        "answered": len(given),
        "total": len(questions),
        "carried": sum(1 for a in given if a.carried_over),
        "tones": {tone: sum(1 for a in given if a.tone == tone) for tone in ("yes", "partly", "no")},
        "can_answer": access.can(user, ANSWER, column),
        "can_review": access.can(user, REVIEW, column),
    }


# ---- one question across countries and rounds ------------------------------------------------


def question_page(user: Any, round_: Round, question: Any) -> dict[str, Any]:
    """Every visible country's answer and basis to `question` in `round_`, and its answers in other rounds."""
    columns = visible_columns(user, round_)
    questions = round_questions(round_)
    numbers = {q.pk: q.number for q in questions}
    question.number = numbers.get(question.pk, "")
    answers = answers_of(columns, [question])
    row = _row(question, columns, answers)
    visible_rounds = Column.objects.filter(
        pk__in=access.restrict(Column.objects.filter(round__analysis_id=round_.analysis_id), user).values("pk")
    )
    history = (
        Answer.objects.filter(question=question, column__in=visible_rounds)
        .exclude(column__round=round_)
        .select_related("column__country", "column__round")
        .order_by("-column__round__number", "column__country__code")
    )
    past: dict[Any, list[Answer]] = {}
    for answer in history:
        answer.question = question
        past.setdefault(answer.column.round, []).append(answer)
    for answers_in_round in past.values():
        answers_in_round.sort(key=lambda a: str(a.column.country.name))
    return {"row": row, "history": list(past.items())}


# ---- changes between rounds ------------------------------------------------------------------


@dataclass
class Change:
    question: Question
    column: Column
    before: Answer | None
    after: Answer | None
    kind: str  # "changed", "new", "removed", "basis"


@dataclass
class RoundChanges:
    previous: Round | None
    added: list = field(default_factory=list)  # questions new in this round
    removed: list = field(default_factory=list)  # questions of the previous round no longer asked
    by_question: list = field(default_factory=list)  # [(question, [Change, …])]
    carried: list = field(default_factory=list)  # [(column, answers still carried over, unconfirmed)]


def changes(user: Any, round_: Round) -> RoundChanges:
    """What changed from the previous round to `round_`, for the countries the user may see in both.

    Answers carried over and not confirmed yet are counted per country, not listed.
    """
    previous = round_.analysis.rounds.filter(number=round_.number - 1).first()
    if previous is None:
        return RoundChanges(previous=None)
    previous.analysis = round_.analysis
    now_columns = visible_columns(user, round_)
    before_columns = {c.country_id: c for c in visible_columns(user, previous)}
    now_questions = round_questions(round_)
    before_questions = round_questions(previous)
    now_ids = {q.pk for q in now_questions}
    before_ids = {q.pk for q in before_questions}
    result = RoundChanges(
        previous=previous,
        added=[q for q in now_questions if q.pk not in before_ids],
        removed=[q for q in before_questions if q.pk not in now_ids],
    )
    shared = [q for q in now_questions if q.pk in before_ids]
    pairs = [(c, before_columns[c.country_id]) for c in now_columns if c.country_id in before_columns]
    answers_now = answers_of([now for now, _before in pairs], shared)
    answers_before = answers_of([before for _now, before in pairs], shared)
    carried: dict[Column, int] = {}
    for question in shared:
        items = []
        for now, before in pairs:
            a_now = answers_now.get((now.pk, question.pk))
            a_before = answers_before.get((before.pk, question.pk))
            kind = _change_kind(a_before, a_now)
            if kind == "carried":
                carried[now] = carried.get(now, 0) + 1
            elif kind:
                items.append(Change(question=question, column=now, before=a_before, after=a_now, kind=kind))
        if items:
            result.by_question.append((question, items))
    result.carried = [(column, carried[column]) for column in now_columns if column in carried]
    return result


def _change_kind(before: Any, after: Any) -> str:
    if before is None and after is None:
        return ""
    if before is None:
        return "new"
    if after is None:
        return "removed"
    if before.value_key() != after.value_key():
        return "changed"
    if (before.basis_instrument, before.basis_article, before.basis_url, before.note) != (
        after.basis_instrument,
        after.basis_article,
        after.basis_url,
        after.note,
    ):
        return "basis"
    if after.carried_over:
        return "carried"
    return ""


# ---- the framework and the rounds -----------------------------------------------------------


def framework(analysis: Analysis) -> list[Any]:
    """Sections with their current questions (and a section's removed questions), for the framework page."""
    sections: list[Any] = list(  # each given .all_questions
        analysis.sections.prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order", "pk"), to_attr="all_questions")
        )
    )
    current = [q for s in sections for q in s.all_questions if q.retired_from is None]
    numbers = numbers_of(list(current))
    blocks: list[dict[str, Any]] = []
    for section in sections:
        live = [q for q in section.all_questions if q.retired_from is None]
        removed = [q for q in section.all_questions if q.retired_from is not None]
        for question in live:
            question.number = numbers[question.pk]
        if live or not removed:
            blocks.append({"section": section, "questions": live, "removed": removed})
        else:
            blocks.append({"section": section, "questions": [], "removed": removed, "retired": True})
    return blocks


def round_overview(user: Any, analysis: Analysis) -> list[Any]:
    """Each round with its columns' states (the columns the user may see) and answer counts."""
    rounds: list[Any] = list(analysis.rounds.order_by("-number"))  # each given .visible_columns
    columns = (
        access.restrict(Column.objects.filter(round__analysis=analysis), user)
        .select_related("country")
        .annotate(answer_count=Count("answers"), carried_count=Count("answers", filter=Q(answers__carried_over=True)))
    )
    by_round: dict[int, list[Column]] = {}
    for column in columns:
        by_round.setdefault(column.round_id, []).append(column)
    for round_ in rounds:
        round_.visible_columns = sorted(by_round.get(round_.pk, []), key=lambda c: str(c.country.name))
        for column in round_.visible_columns:
            column.round = round_
    return rounds


def columns_to_answer(user: Any) -> QuerySet[Column]:
    """Open columns the user answers for (their countries'), to answer or returned."""
    rows = access.restrict(Column.objects.all(), user, ANSWER)
    principal = access.principal_for(user)
    if access.acts_for_whole_network(principal):  # in My work, the TS answers only for countries it keeps
        rows = rows.filter(country_id__in=list(principal.officer_countries))
    return rows.select_related("country", "round__analysis").order_by("round__due_date", "pk")


def columns_to_review(user: Any) -> QuerySet[Column]:
    """Submitted columns of open rounds that the user validates (as lead or TS)."""
    rows = access.restrict(Column.objects.filter(status=ColumnStatus.SUBMITTED), user, REVIEW)
    return rows.select_related("country", "round__analysis").order_by("submitted_at", "pk")
