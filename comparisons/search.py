"""Site search over comparative analyses and their questions, filtered by core.access."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.search import SearchResult, register

from .models import Question
from .queries import visible_analyses


@register
def search_analyses(user, words):
    visible = visible_analyses(user)
    analyses = visible
    for word in words:
        analyses = analyses.filter(
            Q(title_es__icontains=word)
            | Q(title_en__icontains=word)
            | Q(introduction_es__icontains=word)
            | Q(introduction_en__icontains=word)
        )
    results = [
        SearchResult(_("Comparative analysis"), str(a), a.get_absolute_url(), a.lead_organization.short_name)
        for a in analyses.order_by("-created_at")[:10]
    ]
    questions = Question.objects.current().filter(analysis__in=visible.values("pk")).select_related("analysis")
    for word in words:
        questions = questions.filter(Q(text_es__icontains=word) | Q(text_en__icontains=word))
    for question in questions.order_by("analysis_id", "pk")[:10]:
        results.append(
            SearchResult(
                _("Question of a comparative analysis"),
                str(question),
                question.analysis.get_absolute_url() + f"questions/{question.pk}/",
                str(question.analysis),
            )
        )
    return results
