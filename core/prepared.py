"""Downloads too big for one request: built once by the task worker, kept in storage, sent from there.

A whole-directory export of hundreds of thousands of rows takes minutes to write, longer than an
app server lets a request run (gunicorn's timeout). Such an export is *prepared*: the request
records a `PreparedExport` under a key made of what the file holds — its kind, the reader's
audience (the public, or network members, who see confidential addresses), the language, the
filters — and the content version of the moment (core.pagecache.content_version: any change of
a record makes a new one). The task worker (`build_prepared`) writes the file a chunk at a time
into a temporary file, then into storage; the reader's page polls until it is ready and then
downloads it from storage a block at a time. Another reader asking for the same file while the
content has not changed gets the same file: it is built once. When a newer version of the same
export is ready, the older files are deleted; a file nobody asked for in PREPARED_KEEP_DAYS days is
deleted by `manage.py forget_prepared_exports` (daily).

Memory stays flat on both sides: the builder holds one chunk of rows, the web worker one block of
the file. Which exports are prepared, and from what size, is the caller's choice
(e.g. directory.exports: more than EXPORT_STREAM_MAX points).
"""

import datetime
import hashlib
import json
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.shortcuts import redirect
from django.tasks import task
from django.utils import timezone, translation

from . import access
from .downloads import stored_file_response
from .models import PreparedExport, PreparedStatus
from .pagecache import content_version

log = logging.getLogger(__name__)

ASKED_EVERY = datetime.timedelta(hours=1)  # how often asking again refreshes `asked_at`

# kind: (build(members, params, handle) -> rows written, file name, content type)
BUILDERS = {}


def register(kind, build, filename, content_type):
    """Let an app prepare downloads of `kind`: `build` writes the file's bytes into an open binary handle."""
    BUILDERS[kind] = (build, filename, content_type)


def _digest(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def prepare(kind, user, params):
    """The PreparedExport of `kind` for this reader and these parameters: the ready one, or one queued now."""
    members = access.sees_members_only(user)
    lang = translation.get_language() or "es"
    version = content_version(user)[0]
    family = _digest(kind, members, lang, params)
    row, created = PreparedExport.objects.get_or_create(
        key=_digest(family, version),
        defaults={
            "family": family,
            "kind": kind,
            "members": members,
            "lang": lang,
            "params": params,
            "version": version,
        },
    )
    if created or _retry(row):
        transaction.on_commit(lambda: build_prepared.enqueue(row.pk))
    elif row.asked_at < timezone.now() - ASKED_EVERY:  # one write an hour at most, however popular
        PreparedExport.objects.filter(pk=row.pk).update(asked_at=timezone.now())
    return row


def _retry(row):
    """Queue again a build that failed (the failure may have been the store's), or one a stopped worker
    left waiting or running longer than TASK_STALE_AFTER; once, whoever asks at the same moment."""
    if row.status == PreparedStatus.FAILED:
        again = PreparedExport.objects.filter(pk=row.pk, status=PreparedStatus.FAILED)
    elif row.status != PreparedStatus.READY and row.queued_at < timezone.now() - stale_after():
        again = PreparedExport.objects.filter(pk=row.pk, status=row.status, queued_at=row.queued_at)
    else:
        return False
    return again.update(status=PreparedStatus.QUEUED, message="", queued_at=timezone.now())


def stale_after():
    return datetime.timedelta(seconds=settings.TASK_STALE_AFTER)


def visible(user, key):
    """The PreparedExport under `key` if this reader may have it (one for members only to a member), else None."""
    row = PreparedExport.objects.filter(key=key).first()
    if row is None or not access.can(user, access.VIEW, row):
        return None
    return row


def response(row):
    """The file when it is ready (sent from storage), else the page that says where it stands."""
    if row.status != PreparedStatus.READY:
        return redirect("core:prepared", key=row.key)
    answer = stored_file_response(row.file, filename(row))
    answer["Content-Type"] = content_type(row)
    return answer


def filename(row):
    return BUILDERS[row.kind][1](row) if row.kind in BUILDERS else row.file.name.rsplit("/", 1)[-1]


def content_type(row):
    return BUILDERS[row.kind][2] if row.kind in BUILDERS else "application/octet-stream"


@task()
def build_prepared(pk):
    """Build one prepared export (the task worker runs it); safe to run twice."""
    claimed = PreparedExport.objects.filter(pk=pk, status=PreparedStatus.QUEUED).update(
        status=PreparedStatus.RUNNING, queued_at=timezone.now()
    )
    if not claimed:
        return  # built, or being built, by another run
    row = PreparedExport.objects.get(pk=pk)
    build = BUILDERS[row.kind][0]
    try:
        with tempfile.TemporaryFile() as handle, translation.override(row.lang):
            rows = build(row.members, row.params, handle)
            size = handle.tell()
            handle.seek(0)
            row.file.save(filename(row), File(handle), save=False)
    except Exception as error:
        log.exception("prepared export %s failed", row.pk)
        PreparedExport.objects.filter(pk=pk).update(status=PreparedStatus.FAILED, message=str(error)[:500])
        return
    row.status, row.size, row.rows, row.finished_at = PreparedStatus.READY, size, rows, timezone.now()
    row.save(update_fields=["file", "status", "size", "rows", "finished_at"])
    _forget_older(row)


def _forget_older(row):
    """Delete the files of the same export made for older content (a newer one is ready)."""
    older = PreparedExport.objects.filter(family=row.family, version__lt=row.version)
    for old in older.exclude(status=PreparedStatus.RUNNING):
        if old.file:
            old.file.delete(save=False)
        old.delete()


def forget_unasked(days):
    """Delete the prepared exports (rows and files) nobody asked for in `days` days: filters met once
    leave no file behind for ever. A reader asking again later has it prepared again. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    forgotten = 0
    unasked = PreparedExport.objects.filter(asked_at__lt=cutoff).exclude(status=PreparedStatus.RUNNING)
    for row in unasked.only("pk", "file").iterator(chunk_size=500):
        # The row first, only if still unasked (a reader asking now keeps it), then its file.
        if PreparedExport.objects.filter(pk=row.pk, asked_at__lt=cutoff).delete()[0]:
            forgotten += 1
            if row.file:
                row.file.delete(save=False)
    return forgotten
