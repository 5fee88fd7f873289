from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class CirculationConfig(EnlaceAppConfig):
    default = True
    name = "circulation"
    verbose_name = _("Circulation")
    url_prefix = "circulars/"
    nav = ()
