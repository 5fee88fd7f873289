from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class PracticesConfig(EnlaceAppConfig):
    default = True
    name = "practices"
    verbose_name = _("Practices and resources")
    url_prefix = "practices/"
    nav = ()
