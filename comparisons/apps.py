from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class ComparisonsConfig(EnlaceAppConfig):
    default = True
    name = "comparisons"
    verbose_name = _("Comparative analyses")
    url_prefix = "comparisons/"
    nav = (NavItem(_("Comparisons"), "comparisons:list", "public", order=60),)

    def main_pages(self):
        from .models import Analysis

        pages = [{"name": "analyses", "path": "/comparisons/", "audience": "public"}]
        analysis = Analysis.objects.filter(is_demo=True).order_by("pk").first() or Analysis.objects.first()
        if analysis is None:
            return pages
        base = f"/comparisons/{analysis.pk}"
        latest = analysis.rounds.order_by("-number").first()
        pages.append({"name": "analysis", "path": f"{base}/", "audience": "member"})
        pages.append({"name": "framework", "path": f"{base}/framework/", "audience": "member"})
        if latest is not None:
            round_path = f"{base}/rounds/{latest.number}"
            question = analysis.questions.filter(retired_from__isnull=True).order_by("section__order", "order").first()
            pages += [
                {"name": "matrix", "path": f"{round_path}/", "audience": "member"},
                {"name": "matrix-public", "path": f"{round_path}/", "audience": "public"},
                {"name": "differences", "path": f"{round_path}/?view=differences", "audience": "member"},
                {"name": "gaps", "path": f"{round_path}/?view=gaps", "audience": "member"},
                {"name": "changes", "path": f"{round_path}/changes/", "audience": "member"},
                {"name": "country-profile", "path": f"{round_path}/countries/hn/", "audience": "member"},
                {"name": "answer-column", "path": f"{round_path}/countries/gt/answer/", "audience": "member"},
            ]
            if question is not None:
                pages.append(
                    {"name": "question", "path": f"{round_path}/questions/{question.pk}/", "audience": "member"}
                )
        return pages

    def ready(self):
        from core.audit import track

        from . import access, models, mywork, search  # noqa: F401  (register policies, My work, search)

        track(models.Analysis, exclude=("created_at", "updated_at"))
        track(models.Section)
        track(models.Question)
        track(models.Round, exclude=("opened_at",))
        track(models.Column)
        track(models.ColumnEvent, exclude=("at",))
        track(models.Answer, exclude=("updated_at",))
