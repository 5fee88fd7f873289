"""Account security: lockout, the TS's required second factor, session limits.

- django-axes locks an account from one address after AXES_FAILURE_LIMIT wrong passwords, or
  wrong second-factor codes (accounts.second_factor); each lockout is written to the audit
  trail once.
- TS staff must use a second factor (TOTP with recovery codes, from allauth.mfa): until they
  activate it, every page sends them to its set-up; once active, sign-in asks for it.
- Sessions end after SESSION_IDLE_SECONDS without activity and SESSION_MAX_SECONDS after
  sign-in, whatever happens in between.
"""

import math
import time

from allauth.account.signals import authentication_step_completed
from allauth.mfa.utils import is_mfa_enabled
from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import access
from core.audit import record
from core.models import AuditAction

from .second_factor import LOCKED_OUT_NOTE, SECOND_FACTOR

SESSION_STARTED = "enlace_started"
SESSION_SEEN = "enlace_seen"


def axes_username(request, credentials=None):
    """The account a sign-in attempt is for: allauth sends `email`, its form posts `login`."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login", "")
    return (value or "").strip().lower()


@receiver(user_logged_in)
def on_signed_in(sender, request, user, **kwargs):
    """Start the session's absolute lifetime at sign-in."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now


@receiver(authentication_step_completed)
def password_just_given(sender, request, method, user=None, **kwargs):
    """A password typed to sign in counts as typed again for the next minutes (allauth's reauthentication
    window): the TS's first sign-in goes from the password straight to setting up its second factor."""
    if method != "password" or request is None or not hasattr(request, "session"):
        return
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    records = list(request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, []))
    if records and records[-1].get("method") == "password":
        records[-1] = {**records[-1], "reauthenticated": True}
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records


@receiver(user_locked_out)
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """Write a lockout to the audit trail once: on the failure that reaches the limit."""
    # django-axes sends this signal again for every attempt refused during the lockout (and,
    # with AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT, counts it): those attempts are
    # already recorded as failed sign-ins, so only the attempt that starts the lockout is.
    credentials = getattr(request, "axes_credentials", None) or {}
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != get_failure_limit(request, credentials):
        return
    if credentials.get(SECOND_FACTOR) is not None:
        account = get_user_model()._default_manager.filter(pk=credentials[SECOND_FACTOR]).first()
        record(
            AuditAction.LOCKED_OUT,
            account,
            actor=account,
            request=request,
            object_repr=getattr(account, "email", username or ""),
            note=LOCKED_OUT_NOTE,
        )
        return
    record(AuditAction.LOCKED_OUT, None, request=request, object_repr=username or "", note=ip_address or "")


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows while locked out: for wrong passwords or for wrong codes."""
    second_factor = (credentials or {}).get(SECOND_FACTOR) is not None
    cool_off = get_cool_off(request)
    context = {"cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None}
    template = "accounts/second_factor_locked.html" if second_factor else axes_settings.AXES_LOCKOUT_TEMPLATE
    return render(request, template, context, status=axes_settings.AXES_HTTP_RESPONSE_CODE)


def needs_second_factor(user):
    """True when the user is TS staff without an active second factor."""
    return (
        user is not None and user.is_authenticated and access.administers(user) and not is_mfa_enabled(user, ["totp"])
    )


# Paths a TS member without a second factor may still reach: its set-up, sign-out, static files.
SECOND_FACTOR_OPEN = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",  # allauth asks for the password again before activating
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/readyz",
    "/metrics",
)


class RequireSecondFactorMiddleware:
    """Send TS staff without a second factor to its set-up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(SECOND_FACTOR_OPEN) and needs_second_factor(getattr(request, "user", None)):
            if request.path.startswith("/api/"):
                message = _("Technical Secretariat accounts must activate a second factor first.")
                return JsonResponse({"detail": message}, status=403)
            if request.headers.get("HX-Request"):  # a part of a page (the menu's count): nothing until then
                return HttpResponse(status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class SessionLimitsMiddleware:
    """End sessions that sat idle too long or that outlived their absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            seen = session.get(SESSION_SEEN, now)
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            if now - seen >= 60 or SESSION_SEEN not in session:
                # Write at most once a minute, not on every request.
                session[SESSION_SEEN] = now
        return self.get_response(request)
