"""Background tasks (Django's tasks framework; the database queue runs them in `manage.py db_worker`)."""

from django.tasks import task

from core.requestid import request_id_as

from . import outbox


@task()
def deliver_email(email_id, request_id=""):
    """Send one e-mail of the outbox; safe to run twice (the outbox row is claimed once).

    `request_id`: the request that queued it, carried into this task's log lines.
    """
    with request_id_as(request_id):
        return outbox.deliver(email_id)
