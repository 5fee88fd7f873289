"""Uploaded files when their store fails: a clear 503 with Retry-After, never a 500.

Files live on disk or in an S3-compatible bucket (`STORAGES["default"]`, config/settings.py), and
every read and write goes through Django's storage API. A bucket that refuses, fails or hangs
raises botocore's errors (after the short timeouts set in the settings) wherever a file is read
or written — a download, an upload saved with its record, a document with the network's logo.
`StorageUnavailableMiddleware` turns them into a 503 page (JSON on the API) saying the file store
does not answer, with `Retry-After`; the record being saved with the file is rolled back with the
request's transaction, so nothing is half-saved. Pages that need no file keep working.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

STORAGE_DOWN = (BotoCoreError, ClientError)
RETRY_AFTER_SECONDS = 30


def unavailable_response(request):
    """The answer to a request whose file store failed."""
    if request.path.startswith("/api/"):
        message = _("The file store does not answer at the moment; try again in a minute.")
        response = JsonResponse({"detail": message, "errors": {"__all__": [message]}}, status=503)
    else:
        response = render(request, "core/storage_unavailable.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class StorageUnavailableMiddleware:
    """Answer 503 + Retry-After when the file store fails while a view reads or writes a file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, STORAGE_DOWN):
            logger.error("File store failed on %s %s: %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None
