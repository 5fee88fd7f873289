"""Notifications: in Enlace for every user, and by e-mail as each user prefers, in their language.

Other apps call `notify(users, kind, *, subject, body, url, dedupe_key)`, e.g. meetings when a
commitment is assigned:

    from messaging.notifications import notify
    notify(officers, "commitment_assigned",
           subject=lambda lang: ..., body=..., url=commitment.get_absolute_url(),
           dedupe_key=f"commitment:{commitment.pk}:assigned")

`subject` and `body` are written in each reader's language: pass a lazy translation
(`gettext_lazy`), a dict {"es": …, "en": …}, or a function of the language code that returns
the text (use it when the text interpolates values: it runs under that language). The same
key for the same user never notifies twice, so callers may call again safely.

E-mail preferences: per user, a default for every kind and, optionally, one per kind:
immediately, in a daily digest (sent by `send_reminders`), or off (in Enlace only).
"""

from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from .models import Delivery, EmailState, Notification, NotificationKind, NotificationPreference
from .outbox import queue_email

# Kinds that never go by e-mail: about the e-mail system itself (no loops when mail is down).
IN_APP_ONLY = {NotificationKind.OUTBOX_PROBLEM}


def language_of(user):
    lang = (getattr(user, "language", "") or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_text(value, lang):
    """Return `value` (str, lazy string, {lang: text}, or callable(lang)) in `lang`."""
    with translation.override(lang):
        if callable(value) and not isinstance(value, Promise):
            value = value(lang)
        if isinstance(value, dict):
            value = value.get(lang) or next((text for text in value.values() if text), "")
        return str(value or "")


def preferences_for(users):
    """Return {user_id: {kind or "": delivery}} for these users, in one query."""
    prefs = defaultdict(dict)
    for user_id, kind, delivery in NotificationPreference.objects.filter(user__in=users).values_list(
        "user_id", "kind", "delivery"
    ):
        prefs[user_id][kind] = delivery
    return prefs


def delivery_for(prefs, kind):
    if kind in IN_APP_ONLY:
        return Delivery.OFF
    return prefs.get(kind) or prefs.get("") or Delivery.IMMEDIATE


def absolute(url):
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


def email_text(lang, template, **context):
    with translation.override(lang):
        context.setdefault("site_url", settings.SITE_URL)
        context.setdefault("preferences_url", absolute(reverse("circulation:preferences")))
        return render_to_string(template, context).strip() + "\n"


def notify(users, kind, *, subject, body="", url="", dedupe_key, reply_to=None):
    """Notify each user once per `dedupe_key`; e-mail them as they prefer. Return the new notifications.

    Call it inside the service's transaction: the e-mails are sent once it commits. `reply_to(user)`
    may give the address an answer to that user's e-mail goes to (a circular's reply address).
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    users = [user for user in {user.pk: user for user in users if user is not None}.values() if user.is_active]
    if not users:
        return []
    already = set(Notification.objects.filter(user__in=users, dedupe_key=dedupe_key).values_list("user_id", flat=True))
    prefs = preferences_for(users)
    # Worded once in every language of the site: each reader reads it in the language they read Enlace in.
    texts = {lang: [render_text(subject, lang)[:300], render_text(body, lang)] for lang, _name in settings.LANGUAGES}
    created = []
    for user in users:
        if user.pk in already:
            continue
        lang = language_of(user)
        notification = Notification(
            user=user,
            kind=kind,
            subject=texts[lang][0],
            body=texts[lang][1],
            texts=texts,
            url=url or "",
            dedupe_key=dedupe_key[:200],
            language=lang,
            delivery=delivery_for(prefs.get(user.pk, {}), kind),
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # notified meanwhile by a concurrent call
        if notification.delivery == Delivery.IMMEDIATE and user.email:
            answer_to = reply_to(user) if reply_to else ""
            text = email_text(
                lang,
                "messaging/email/notification.txt",
                notification=notification,
                link=absolute(url),
                reply_by_email=bool(answer_to),
            )
            email, _created = queue_email(
                to=user.email,
                subject=f"[Enlace] {notification.subject}",
                body=text,
                language=lang,
                dedupe_key=f"notification:{notification.pk}",
                user=user,
                reply_to=answer_to,
            )
            notification.email = email
            notification.save(update_fields=["email"])
        created.append(notification)
    return created


def ts_users():
    """Active accounts of the Technical Secretariat's current staff (and superusers)."""
    from accounts.models import User
    from network.models import Appointment, OrganizationKind

    staff = Appointment.objects.current().filter(organization__kind=OrganizationKind.SECRETARIAT)
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(person__in=staff.values("person_id")))
        .distinct()
    )


def notify_ts_of_email_problem(email, state):
    from django.utils.translation import gettext as _

    def subject(lang):
        if state == EmailState.FAILED:
            return _("An e-mail to %(to)s could not be sent") % {"to": email.to}
        return _("An e-mail to %(to)s may not have been sent") % {"to": email.to}

    def body(lang):
        if state == EmailState.FAILED:
            return _("Enlace gave up after %(n)s attempts: %(error)s") % {
                "n": email.attempts,
                "error": email.last_error,
            }
        return _(
            "It was handed to the mail server but the hand-off was never confirmed. Enlace will not send it "
            "again on its own: check the outbox and decide."
        )

    notify(
        ts_users(),
        NotificationKind.OUTBOX_PROBLEM,
        subject=subject,
        body=body,
        url=reverse("circulation:outbox") + f"?state={state}",
        dedupe_key=f"outbox:{email.pk}:{state}",
    )


def send_digests(now=None):
    """Send each user who prefers a digest one e-mail with what they have not had by e-mail yet.

    At most one digest per user per day (its key holds the date), so running twice sends nothing twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = (
        Notification.objects.filter(delivery=Delivery.DIGEST, email__isnull=True, created_at__lte=now)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    by_user = defaultdict(list)
    for notification in pending:
        by_user[notification.user].append(notification)
    sent = 0
    for user, notifications in by_user.items():
        if not (user.is_active and user.email):
            continue
        lang = language_of(user)
        with transaction.atomic():
            text = email_text(
                lang,
                "messaging/email/digest.txt",
                notifications=[(n, absolute(n.url)) for n in notifications],
                count=len(notifications),
            )
            with translation.override(lang):
                from django.utils.translation import ngettext

                subject = ngettext("%(count)s notification", "%(count)s notifications", len(notifications)) % {
                    "count": len(notifications)
                }
            email, created = queue_email(
                to=user.email,
                subject=f"[Enlace] {subject}",
                body=text,
                language=lang,
                dedupe_key=f"digest:{user.pk}:{today.isoformat()}",
                user=user,
            )
            if created:
                Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(email=email)
                sent += 1
    return sent


def unread_count(user):
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def reader_state(user):
    """The state of a reader's notifications, for their kept pages (core.pagecache): newest and unread."""
    from django.db.models import Count, Max

    seen = Notification.objects.filter(user=user).aggregate(
        newest=Max("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )
    return f"{seen['newest']}-{seen['unread']}"
