from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class PlanConfig(EnlaceAppConfig):
    default = True
    name = "plan"
    verbose_name = _("Strategic plan")
    url_prefix = "plan/"
    nav = ()

    def main_pages(self):
        return []

    def ready(self):
        from core.audit import track

        from . import access, models  # noqa: F401  (register the access policies)

        track(models.Plan, exclude=("created_at",))
        track(models.Node)
        track(models.Indicator)
        track(models.IndicatorValue, exclude=("entered_at",))
        track(models.FollowUpReport, exclude=("updated_at", "created_at"))
        track(models.FollowUpLine, exclude=("updated_at",))
        track(models.Evidence, exclude=("added_at",))
        track(models.ReportEvent, exclude=("at",))
