"""Background tasks of meetings: a big report is imported by the worker, not the web request."""

from django.tasks import task

from . import imports


@task()
def run_import(job_id):
    """Import the report of one ImportJob; its row says how far it went (see meetings.imports)."""
    return imports.run(job_id)
