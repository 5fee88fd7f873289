from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class PracticesConfig(EnlaceAppConfig):
    default = True
    name = "practices"
    verbose_name = _("Practices and resources")
    url_prefix = "practices/"
    nav = (NavItem(_("Practices"), "practices:search", "public", order=40),)

    def ready(self):
        from core.audit import track

        from . import access, hooks, models  # noqa: F401  (register access policies, search and my-work providers)

        for model in (models.Theme, models.Axis, models.Call, models.Compilation):
            track(model, exclude=("created_at",))
        track(models.Practice, exclude=("created_at", "updated_at"))
        track(models.Resource, exclude=("created_at", "updated_at", "file_text"))
        track(models.PracticeFile, exclude=("uploaded_at", "text"))
        track(models.Version, exclude=("data",))
