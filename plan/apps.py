from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class PlanConfig(EnlaceAppConfig):
    default = True
    name = "plan"
    verbose_name = _("Strategic plan")
    url_prefix = "plan/"
    nav = ()
