from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class AccountsConfig(EnlaceAppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Accounts")
    url_prefix = "account/"

    def ready(self):
        from . import signals  # noqa: F401
