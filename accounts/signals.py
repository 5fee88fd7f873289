"""Write sign-ins, failures and sign-outs to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import record
from core.models import AuditAction


@receiver(user_logged_in)
def on_sign_in(sender, request, user, **kwargs):
    record(AuditAction.SIGN_IN, user, actor=user, request=request)


@receiver(user_logged_out)
def on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.SIGN_OUT, user, actor=user, request=request)


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    record(AuditAction.SIGN_IN_FAILED, None, request=request, object_repr=email, note=email)
