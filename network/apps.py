from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self):
        from core.audit import track

        from . import access, models, search  # noqa: F401  (register access policies and search)

        for model in (
            models.Conference,
            models.Body,
            models.Country,
            models.PPTPeriod,
            models.Organization,
            models.Person,
            models.Appointment,
        ):
            track(model, exclude=("created_at", "updated_at"))
