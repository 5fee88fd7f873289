"""The e-mail outbox: every e-mail Enlace sends is a row, sent by a background task, never twice.

- `queue_email(...)` writes the row (its `dedupe_key` is unique: queueing twice queues once)
  and, once the transaction commits, enqueues `messaging.tasks.deliver_email`.
- `deliver(pk)` claims the row (queued → sending, one conditional UPDATE, so two workers never
  both send it), hands it to the mailer, then confirms it (→ sent). An error puts it back to
  queued with a later attempt (retried by a deferred task, or by the sweep), and after the
  last attempt → failed, shown to the TS.
- `sweep()` (run every minute by `manage.py sweep_outbox`, and by `send_reminders`) retries
  tasks a dead worker left 'running', flags sends claimed but never confirmed (→ unconfirmed:
  the TS decides, Enlace does not send them again on its own), and re-enqueues due rows
  whose task was lost.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import default_task_backend
from django.utils import timezone

from core.requestid import current_request_id

from .models import EmailState, OutboundEmail

log = logging.getLogger("enlace.outbox")

MAX_ATTEMPTS = 5
# Seconds to wait before attempt 2, 3, 4, 5.
BACKOFF = (60, 5 * 60, 15 * 60, 60 * 60)
# A task that a dead worker left 'running' is retried this many times in all, then failed.
TASK_MAX_RUNS = 3
# A queued e-mail whose task went missing is enqueued again once it is this late.
ORPHAN_GRACE = datetime.timedelta(seconds=60)
DELIVER_TASK_PATH = "messaging.tasks.deliver_email"


def _enqueue(pk, run_after=None, request_id=None):
    from .tasks import deliver_email

    task = deliver_email
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the sweep sends it when it is due
        task = deliver_email.using(run_after=run_after)
    task.enqueue(pk, request_id=current_request_id() if request_id is None else request_id)


def queue_email(*, to, subject, body, language, dedupe_key, user=None, reply_to=""):
    """Write an e-mail to the outbox (once per key) and have it sent after the transaction commits.

    Return (email, created).
    """
    existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                dedupe_key=dedupe_key,
                to=to,
                user=user,
                language=language,
                subject=subject[:300],
                body=body,
                reply_to=reply_to or "",
            )
    except IntegrityError:
        return OutboundEmail.objects.get(dedupe_key=dedupe_key), False
    request_id = current_request_id()  # the request queueing it, though the task is enqueued at commit
    transaction.on_commit(lambda: _enqueue(email.pk, request_id=request_id))
    return email, True


def message_for(email):
    domain = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0] or "enlace.localhost"
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        # The same Message-ID on every hand-off: if the TS sends one again, mail clients show it once.
        headers={"Message-ID": f"<enlace-outbox-{email.pk}@{domain}>", "Auto-Submitted": "auto-generated"},
    )


def deliver(pk):
    """Send one outbox e-mail if it is still queued and due; return what happened."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=pk, state=EmailState.QUEUED, next_attempt_at__lte=now).update(
        state=EmailState.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.get(pk=pk)
    try:
        message_for(email).send()
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is recorded, not raised
        return _record_failure(email, error)
    OutboundEmail.objects.filter(pk=pk, state__in=(EmailState.SENDING, EmailState.UNCONFIRMED)).update(
        state=EmailState.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    log.info("e-mail %s sent to %s", pk, email.to)
    return "sent"


def _record_failure(email, error):
    text = f"{type(error).__name__}: {error}"[:2000]
    log.warning("e-mail %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, text)
    if email.attempts >= MAX_ATTEMPTS:
        OutboundEmail.objects.filter(pk=email.pk, state=EmailState.SENDING).update(
            state=EmailState.FAILED, last_error=text, updated_at=timezone.now()
        )
        _tell_ts(email, EmailState.FAILED)
        return "failed"
    retry_at = timezone.now() + datetime.timedelta(seconds=BACKOFF[min(email.attempts, len(BACKOFF)) - 1])
    OutboundEmail.objects.filter(pk=email.pk, state=EmailState.SENDING).update(
        state=EmailState.QUEUED, next_attempt_at=retry_at, last_error=text, updated_at=timezone.now()
    )
    _enqueue(email.pk, run_after=retry_at)
    return "retry"


def _tell_ts(email, state):
    from .notifications import notify_ts_of_email_problem

    notify_ts_of_email_problem(email, state)


def _retry_stalled_tasks(now):
    """Put back to 'ready' the tasks a dead worker left 'running'; fail them after TASK_MAX_RUNS."""
    from django_tasks_db.models import DBTaskResult

    stale_before = now - datetime.timedelta(seconds=settings.TASK_STALE_AFTER)
    retried = failed = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=stale_before):
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update().filter(pk=result.pk, status="RUNNING").first()
            if row is None:
                continue
            if len(row.worker_ids) >= TASK_MAX_RUNS:
                row.set_failed(RuntimeError("The worker running this task stopped before it finished."))
                failed += 1
            else:
                row.status = "READY"
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                retried += 1
    return retried, failed


def _flag_unconfirmed(now):
    limit = now - datetime.timedelta(seconds=settings.OUTBOX_UNCONFIRMED_AFTER)
    flagged = list(OutboundEmail.objects.filter(state=EmailState.SENDING, claimed_at__lt=limit))
    for email in flagged:
        changed = OutboundEmail.objects.filter(pk=email.pk, state=EmailState.SENDING).update(
            state=EmailState.UNCONFIRMED, updated_at=now
        )
        if changed:
            log.warning("e-mail %s to %s was handed over but never confirmed; flagged to the TS", email.pk, email.to)
            _tell_ts(email, EmailState.UNCONFIRMED)
    return len(flagged)


def _has_live_task(pk):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=DELIVER_TASK_PATH, status__in=("READY", "RUNNING"), args_kwargs__args__0=pk
    ).exists()


def _requeue_orphans(now):
    using_db_queue = _uses_database_queue()
    count = 0
    for pk in OutboundEmail.objects.due(now - ORPHAN_GRACE).values_list("pk", flat=True):
        if using_db_queue and _has_live_task(pk):
            continue
        _enqueue(pk)
        count += 1
    return count


def _uses_database_queue():
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def sweep(now=None):
    """Recover from dead workers and lost tasks; return counts of what was done."""
    now = now or timezone.now()
    retried, failed = _retry_stalled_tasks(now) if _uses_database_queue() else (0, 0)
    flagged = _flag_unconfirmed(now)
    requeued = _requeue_orphans(now)
    return {"tasks_retried": retried, "tasks_failed": failed, "unconfirmed": flagged, "requeued": requeued}


# ---- what the TS may do with a problem e-mail (through services, audited there) -----------------


def retry_now(email):
    """Queue a failed, unconfirmed or cancelled e-mail again, from a fresh set of attempts."""
    changed = OutboundEmail.objects.filter(
        pk=email.pk, state__in=(EmailState.FAILED, EmailState.UNCONFIRMED, EmailState.CANCELLED)
    ).update(state=EmailState.QUEUED, attempts=0, next_attempt_at=timezone.now(), updated_at=timezone.now())
    if changed:
        request_id = current_request_id()  # the request queueing it, though the task is enqueued at commit
        transaction.on_commit(lambda: _enqueue(email.pk, request_id=request_id))
    return bool(changed)


def settle(email, state):
    """Close an e-mail by hand: confirmed sent (the TS checked) or cancelled."""
    allowed = Q(state__in=(EmailState.FAILED, EmailState.UNCONFIRMED, EmailState.QUEUED))
    fields = {"state": state, "updated_at": timezone.now()}
    if state == EmailState.SENT:
        fields["sent_at"] = timezone.now()
    return bool(OutboundEmail.objects.filter(allowed, pk=email.pk).update(**fields))
