from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class PracticesConfig(EnlaceAppConfig):
    default = True
    name = "practices"
    verbose_name = _("Practices and resources")
    url_prefix = "practices/"
    nav = (NavItem(_("Practices"), "practices:search", "public", order=40),)

    def main_pages(self):
        """The main pages for the quality gates (page weight, accessibility), on the demo data."""
        from .models import Call, Practice, Resource

        pages = [
            {"name": "practices", "path": "/practices/", "audience": "public"},
            {"name": "practices-search", "path": "/practices/?q=ninez+migrante+retorno", "audience": "public"},
            {"name": "calls", "path": "/practices/calls/", "audience": "public"},
            {"name": "my-submissions", "path": "/practices/mine/", "audience": "member"},
            {"name": "submit-practice", "path": "/practices/new/", "audience": "member"},
        ]
        practice = Practice.objects.filter(published_version__isnull=False).order_by("pk").first()
        if practice is not None:
            pages.append({"name": "practice", "path": practice.get_absolute_url(), "audience": "public"})
        resource = Resource.objects.filter(published_version__isnull=False).order_by("pk").first()
        if resource is not None:
            pages.append({"name": "resource", "path": resource.get_absolute_url(), "audience": "public"})
        call = Call.objects.order_by("pk").first()
        if call is not None:
            pages.append({"name": "call", "path": call.get_absolute_url(), "audience": "member"})
        return pages

    def ready(self):
        from core.audit import track, untracked

        from . import access, hooks, models  # noqa: F401  (register access policies, search and my-work providers)

        for model in (models.Theme, models.Axis, models.Call, models.Compilation):
            track(model, exclude=("created_at",))
        track(models.Practice, exclude=("created_at", "updated_at"))
        track(models.Resource, exclude=("created_at", "updated_at", "file_text"))
        track(models.PracticeFile, exclude=("uploaded_at", "text"))
        track(models.Version, exclude=("data",))
        # A review step or a comment is in the trail too: pages kept until a change show it at once.
        track(models.ReviewEvent, exclude=("at",))
        for model in (models.SearchEntry, models.SearchText, models.FacetBit):
            untracked(model, "the search index, rebuilt from the records it indexes")
