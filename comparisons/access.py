"""Who may see, answer and review comparative analyses (registered with core.access).

- An analysis is seen as its `visibility` says (public, network members, TS only); its lead
  (a `Grant` with permission "lead" on the analysis) and the TS always see it.
- The framework (sections, questions) and the rounds are kept by the lead and the TS; the TS
  creates analyses and names their leads.
- A country's column is answered and submitted by that country's current liaison officers
  (and by the TS on its behalf, e.g. from a document it received), while the round is open and
  the column is to answer or returned. The lead or the TS validates it or returns it.
- A column's answers are seen by its country's officers, the lead and the TS at every step;
  everyone else who may see the analysis sees them once validated.
"""

from django.db.models import Q

from core.access import CHANGE, DELETE, VIEW, Policy, VisibilityPolicy, register
from core.models import GrantPermission

from .models import EDITABLE_STATUSES, Analysis, Answer, Column, ColumnEvent, ColumnStatus, Question, Round, Section

ANSWER = "answer"  # fill and submit a column
REVIEW = "review"  # validate or return a column
LEAD = "lead"  # keep the framework and the rounds of an analysis
MANAGE_LEADS = "manage_leads"  # name the people who lead an analysis


def lead_ids(p):
    """The ids of the analyses `p` leads (as integers, like Analysis keys)."""
    return {int(pk) for pk in p.granted_ids(Analysis, GrantPermission.LEAD)}


def leads(p, analysis_id):
    return p.is_ts or analysis_id in lead_ids(p)


@register(Analysis)
class AnalysisPolicy(VisibilityPolicy):
    def can(self, p, action, obj):
        if action == VIEW:
            return self.visible(p, obj) or leads(p, obj.pk) or self.answers_it(p, obj)
        if action in (CHANGE, LEAD):
            return leads(p, obj.pk)
        if action in (DELETE, MANAGE_LEADS):
            return p.is_ts
        return False

    def answers_it(self, p, obj):
        """Officers of a covered country see an analysis they must answer, whatever its visibility."""
        if not p.officer_countries:
            return False
        cache = getattr(obj, "_prefetched_objects_cache", {})
        if "countries" in cache:
            return any(c.pk in p.officer_countries for c in cache["countries"])
        return obj.countries.filter(pk__in=p.officer_countries).exists()

    def can_create(self, p, **context):
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW:
            answered = Q(countries__in=list(p.officer_countries)) if p.officer_countries else Q(pk__in=[])
            allowed = queryset.filter(self.visibility_q(p) | Q(pk__in=lead_ids(p)) | answered).values("pk")
            return queryset.filter(pk__in=allowed)
        if action in (CHANGE, LEAD):
            return queryset.filter(pk__in=lead_ids(p))
        return queryset.none()


class _FrameworkPolicy(Policy):
    """Sections, questions and rounds: seen with their analysis, kept by its lead and the TS."""

    def can(self, p, action, obj):
        analysis = obj.analysis
        if action == VIEW:
            return AnalysisPolicy().can(p, VIEW, analysis)
        if action in (CHANGE, DELETE):
            return leads(p, analysis.pk)
        return False

    def can_create(self, p, analysis=None, **context):
        return analysis is not None and leads(p, analysis.pk)

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW:
            visible = AnalysisPolicy().restrict(Analysis.objects.all(), p, VIEW)
            return queryset.filter(analysis__in=visible)
        if action in (CHANGE, DELETE):
            return queryset.filter(analysis_id__in=lead_ids(p))
        return queryset.none()


register(Section)(_FrameworkPolicy)
register(Question)(_FrameworkPolicy)
register(Round)(_FrameworkPolicy)


def answers_for(p, column):
    """Does the user answer for the column's country (its officers, or the TS on its behalf)?"""
    return p.is_ts or column.country_id in p.officer_countries


def sees_all_steps(p, column):
    """The column's own officers, the analysis's lead and the TS see the column at every step."""
    return column.country_id in p.officer_countries or leads(p, column.round.analysis_id)


@register(Column)
class ColumnPolicy(Policy):
    def can(self, p, action, obj):
        analysis = obj.round.analysis
        if action == VIEW:
            if not AnalysisPolicy().can(p, VIEW, analysis):
                return False
            return obj.status == ColumnStatus.VALIDATED or sees_all_steps(p, obj)
        if action in (ANSWER, CHANGE):
            return answers_for(p, obj) and obj.round.is_open and obj.status in EDITABLE_STATUSES
        if action == REVIEW:
            return leads(p, analysis.pk) and obj.round.is_open and obj.status != ColumnStatus.DRAFT
        return False

    def can_create(self, p, analysis=None, **context):
        return analysis is not None and leads(p, analysis.pk)

    def restrict(self, queryset, p, action):
        if action == VIEW:
            if p.is_ts:
                return queryset
            visible = AnalysisPolicy().restrict(Analysis.objects.all(), p, VIEW)
            steps = Q(status=ColumnStatus.VALIDATED) | Q(country_id__in=list(p.officer_countries))
            steps |= Q(round__analysis_id__in=lead_ids(p))
            return queryset.filter(steps, round__analysis__in=visible)
        if action in (ANSWER, CHANGE):
            editable = queryset.filter(round__status="open", status__in=EDITABLE_STATUSES)
            return editable if p.is_ts else editable.filter(country_id__in=list(p.officer_countries))
        if action == REVIEW:
            open_columns = queryset.filter(round__status="open").exclude(status=ColumnStatus.DRAFT)
            return open_columns if p.is_ts else open_columns.filter(round__analysis_id__in=lead_ids(p))
        return queryset.none()


@register(Answer)
class AnswerPolicy(Policy):
    """An answer is seen and changed with its column."""

    def can(self, p, action, obj):
        return ColumnPolicy().can(p, VIEW if action == VIEW else ANSWER, obj.column)

    def can_create(self, p, column=None, **context):
        return column is not None and ColumnPolicy().can(p, ANSWER, column)

    def restrict(self, queryset, p, action):
        columns = ColumnPolicy().restrict(Column.objects.all(), p, VIEW if action == VIEW else ANSWER)
        return queryset.filter(column__in=columns)


@register(ColumnEvent)
class ColumnEventPolicy(Policy):
    """The review steps and their comments: for the column's officers, the lead and the TS."""

    def can(self, p, action, obj):
        return action == VIEW and (p.is_ts or sees_all_steps(p, obj.column))

    def can_create(self, p, **context):
        return False

    def restrict(self, queryset, p, action):
        if action != VIEW:
            return queryset.none()
        if p.is_ts:
            return queryset
        return queryset.filter(
            Q(column__country_id__in=list(p.officer_countries)) | Q(column__round__analysis_id__in=lead_ids(p))
        )
