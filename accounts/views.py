"""Account pages: accept an invitation, preferences, API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import services
from .forms import AcceptInvitationForm, ApiTokenForm, PreferencesForm
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
