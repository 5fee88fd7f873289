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
        from .models import ApiToken, Invitation

        # Creating and revoking a token or an invitation is in the trail; secrets and use are not.
        track(ApiToken, exclude=("key_hash", "last_used_at"))
        track(Invitation, exclude=("token_hash",))
