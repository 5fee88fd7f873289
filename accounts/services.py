"""Writes for accounts: invitations, their acceptance, preferences and API tokens."""

import datetime

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as, record
from core.models import AuditAction

from .models import ApiToken, Invitation, User, hash_secret


@transaction.atomic
def invite_person(person, *, acting_user, language=None):
    """Send `person` an invitation to open their account; return the Invitation and its raw token."""
    from network.access import INVITE

    access.require(acting_user, INVITE, person)
    if not person.email:
        raise ValidationError({"email": _("This contact has no e-mail address to invite.")})
    if person.user_id and person.user.has_usable_password():
        raise ValidationError(_("This person already has an account."))
    clash = User.objects.filter(email__iexact=person.email).exclude(pk=person.user_id).exists()
    if clash:
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    if not person.appointments.current().exists():
        raise ValidationError(_("Only people with a current term can be invited."))
    person.invitations.pending().update(revoked_at=timezone.now())
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        person=person,
        email=person.email,
        token_hash=hash_secret(token),
        invited_by=acting_user,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    url = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
    lang = language or (person.languages[0] if person.languages and person.languages[0] in ("es", "en") else "es")
    with translation.override(lang):
        context = {"person": person, "url": url, "invitation": invitation, "inviter": acting_user}
        subject = _("Your invitation to Enlace")
        body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [person.email]))
    with acting_as(acting_user):
        record(AuditAction.INVITED, person, note=person.email)
    return invitation, token


def find_invitation(token):
    """Return the pending invitation for a raw token, or None."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.pending().select_related("person").filter(token_hash=hash_secret(token)).first()


@transaction.atomic
def accept_invitation(invitation, password):
    """Open the invited person's account with the chosen password and return the user."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer valid. Ask for a new one."))
    person = invitation.person
    user = person.user or User(email=invitation.email)
    password_validation.validate_password(password, user)
    user.email = invitation.email
    user.is_active = True
    if person.languages and person.languages[0] in ("es", "en"):
        user.language = user.language or person.languages[0]
    user.set_password(password)
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    with acting_as(user):
        record(AuditAction.ACCOUNT, user, note="invitation accepted")
    return user


def change_account_email(user, email):
    """Keep the sign-in e-mail equal to the contact's e-mail."""
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    record(AuditAction.ACCOUNT, user, changes={"email": [old, email]})


def set_preferences(user, *, language=None, timezone_name=None):
    """Save the user's language and time zone."""
    fields = []
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Unknown language.")})
        user.language = language
        fields.append("language")
    if timezone_name is not None:
        user.timezone = timezone_name
        user.full_clean(validate_unique=False, validate_constraints=False)
        fields.append("timezone")
    if fields:
        user.save(update_fields=fields)
    return user


def create_api_token(user, name):
    """Create an API token for `user`; return the record and the raw key (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    raw = "enl_" + Invitation.new_token()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[4:12], key_hash=hash_secret(raw))
    return token, raw


def revoke_api_token(token, *, acting_user):
    """Revoke an API token of one's own."""
    if token.user_id != acting_user.pk:
        access.refuse(acting_user, "revoke", token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def user_for_token(raw):
    """Return the active user owning the raw API token, or None; note its use."""
    if not raw or not raw.startswith("enl_") or len(raw) > 100:
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_secret(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
