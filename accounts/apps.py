from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class AccountsConfig(EnlaceAppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Accounts")
    url_prefix = "account/"

    def ready(self):
        from core.audit import track

        from . import access, security, signals  # noqa: F401  (access policies, audit and lockout receivers)
        from .models import EmailChange, User

        # Role-bearing account changes (active, superuser, staff) are audited; secrets are not.
        track(User, exclude=("password", "last_login", "date_joined"))
        track(EmailChange, exclude=("token_hash",))
