"""Background tasks of meetings: a big report is imported by the worker, not the web request."""

from django.tasks import task

from core.requestid import request_id_as

from . import imports


@task()
def run_import(job_id, request_id=""):
    """Import the report of one ImportJob; its row says how far it went (see meetings.imports).

    `request_id`: the request that asked for it, carried into this task's log lines.
    """
    with request_id_as(request_id):
        return imports.run(job_id)
