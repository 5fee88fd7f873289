"""Background tasks (Django's tasks framework; the database queue runs them in `manage.py db_worker`)."""

from django.tasks import task

from . import outbox


@task()
def deliver_email(email_id):
    """Send one e-mail of the outbox; safe to run twice (the outbox row is claimed once)."""
    return outbox.deliver(email_id)
