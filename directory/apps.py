from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class DirectoryConfig(EnlaceAppConfig):
    default = True
    name = "directory"
    verbose_name = _("Actors and services")
    url_prefix = ""
    nav = (NavItem(_("Map of services"), "directory:map", "public", order=40),)

    def ready(self):
        from core.audit import track

        from . import access, search  # noqa: F401 - registers policies and search providers
        from .models import Location, Provider, Service, ServiceAtLocation, ServiceEdit

        for model in (Provider, Service, Location, ServiceAtLocation, ServiceEdit):
            track(model)
