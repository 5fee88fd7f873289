from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class ComparisonsConfig(EnlaceAppConfig):
    default = True
    name = "comparisons"
    verbose_name = _("Comparative analyses")
    url_prefix = "comparisons/"
    nav = ()
