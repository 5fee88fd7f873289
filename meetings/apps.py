from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class MeetingsConfig(EnlaceAppConfig):
    default = True
    name = "meetings"
    verbose_name = _("Meetings")
    url_prefix = "meetings/"
    nav = ()
