from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class DirectoryConfig(EnlaceAppConfig):
    default = True
    name = "directory"
    verbose_name = _("Actors and services")
    url_prefix = ""
    nav = ()
