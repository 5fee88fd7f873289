from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class NetworkConfig(EnlaceAppConfig):
    default = True
    name = "network"
    verbose_name = _("Network")
    url_prefix = ""  # the network's pages are the site's root
    nav = (
        NavItem(_("Network"), "network:home", "public", order=10),
        NavItem(_("Contacts"), "network:contacts", "member", order=20),
        NavItem(_("Organizations"), "network:organizations", "public", order=90),
    )

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
