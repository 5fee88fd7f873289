"""Second-factor codes under the same lockout as passwords, and in the audit trail.

allauth.mfa's own limit on codes shares the `login_failed` rate limit, which Enlace hands to
django-axes for passwords (`ACCOUNT_RATE_LIMITS`), so codes had no limit. These forms
(`MFA_FORMS`) count every wrong code — TOTP or recovery code — in django-axes under a key of
their own for the account, from the client's address (`AXES_LOCKOUT_PARAMETERS`), so the same
`AXES_FAILURE_LIMIT`, `AXES_COOLOFF_TIME` and `AXES_RESET_ON_SUCCESS` apply. While locked, every
code is refused, the right one too, and AxesMiddleware shows the lockout page
(`accounts.security.lockout_response`). Each wrong or refused code is one audit entry; the
lockout itself is written once, by `accounts.security.on_locked_out`.
"""

from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.audit import record
from core.models import AuditAction

# Marks django-axes credentials that are a second-factor code, and holds the account's id.
SECOND_FACTOR = "second_factor"

WRONG_CODE_NOTE = "second factor: wrong code"
REFUSED_CODE_NOTE = "second factor: refused while locked out"
LOCKED_OUT_NOTE = "second factor"


def code_credentials(user):
    """Return the credentials django-axes counts a code attempt under: one key per account."""
    # The id, not the e-mail: it cannot be taken for a sign-in address and survives an e-mail change.
    return {"username": f"second-factor:{user.pk}", SECOND_FACTOR: user.pk}


class LimitedCodeMixin:
    """Refuse codes while the account is locked from this address; count and record wrong ones."""

    def clean_code(self):
        request = context.request
        credentials = code_credentials(self.user)
        if axes_settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
            # As AxesStandaloneBackend does for a password: the refused attempt is a failure too.
            if not axes_settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT:
                request.axes_locked_out = True
            self._failed(request, credentials, REFUSED_CODE_NOTE)
            # AxesMiddleware turns the response into the lockout page.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            raise ValidationError(
                _("Too many wrong codes for this account from your connection. Try again later."), code="locked_out"
            )
        try:
            code = super().clean_code()
        except ValidationError:
            self._failed(request, credentials, WRONG_CODE_NOTE)
            raise
        if axes_settings.AXES_ENABLED and axes_settings.AXES_RESET_ON_SUCCESS:
            reset(ip=request.axes_ip_address, username=credentials["username"])
        return code

    def _failed(self, request, credentials, note):
        user = self.user
        record(AuditAction.SIGN_IN_FAILED, user, actor=user, request=request, object_repr=user.email, note=note)
        # Counts the failure; at the limit it locks and sends `user_locked_out`.
        AxesProxyHandler.user_login_failed(type(self), credentials, request)


class SpacedCodeMixin:
    """A code typed as the app shows it ("123 456") is the same code."""

    def clean_code(self):
        self.cleaned_data["code"] = "".join(str(self.cleaned_data.get("code", "")).split())
        return super().clean_code()


class AuthenticateForm(SpacedCodeMixin, LimitedCodeMixin, mfa_forms.AuthenticateForm):
    """The code asked after the password at sign-in."""


class ReauthenticateForm(LimitedCodeMixin, mfa_forms.ReauthenticateForm):
    """The code asked again of a signed-in account before a sensitive change."""


class ActivateTOTPForm(SpacedCodeMixin, totp_forms.ActivateTOTPForm):
    """The first code, typed to activate the authenticator app (Enlace's own page: templates/mfa/totp)."""
