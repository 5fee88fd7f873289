"""Rounds: each opens a column per country and closes when the analysis is done."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.refusals import STATE, refusal

from ..models import (
    Analysis,
    Answer,
    Column,
    Question,
    Round,
    RoundStatus,
)
from .analyses import open_round
from .common import BASIS_FIELDS, VALUE_FIELDS, _text

# ---- rounds ----------------------------------------------------------------------------------


@transaction.atomic
def start_round(
    analysis: Analysis,
    *,
    acting_user: Any,
    label_es: str = "",
    label_en: str = "",
    due_date: datetime.date | None = None,
    is_demo: bool = False,
) -> Round:
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
def close_round(round_: Round, *, acting_user: Any) -> Round:
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
