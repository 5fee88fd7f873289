"""Report imports, small and big: a small report is read at once; a big one becomes an ImportJob
that the worker runs (`meetings.tasks.run_import`) while the page shows its progress.

A web request has a minute at most, and a report of tens of thousands of agreements takes
longer than that to read and write; the worker has no such limit. Either way the import is one
transaction: a failure writes nothing and says why.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.requestid import current_request_id

from .importer import parse_file
from .models import ImportJob, ImportStatus

# Reports larger than this are imported in the background (the seed report is 10 KB; a report of
# 1,000 agreements about 150 KB).
INLINE_BYTES = getattr(settings, "MEETINGS_IMPORT_INLINE_BYTES", 300 * 1024)


def is_big(upload):
    return (upload.size or 0) > INLINE_BYTES


def start(upload, *, acting_user, body=None, start_date=None):
    """Keep the upload and queue its import; return the job."""
    from .tasks import run_import

    access.require_create(acting_user, ImportJob)
    with acting_as(acting_user):
        job = ImportJob(source_name=upload.name[:200], body=body, start_date=start_date, created_by=acting_user)
        job.file.save(upload.name, upload, save=False)
        job.save()
    request_id = current_request_id()
    transaction.on_commit(lambda: run_import.enqueue(job.pk, request_id=request_id))
    return job


def _step(job, status, progress, message=""):
    ImportJob.objects.filter(pk=job.pk).update(status=status, progress=progress, message=message)


def run(job_id):
    """Read and import the job's report; the job row records each step and the outcome."""
    from . import services

    job = ImportJob.objects.select_related("created_by", "body").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    _step(job, ImportStatus.RUNNING, 10)
    try:
        with job.file.open("rb") as handle:
            upload = SimpleUploadedFile(job.source_name, handle.read())
        parsed = parse_file(upload)
        _step(
            job,
            ImportStatus.RUNNING,
            40,
            _("%(count)s agreements read; writing the draft…") % {"count": len(parsed.agreements)},
        )
        meeting = services.import_report(
            parsed,
            acting_user=job.created_by,
            source_name=job.source_name,
            body=job.body,
            start_date=job.start_date,
        )
    except ValidationError as error:
        _step(job, ImportStatus.FAILED, 100, " ".join(error.messages))
        return None
    except Exception as error:  # noqa: BLE001 - the job says what went wrong; nothing was written
        _step(job, ImportStatus.FAILED, 100, _("The report could not be imported: %(error)s") % {"error": error})
        return None
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, progress=100, meeting=meeting, message="")
    return meeting.pk
