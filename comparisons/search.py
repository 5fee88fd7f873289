"""Site search over comparative analyses and their questions, filtered by core.access."""

from django.utils.translation import gettext as _

from core.search import SearchResult, matches, register

from .models import Question
from .queries import visible_analyses


@register
def search_analyses(user, words):
    visible = visible_analyses(user)
    analyses = visible
    for word in words:
        analyses = analyses.filter(matches(word, "title_es", "title_en", "introduction_es", "introduction_en"))
    results = [
        SearchResult(_("Comparative analysis"), str(a), a.get_absolute_url(), a.lead_organization.short_name)
        for a in analyses.order_by("-created_at")[:10]
    ]
    questions = Question.objects.current().filter(analysis__in=visible.values("pk")).select_related("analysis")
    for word in words:
        questions = questions.filter(matches(word, "text_es", "text_en"))
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
