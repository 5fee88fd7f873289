"""The id of the request (or background task) being served, for every log line it writes.

Kept apart from core.operations, with no model import, so that the logging configuration can load
its filter before Django's apps are ready.
"""

import contextlib
import logging
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("enlace_request_id", default="")
# What a proxy's id may look like (HAProxy's uuid(), nginx's $request_id, …); anything else is replaced.
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def on_request_started(sender, environ=None, **kwargs):
    """From the very start of a request (signal `request_started`): the proxy's id, or a new one.

    Set by signal rather than by a middleware so that the lines Django writes after the middleware
    have run (its "Not Found" and error lines) carry the id too; cleared when the request finishes.
    """
    given = (environ or {}).get("HTTP_X_REQUEST_ID", "")
    _request_id.set(given if WELL_FORMED.match(given) else uuid.uuid4().hex)


def on_request_finished(sender, **kwargs):
    _request_id.set("")


def current_request_id():
    return _request_id.get()


def set_request_id(value):
    """Set the id for the current request; return the token `reset_request_id` takes."""
    return _request_id.set(value)


def reset_request_id(token):
    _request_id.reset(token)


@contextlib.contextmanager
def request_id_as(value):
    """Run a block (a background task) under the id of the request that asked for it."""
    token = _request_id.set(value or uuid.uuid4().hex)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every log record (empty outside a request or task)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True
