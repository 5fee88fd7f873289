"""Writes for accounts: invitations, their acceptance, preferences and API tokens."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as, record
from core.models import AuditAction

from .access import INVITE
from .models import ApiToken, EmailChange, Invitation, User, hash_secret


@transaction.atomic
def invite_person(person: Any, *, acting_user: User, language: str | None = None) -> tuple[Invitation, str]:
    """Send `person` (a network.models.Person: accounts does not import the network) an invitation to
    open their account; return the Invitation and its raw token."""
    access.require(acting_user, INVITE, person)
    if not person.email:
        raise ValidationError({"email": _("This contact has no e-mail address to invite.")})
    if person.user is not None and person.user.has_usable_password():
        raise ValidationError(_("This person already has an account."))
    clash = User.objects.filter(email__iexact=person.email).exclude(pk=person.user_id or 0).exists()
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


def find_invitation(token: str | None) -> Invitation | None:
    """Return the pending invitation for a raw token, or None."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.pending().select_related("person").filter(token_hash=hash_secret(token)).first()


@transaction.atomic
def accept_invitation(invitation: Invitation, password: str) -> User:
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


EMAIL_CHANGE_VALID = datetime.timedelta(days=2)


def _check_free_email(email: str, user: User) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    return email


def _mail(template: str, subject: str, to: str, context: dict[str, Any], language: str) -> None:
    """Send a short account e-mail in the reader's language once the transaction commits."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = str(subject)
        body = render_to_string(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


@transaction.atomic
def request_email_change(user: User, new_email: str, password: str, *, acting_user: User) -> tuple[EmailChange, str]:
    """Ask to sign in with `new_email`: a link goes to that address, a notice to the current one.

    Only the account's owner may ask, with their password; nothing changes until the link is
    opened. Return the EmailChange and its raw token.
    """
    from .access import REQUEST_EMAIL_CHANGE

    access.require(acting_user, REQUEST_EMAIL_CHANGE, user)
    if not user.check_password(password or ""):
        raise ValidationError({"password": _("This is not your current password.")})
    new_email = _check_free_email(new_email, user)
    if new_email == user.email:
        raise ValidationError({"email": _("This is already your sign-in e-mail address.")})
    token = Invitation.new_token()
    with acting_as(acting_user):
        user.email_changes.pending().update(cancelled_at=timezone.now())
        change = EmailChange.objects.create(
            user=user,
            old_email=user.email,
            new_email=new_email,
            token_hash=hash_secret(token),
            expires_at=timezone.now() + EMAIL_CHANGE_VALID,
        )
    context = {
        "user": user,
        "change": change,
        "url": settings.SITE_URL + reverse("accounts:confirm_email", args=[token]),
    }
    _mail(
        "accounts/email/email_change_confirm.txt",
        _("Confirm your new sign-in e-mail"),
        new_email,
        context,
        user.language,
    )
    _mail(
        "accounts/email/email_change_notice.txt",
        _("Your sign-in e-mail is about to change"),
        user.email,
        context,
        user.language,
    )
    return change, token


def find_email_change(token: str | None) -> EmailChange | None:
    """Return the pending e-mail change for a raw token, or None."""
    if not token or len(token) > 100:
        return None
    return EmailChange.objects.pending().select_related("user").filter(token_hash=hash_secret(token)).first()


@transaction.atomic
def confirm_email_change(change: EmailChange) -> User:
    """Make the confirmed address the account's sign-in e-mail; tell the previous address."""
    change = EmailChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    if not change.is_pending:
        raise ValidationError(_("This link is no longer valid. Ask for a new one."))
    user = change.user
    if user.email != change.old_email:
        raise ValidationError(_("The account's e-mail changed since this link was sent. Ask for a new one."))
    _check_free_email(change.new_email, user)
    with acting_as(user):
        user.email = change.new_email
        user.save(update_fields=["email"])
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
    context = {"user": user, "change": change, "by_ts": False}
    _mail(
        "accounts/email/email_changed.txt",
        _("Your sign-in e-mail was changed"),
        change.old_email,
        context,
        user.language,
    )
    return user


@transaction.atomic
def set_account_email(user: User, email: str, *, acting_user: User) -> User:
    """Set an account's sign-in e-mail directly (the TS, e.g. for someone who lost their mailbox).

    Both the previous and the new address are told.
    """
    from .access import SET_SIGN_IN_EMAIL

    access.require(acting_user, SET_SIGN_IN_EMAIL, user)
    email = _check_free_email(email, user)
    old = user.email
    if email == old:
        return user
    with acting_as(acting_user):
        user.email_changes.pending().update(cancelled_at=timezone.now())
        user.email = email
        user.save(update_fields=["email"])
    context = {"user": user, "change": {"old_email": old, "new_email": email}, "by_ts": True}
    subject = _("Your sign-in e-mail was changed")
    for address in (old, email):
        _mail("accounts/email/email_changed.txt", subject, address, context, user.language)
    return user


def set_preferences(user: User, *, language: str | None = None, timezone_name: str | None = None) -> User:
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


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `user`; return the record and the raw key (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    raw = "enl_" + Invitation.new_token()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[4:12], key_hash=hash_secret(raw))
    return token, raw


def revoke_api_token(token: ApiToken, *, acting_user: User) -> None:
    """Revoke an API token of one's own."""
    if token.user_id != acting_user.pk:
        access.refuse(acting_user, "revoke", token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def user_for_token(raw: str | None) -> User | None:
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
