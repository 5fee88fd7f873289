"""The comparisons' part of 'My work': columns to answer (officers) and columns to validate (lead, TS)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.mywork import WorkItem, register

from .models import ColumnStatus
from .queries import columns_to_answer, columns_to_review


@register
def comparison_columns(user):
    if not access.principal_for(user).is_authenticated:
        return []
    today = timezone.localdate()
    items = []
    for column in columns_to_answer(user):
        due = column.round.due_date
        returned = column.status == ColumnStatus.RETURNED
        items.append(
            WorkItem(
                kind=_("Comparison to revise") if returned else _("Comparison to answer"),
                title=str(column.round.analysis),
                url=column.get_absolute_url() + "answer/",
                due=due,
                detail=_("%(country)s, %(round)s") % {"country": column.country.name, "round": column.round},
                overdue=bool(due and due < today),
            )
        )
    for column in columns_to_review(user):
        items.append(
            WorkItem(
                kind=_("Comparison to validate"),
                title=str(column.round.analysis),
                url=column.get_absolute_url(),
                detail=_("%(country)s, %(round)s") % {"country": column.country.name, "round": column.round},
            )
        )
    return items
