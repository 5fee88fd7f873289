"""Account pages: accept an invitation, preferences, sign-in e-mail, API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core.forms import add_service_errors

from . import services
from .forms import AcceptInvitationForm, ApiTokenForm, EmailChangeForm, PreferencesForm
from .models import ApiToken


@never_cache
def accept_invitation(request, token):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(invitation, form.cleaned_data["password1"])
        except ValidationError as error:
            add_service_errors(form, ValidationError({"password1": error.messages}))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Enlace. Your account is open."))
            return redirect("network:person", pk=invitation.person_id)
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@login_required
def preferences(request):
    user = request.user
    form = PreferencesForm(
        request.POST or None, initial={"language": user.language or request.LANGUAGE_CODE, "timezone": user.timezone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(
                user, language=form.cleaned_data["language"], timezone_name=form.cleaned_data["timezone"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Preferences saved."))
            response = redirect("accounts:preferences")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.create_api_token(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def revoke_api_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(token, acting_user=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:api_tokens")


@login_required
def sign_in_email(request):
    """The account's sign-in e-mail, and a request to change it (confirmed from the new address)."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change, _token = services.request_email_change(
                request.user, form.cleaned_data["email"], form.cleaned_data["password"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("We sent a link to %(email)s. Your sign-in e-mail changes when you open it.")
                % {"email": change.new_email},
            )
            return redirect("accounts:email")
    pending = request.user.email_changes.pending().first()
    return render(request, "accounts/sign_in_email.html", {"form": form, "pending": pending})


@never_cache
def confirm_email(request, token):
    """Confirm a new sign-in e-mail from the link sent to it (a button, so link scanners change nothing)."""
    change = services.find_email_change(token)
    if change is None:
        return render(request, "accounts/email_change_invalid.html", status=404)
    if request.method == "POST":
        try:
            services.confirm_email_change(change)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return render(request, "accounts/email_change_invalid.html", status=409)
        messages.success(request, _("Your sign-in e-mail is now %(email)s.") % {"email": change.new_email})
        return redirect("network:home")
    return render(request, "accounts/confirm_email.html", {"change": change})


@require_POST
def set_language(request):
    """Switch the interface language, remember it for a signed-in user, and stay on the page."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_preferences(request.user, language=language)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect("/")
    return response
